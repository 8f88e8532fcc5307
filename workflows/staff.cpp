#include "workflows/staff.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/staff_logins.h"
#include "workflows/settings.h"

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
    : db_(db), journal_(journal), clock_(clock), log2_n_(scrypt_log2_n),
      unknown_hash_(crypto::unmatchable_password_hash(scrypt_log2_n)) {}

namespace {
std::int64_t seconds(Seconds t) { return t.time_since_epoch().count(); }
AuthError wrong_credentials() {
  return AuthError(codes::bad_credentials, tr("Wrong name or password, or the account is disabled."));
}
}  // namespace

int StaffService::lockout_minutes() {
  return static_cast<int>(integer_setting(db_, kLockoutMinutesSetting));   // 1 … 1440, the default when bad
}

StaffService::Verdict StaffService::verify(const std::string& name, const Secret& password) const {
  Verdict v;
  v.member = db::Staff(db_).by_name(name);
  // The same scrypt for an unknown name, so timing does not tell which names exist.
  v.password_ok = crypto::verify_password(password, v.member ? v.member->password_hash : unknown_hash_);
  return v;
}

Actor StaffService::settle(const Verdict& v, const std::function<void(const AuthError&)>& journal_refusal) {
  const Seconds now = clock_.now();
  std::optional<db::StaffLogin> login;
  if (v.member) login = db::StaffLogins(db_).of(v.member->id);
  const bool locked = login && login->locked_until > seconds(now);
  if (v.member && !locked && v.password_ok && v.member->active) {
    if (login->failed_logins != 0 || login->locked_until != 0) {
      db::Transaction tx(db_);
      db::StaffLogins(db_).set_failures(v.member->id, 0, 0);
      tx.commit();
    }
    return Actor{v.member->id, v.member->name, role_from(v.member->role),
                 login->display_name.empty() ? v.member->name : login->display_name};
  }
  AuthError refusal = wrong_credentials();
  db::Transaction tx(db_);
  if (locked) {
    // Locked: refused whatever was typed, and the try is not counted (the lock does not grow).
    refusal = AuthError(codes::account_locked,
                        msg(tr("The account {} is locked after {} wrong passwords until {} (UTC); wait, or ask an admin to unlock it."),
                            v.member->name, kLockoutAfterFailures, text::iso_utc(Seconds(std::chrono::seconds(login->locked_until)))));
  } else if (v.member && !v.password_ok) {
    // A lock that ran out starts the count again.
    int failed = (login->locked_until != 0 ? 0 : login->failed_logins) + 1;
    std::int64_t until = 0;
    if (failed >= kLockoutAfterFailures) {
      const int minutes = lockout_minutes();
      until = seconds(now) + std::int64_t{minutes} * 60;
      journal_.append({.staff = v.member->name, .action = "staff.locked", .outcome = codes::account_locked,
                       .details = fmt::format("{} wrong passwords in a row; locked for {} minutes", failed, minutes)},
                      now);
      refusal = AuthError(codes::account_locked,
                          msg(tr("The account {} is locked after {} wrong passwords until {} (UTC); wait, or ask an admin to unlock it."),
                              v.member->name, kLockoutAfterFailures, text::iso_utc(Seconds(std::chrono::seconds(until)))));
    }
    db::StaffLogins(db_).set_failures(v.member->id, failed, until);
  }
  journal_refusal(refusal);
  tx.commit();
  throw refusal;
}

Actor StaffService::check(const std::string& name, const Secret& password,
                          const std::function<void(const AuthError&)>& journal_refusal) {
  return settle(verify(name, password), journal_refusal);
}

