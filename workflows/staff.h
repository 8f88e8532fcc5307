#pragma once
// People (SPEC §1): roles, what each may do, logging in, and supervisor
// approvals. Permissions are checked here, inside the workflow, so the CLI and
// the window cannot differ.

#include <optional>
#include <string>
#include <string_view>

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
};

// Throws AuthError(permission_denied) naming the person and what they lack.
void require(const Actor& who, Permission what);

// A supervisor's approval of one thing another person does.
struct Approval {
  Actor supervisor;
  std::string what;
};

class StaffService {
 public:
  // scrypt_log2_n: the password hash cost (15 in production; tests may lower it).
  StaffService(db::Database& db, db::Journal& journal, const Clock& clock, int scrypt_log2_n = 15);

  // Checks the password; journals "login" or "login.refused" (2001). Throws
  // AuthError(bad_credentials) without saying which half was wrong.
  Actor login(const std::string& name, const Secret& password, const std::string& workstation_note = "");
  void logout(const Actor& who);

  // The first admin of a new data folder. Throws RuleRefused when staff exist.
  Actor bootstrap_admin(const std::string& name, const Secret& password);
  // An admin adds a person. Password at least 8 characters. Journaled "staff.added".
  Actor add(const Actor& by, const std::string& name, Role role, const Secret& password);

  // Asks `prompt` for a supervisor's credentials to approve `what` on behalf of
  // `requester`. Refuses (AuthError): cancelled (approval_required), wrong
  // credentials, not a supervisor, or the requester themself (self_approval:
  // nobody approves their own work). Journals "approval" or "approval.refused".
  Approval approve(const Actor& requester, ApprovalPrompt& prompt, std::string_view what,
                   std::optional<db::Id> order_id = std::nullopt);

 private:
  Actor check(const std::string& name, const Secret& password);
  db::Database& db_;
  db::Journal& journal_;
  const Clock& clock_;
  int log2_n_;
};

}  // namespace certdesk::workflows
