#include "db/staff_logins.h"

#include <SQLiteCpp/Statement.h>

#include <functional>

#include "common/error.h"
#include "db/detail.h"

namespace certdesk::db {

using detail::guarded;

std::optional<StaffLogin> StaffLogins::of(Id staff_id) {
  return guarded(msg(tr("reading the login state of staff member {}"), staff_id), [&]() -> std::optional<StaffLogin> {
    SQLite::Statement q(detail::sql(db_), "SELECT display_name, failed_logins, locked_until FROM staff WHERE id = ?1");
    q.bind(1, static_cast<std::int64_t>(staff_id));
    if (!q.executeStep()) return std::nullopt;
    return StaffLogin{staff_id, q.getColumn(0).getString(), q.getColumn(1).getInt(), q.getColumn(2).getInt64()};
  });
}

namespace {
void update_one(Database& db, const std::string& doing, const char* sql, Id staff_id,
                const std::function<void(SQLite::Statement&)>& bind) {
  guarded(doing, [&] {
    SQLite::Statement q(detail::sql(db), sql);
    q.bind(1, static_cast<std::int64_t>(staff_id));
    bind(q);
    if (q.exec() != 1) throw DbError(codes::not_found, msg(tr("{}: there is no staff member {}"), doing, staff_id));
  });
}
}  // namespace

void StaffLogins::set_failures(Id staff_id, int failed_logins, std::int64_t locked_until) {
  update_one(db_, msg(tr("recording the login attempts of staff member {}"), staff_id),
             "UPDATE staff SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1", staff_id, [&](SQLite::Statement& q) {
               q.bind(2, failed_logins);
               q.bind(3, locked_until);
             });
}

void StaffLogins::set_display_name(Id staff_id, const std::string& display_name) {
  update_one(db_, msg(tr("changing the display name of staff member {}"), staff_id),
             "UPDATE staff SET display_name = ?2 WHERE id = ?1", staff_id,
             [&](SQLite::Statement& q) { q.bind(2, display_name); });
}

}  // namespace certdesk::db