Actor StaffService::login(const std::string& name, const Secret& password, const std::string& workstation_note) {
  Actor a = check(name, password, [&](const AuthError& e) {
    journal_.append({.staff = text::printable(name, 64), .action = "login.refused", .outcome = e.code()}, clock_.now());
  });
  db::Transaction tx(db_);
  journal_.append({.staff = a.name, .action = "login", .details = workstation_note}, clock_.now());
  tx.commit();
  return a;
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

void StaffService::require_new_password(const Secret& password) const {
  if (password.size() < 8)
    throw InputError(codes::invalid_text, tr("A staff password needs at least 8 characters."));
  if (password.size() > 256)
    throw InputError(codes::invalid_text, tr("A staff password has at most 256 characters."));
}

Actor StaffService::add(const Actor& by, const std::string& name, Role role, const Secret& password,
                        const std::string& display_name) {
  if (by.id != 0) require(by, Permission::manage_staff);
  std::string clean = text::checked(tr("staff name"), name, 32);
  std::string shown = text::checked(tr("display name"), display_name, 40, false);
  require_new_password(password);
  db::Staff staff(db_);
  if (staff.by_name(clean))
    throw InputError(codes::duplicate, fmt::format(fmt::runtime(tr("There is already a staff member called {}.")), clean));
  std::string hash = crypto::hash_password(password, log2_n_);
  db::Transaction tx(db_);
  db::Id id = staff.insert({.name = clean, .role = to_string(role), .password_hash = hash, .active = true,
                            .created_utc = text::iso_utc(clock_.now())});
  if (!shown.empty()) db::StaffLogins(db_).set_display_name(id, shown);
  journal_.append({.staff = by.name, .action = "staff.added", .details = fmt::format("{} ({})", clean, to_string(role))},
                  clock_.now());
  tx.commit();
  return Actor{id, clean, role, shown.empty() ? clean : shown};
}

db::StaffMember StaffService::member(const std::string& name) {
  auto m = db::Staff(db_).by_name(name);
  if (!m)
    throw RuleRefused(codes::not_found, "staff", msg(tr("There is no staff member called {}."), name));
  return *m;
}

std::vector<StaffView> StaffService::list(const Actor& by) {
  require(by, Permission::manage_staff);
  const std::int64_t now = seconds(clock_.now());
  std::vector<StaffView> out;
  db::StaffLogins logins(db_);
  for (const auto& m : db::Staff(db_).all()) {
    db::StaffLogin l = logins.of(m.id).value_or(db::StaffLogin{});
    out.push_back({m.id, m.name, l.display_name.empty() ? m.name : l.display_name, role_from(m.role), m.active,
                   l.failed_logins,
                   l.locked_until > now ? text::iso_utc(Seconds(std::chrono::seconds(l.locked_until))) : std::string()});
  }
  return out;
}

void StaffService::set_active(const Actor& by, const std::string& name, bool active) {
  require(by, Permission::manage_staff);
  db::StaffMember m = member(name);
  if (m.active == active) return;
  if (!active && m.role == to_string(Role::admin)) {
    int other_admins = 0;
    for (const auto& s : db::Staff(db_).all())
      other_admins += s.id != m.id && s.active && s.role == to_string(Role::admin);
    if (other_admins == 0)
      throw RuleRefused(codes::rule_refused, "last-admin",
                        msg(tr("{} is the only active admin; add or enable another admin before disabling this account."),
                            m.name));
  }
  db::Transaction tx(db_);
  db::Staff(db_).set_active(m.id, active);
  journal_.append({.staff = by.name, .action = active ? "staff.enabled" : "staff.disabled", .details = m.name},
                  clock_.now());
  tx.commit();
}

void StaffService::unlock(const Actor& by, const std::string& name) {
  require(by, Permission::manage_staff);
  db::StaffMember m = member(name);
  db::Transaction tx(db_);
  db::StaffLogins(db_).set_failures(m.id, 0, 0);
  journal_.append({.staff = by.name, .action = "staff.unlocked", .details = m.name}, clock_.now());
  tx.commit();
}

void StaffService::reset_password(const Actor& by, const std::string& name, const Secret& new_password) {
  require(by, Permission::manage_staff);
  db::StaffMember m = member(name);
  require_new_password(new_password);
  std::string hash = crypto::hash_password(new_password, log2_n_);
  db::Transaction tx(db_);
  db::Staff(db_).set_password_hash(m.id, hash);
  db::StaffLogins(db_).set_failures(m.id, 0, 0);
  journal_.append({.staff = by.name, .action = "staff.password_reset", .details = m.name}, clock_.now());
  tx.commit();
}

void StaffService::set_display_name(const Actor& by, const std::string& name, const std::string& display_name) {
  require(by, Permission::manage_staff);
  db::StaffMember m = member(name);
  std::string shown = text::checked(tr("display name"), display_name, 40, false);
  db::Transaction tx(db_);
  db::StaffLogins(db_).set_display_name(m.id, shown);
  journal_.append({.staff = by.name, .action = "staff.renamed", .details = fmt::format("{}: {}", m.name, shown)},
                  clock_.now());
  tx.commit();
}

void StaffService::change_password(const Actor& who, const Secret& old_password, const Secret& new_password) {
  require_new_password(new_password);
  if (old_password == new_password)
    throw InputError(codes::invalid_text, tr("The new password must differ from the old one."));
  check(who.name, old_password, [&](const AuthError& e) {
    journal_.append({.staff = who.name, .action = "staff.password_refused", .outcome = e.code()}, clock_.now());
  });
  std::string hash = crypto::hash_password(new_password, log2_n_);
  db::Transaction tx(db_);
  db::Staff(db_).set_password_hash(who.id, hash);
  journal_.append({.staff = who.name, .action = "staff.password_changed"}, clock_.now());
  tx.commit();
}

Approval StaffService::approve(const Actor& requester, ApprovalPrompt& prompt, std::string_view what,
                               std::optional<db::Id> order_id) {
  auto journal_refused = [&](const AuthError& e, const std::string& who) {
    journal_.append({.staff = requester.name, .action = "approval.refused", .order_id = order_id, .outcome = e.code(),
                     .details = fmt::format("{}; asked of {}", what, who)},
                    clock_.now());
  };
  auto refuse = [&](const AuthError& e, const std::string& who) -> AuthError {
    db::Transaction tx(db_);
    journal_refused(e, who);
    tx.commit();
    return e;
  };
  auto creds = prompt.approve(what);
  if (!creds)
    throw refuse(AuthError(codes::approval_required,
                           fmt::format(fmt::runtime(tr("This needs a supervisor's approval: {}.")), what)),
                 "nobody");
  // A wrong supervisor password counts towards that supervisor's lockout.
  Actor sup = check(creds->name, creds->password,
                    [&](const AuthError& e) { journal_refused(e, text::printable(creds->name, 64)); });
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
