#pragma once
// The login side of a staff account (issue 13.5): display name, wrong
// passwords in a row and the lockout they caused. Its own repository beside
// db::Staff, so the lockout columns (migration 5) stay in one place.

#include <cstdint>
#include <optional>
#include <string>

#include "db/database.h"
#include "db/repositories.h"

namespace certdesk::db {

struct StaffLogin {
  Id staff_id = 0;
  std::string display_name;        // empty: the login name is shown
  int failed_logins = 0;           // wrong passwords in a row
  std::int64_t locked_until = 0;   // UTC seconds since the epoch; 0 = not locked
};

class StaffLogins {
 public:
  explicit StaffLogins(Database& db) : db_(db) {}
  // nullopt when there is no such staff member.
  std::optional<StaffLogin> of(Id staff_id);
  // Throws DbError(not_found) for an unknown id.
  void set_failures(Id staff_id, int failed_logins, std::int64_t locked_until);
  void set_display_name(Id staff_id, const std::string& display_name);

 private:
  Database& db_;
};

}  // namespace certdesk::db
