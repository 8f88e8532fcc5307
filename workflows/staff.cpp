#include "workflows/staff.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

namespace certdesk::workflows {

const char* to_string(Role r) {
  switch (r) {
    case Role::teller: return tr_noop("teller");
    case Role::supervisor: return tr_noop("supervisor");
    case Role::admin: return tr_noop("admin");
  }
  return "?";
}

Role role_from(std::string_view name) {
  if (name == "teller") return Role::teller;
  if (name == "supervisor") return Role::supervisor;
  if (name == "admin") return Role::admin;
  throw InputError(codes::bad_request,
                   fmt::format(fmt::runtime(tr("'{}' is not a role; use teller, supervisor or admin.")), name));
}

const char* to_string(Permission p) {
  switch (p) {
    case Permission::run_order: return tr_noop("run counter orders");
    case Permission::approve: return tr_noop("approve overrides and waivers");
    case Permission::void_receipt: return tr_noop("void receipts");
    case Permission::review_day: return tr_noop("review the journal");
    case Permission::close_day: return tr_noop("close the day");
    case Permission::manage_staff: return tr_noop("manage staff accounts");
    case Permission::edit_fees: return tr_noop("edit the fee schedule");
    case Permission::edit_settings: return tr_noop("change settings");
  }
  return "?";
}

bool role_allows(Role r, Permission p) {
  switch (p) {
    case Permission::run_order:
      return r == Role::teller || r == Role::supervisor;
    case Permission::approve:
    case Permission::void_receipt:
    case Permission::review_day:
    case Permission::close_day:
      return r == Role::supervisor;
    case Permission::manage_staff:
    case Permission::edit_fees:
    case Permission::edit_settings:
      return r == Role::admin;
  }
  return false;
}

void require(const Actor& who, Permission what) {
  if (!role_allows(who.role, what))
    throw AuthError(codes::permission_denied,
                    fmt::format(fmt::runtime(tr("{} ({}) may not {}; ask a colleague who may.")), who.name,
                                tr(to_string(who.role)), tr(to_string(what))));
}

StaffService::StaffService(db::Database& db, db::Journal& journal, const Clock& clock, int scrypt_log2_n)
    : db_(db), journal_(journal), clock_(clock), log2_n_(scrypt_log2_n) {}

Actor StaffService::check(const std::string& name, const Secret& password) {
  db::Staff staff(db_);
  auto s = staff.by_name(name);
  // Hash even for an unknown name, so timing does not tell which names exist.
  static const std::string dummy = crypto::hash_password(Secret("not-a-password"), 10);
  bool ok = crypto::verify_password(password, s ? s->password_hash : dummy);
  if (!s || !ok || !s->active)
    throw AuthError(codes::bad_credentials, tr("Wrong name or password, or the account is disabled."));
  return Actor{s->id, s->name, role_from(s->role)};
}

Actor StaffService::login(const std::string& name, const Secret& password, const std::string& workstation_note) {
  try {
    Actor a = check(name, password);
    db::Transaction tx(db_);
    journal_.append({.staff = a.name, .action = "login", .details = workstation_note}, clock_.now());
    tx.commit();
    return a;
  } catch (const AuthError& e) {
    db::Transaction tx(db_);
    journal_.append({.staff = text::checked("name", name, 64, false), .action = "login.refused", .outcome = e.code()},
                    clock_.now());
    tx.commit();
    throw;
  }
}

void StaffService::logout(const Actor& who) {
  db::Transaction tx(db_);
  journal_.append({.staff = who.name, .action = "logout"}, clock_.now());
  tx.commit();
}

Actor StaffService::bootstrap_admin(const std::string& name, const Secret& password) {
  db::Staff staff(db_);
  if (staff.count() > 0)
    throw RuleRefused(codes::duplicate, "bootstrap", tr("This data folder already has staff; an admin adds people."));
  Actor system{0, "", Role::admin};
  return add(system, name, Role::admin, password);
}

Actor StaffService::add(const Actor& by, const std::string& name, Role role, const Secret& password) {
  if (by.id != 0) require(by, Permission::manage_staff);
  std::string clean = text::checked(tr("staff name"), name, 32);
  if (password.size() < 8)
    throw InputError(codes::invalid_text, tr("A staff password needs at least 8 characters."));
  db::Staff staff(db_);
  if (staff.by_name(clean))
    throw InputError(codes::duplicate, fmt::format(fmt::runtime(tr("There is already a staff member called {}.")), clean));
  std::string hash = crypto::hash_password(password, log2_n_);
  db::Transaction tx(db_);
  db::Id id = staff.insert({.name = clean, .role = to_string(role), .password_hash = hash, .active = true,
                            .created_utc = text::iso_utc(clock_.now())});
  journal_.append({.staff = by.name, .action = "staff.added", .details = fmt::format("{} ({})", clean, to_string(role))},
                  clock_.now());
  tx.commit();
  return Actor{id, clean, role};
}

Approval StaffService::approve(const Actor& requester, ApprovalPrompt& prompt, std::string_view what,
                               std::optional<db::Id> order_id) {
  auto refuse = [&](const AuthError& e, const std::string& who) -> AuthError {
    db::Transaction tx(db_);
    journal_.append({.staff = requester.name, .action = "approval.refused", .order_id = order_id, .outcome = e.code(),
                     .details = fmt::format("{}; asked of {}", what, who)},
                    clock_.now());
    tx.commit();
    return e;
  };
  auto creds = prompt.approve(what);
  if (!creds)
    throw refuse(AuthError(codes::approval_required,
                           fmt::format(fmt::runtime(tr("This needs a supervisor's approval: {}.")), what)),
                 "nobody");
  Actor sup;
  try {
    sup = check(creds->name, creds->password);
  } catch (const AuthError& e) {
    throw refuse(e, creds->name);
  }
  if (sup.id == requester.id)
    throw refuse(AuthError(codes::self_approval,
                           tr("Nobody approves their own work: another supervisor must enter their credentials.")),
                 sup.name);
  if (!role_allows(sup.role, Permission::approve))
    throw refuse(AuthError(codes::permission_denied,
                           fmt::format(fmt::runtime(tr("{} is not a supervisor and cannot approve.")), sup.name)),
                 sup.name);
  db::Transaction tx(db_);
  journal_.append({.staff = requester.name, .action = "approval", .order_id = order_id,
                   .details = fmt::format("{}; approved by {}", what, sup.name)},
                  clock_.now());
  tx.commit();
  return Approval{sup, std::string(what)};
}

}  // namespace certdesk::workflows
