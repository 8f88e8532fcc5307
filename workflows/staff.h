#pragma once
// People (SPEC §1): roles, what each may do, logging in, and supervisor
// approvals. Permissions are checked here, inside the workflow, so the CLI and
// the window cannot differ.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/secret.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "workflows/ports.h"

namespace certdesk::workflows {

enum class Role { teller, supervisor, admin };
const char* to_string(Role r);
// Throws InputError for anything but teller / supervisor / admin.
Role role_from(std::string_view name);

enum class Permission {
  run_order,        // run counter flows (teller, supervisor)
  approve,          // approve overrides, waivers, authorisation codes (supervisor)
  void_receipt,     // (supervisor)
  review_day,       // review, verify, export the journal (supervisor)
  close_day,        // (supervisor)
  manage_staff,     // (admin)
  edit_fees,        // (admin)
  edit_settings,    // (admin)
};
const char* to_string(Permission p);
bool role_allows(Role r, Permission p);

// Someone who logged in.
struct Actor {
  db::Id id = 0;
  std::string name;
  Role role = Role::teller;
  std::string display_name;   // printed as payee (收款人); the login name when none was set
  const std::string& shown_name() const { return display_name.empty() ? name : display_name; }
};

// A staff account as an admin sees it in the list.
struct StaffView {
  db::Id id = 0;
  std::string name;
  std::string display_name;   // the login name when none was set
  Role role = Role::teller;
  bool active = true;
  int failed_logins = 0;        // wrong passwords in a row
  std::string locked_until;     // iso_utc when locked now, else empty
};

// Throws AuthError(permission_denied) naming the person and what they lack.
void require(const Actor& who, Permission what);

// A supervisor's approval of one thing another person does.
struct Approval {
  Actor supervisor;
  std::string what;
};

// Wrong passwords in a row that lock an account (SPEC §1).
inline constexpr int kLockoutAfterFailures = 5;
// The setting that says for how long, in minutes (default 15).
inline constexpr const char* kLockoutMinutesSetting = "staff_lockout_minutes";
inline constexpr int kDefaultLockoutMinutes = 15;

class StaffService {
 public:
  // scrypt_log2_n: the password hash cost (15 in production; tests may lower it).
  StaffService(db::Database& db, db::Journal& journal, const Clock& clock, int scrypt_log2_n = 15);

  // Checks the password; journals "login" or "login.refused" (2001). Throws
  // AuthError(bad_credentials) without saying which half was wrong. The
  // kLockoutAfterFailures-th wrong password in a row locks the account for
  // staff_lockout_minutes (journaled "staff.locked"); while locked every login
  // is refused with AuthError(account_locked) saying until when, the password
  // not even looked at. An unknown name costs one scrypt of the same cost as a
  // known one (unknown_name_hash) and the same one transaction. Disk: blocks.
  Actor login(const std::string& name, const Secret& password, const std::string& workstation_note = "");
  void logout(const Actor& who);

  // The first admin of a new data folder. Throws RuleRefused when staff exist.
  Actor bootstrap_admin(const std::string& name, const Secret& password);
  // An admin adds a person. Password at least 8 characters. Journaled
  // "staff.added". display_name (printed as payee) defaults to the name.
  Actor add(const Actor& by, const std::string& name, Role role, const Secret& password,
            const std::string& display_name = "");

  // --- account management (an admin, except change_password) -----------------
  // Every account, by name. Throws AuthError(permission_denied) for a non-admin.
  std::vector<StaffView> list(const Actor& by);
  // Disables or enables an account; journaled "staff.disabled" / "staff.enabled".
  // Refuses (RuleRefused, rule "last-admin") to disable the only active admin.
  // Throws RuleRefused(not_found) for an unknown name.
  void set_active(const Actor& by, const std::string& name, bool active);
  // Lifts a lockout and clears the wrong-password count; journaled "staff.unlocked".
  void unlock(const Actor& by, const std::string& name);
  // A new password set by an admin (at least 8 characters); also lifts a
  // lockout. Journaled "staff.password_reset".
  void reset_password(const Actor& by, const std::string& name, const Secret& new_password);
  // The display name printed as payee (empty: the login name). Journaled "staff.renamed".
  void set_display_name(const Actor& by, const std::string& name, const std::string& display_name);
  // Anyone changes their own password, proving the old one (a wrong one counts
  // towards the lockout like a wrong login). Journaled "staff.password_changed".
  void change_password(const Actor& who, const Secret& old_password, const Secret& new_password);

  // The encoding verified for a name that does not exist: hash_password's
  // parameters at this service's cost, so refusing an unknown name takes as
  // long as refusing a known one (tests compare crypto::password_cost).
  const std::string& unknown_name_hash() const { return unknown_hash_; }

  // Asks `prompt` for a supervisor's credentials to approve `what` on behalf of
  // `requester`. Refuses (AuthError): cancelled (approval_required), wrong
  // credentials, not a supervisor, or the requester themself (self_approval:
  // nobody approves their own work). Journals "approval" or "approval.refused".
  Approval approve(const Actor& requester, ApprovalPrompt& prompt, std::string_view what,
                   std::optional<db::Id> order_id = std::nullopt);

 private:
  // The password compared (scrypt, always once), nothing written.
  struct Verdict {
    std::optional<db::StaffMember> member;
    bool password_ok = false;
  };
  Verdict verify(const std::string& name, const Secret& password) const;
  // Turns a verdict into the person or a refusal. A refusal is recorded in one
  // transaction: the wrong-password count (and lockout) of a known account and
  // the caller's own journal entry (journal_refusal), then thrown.
  Actor settle(const Verdict& v, const std::function<void(const AuthError&)>& journal_refusal);
  Actor check(const std::string& name, const Secret& password,
              const std::function<void(const AuthError&)>& journal_refusal);
  db::StaffMember member(const std::string& name);
  void require_new_password(const Secret& password) const;
  int lockout_minutes();
  db::Database& db_;
  db::Journal& journal_;
  const Clock& clock_;
  int log2_n_;
  std::string unknown_hash_;
};

}  // namespace certdesk::workflows
