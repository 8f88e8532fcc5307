#include "db/testing.h"

#include "db/detail.h"

namespace certdesk::db::testing {

void exec(Database& db, const std::string& sql) {
  detail::guarded(tr("running test SQL"), [&] { detail::sql(db).exec(sql); });
}

std::string query_text(Database& db, const std::string& sql) {
  return detail::guarded(tr("running test SQL"), [&]() -> std::string {
    SQLite::Statement q(detail::sql(db), sql);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
  });
}

std::int64_t query_int(Database& db, const std::string& sql) {
  return detail::guarded(tr("running test SQL"), [&]() -> std::int64_t {
    SQLite::Statement q(detail::sql(db), sql);
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
  });
}

std::vector<std::string> query_column(Database& db, const std::string& sql, int column) {
  return detail::guarded(tr("running test SQL"), [&] {
    std::vector<std::string> out;
    SQLite::Statement q(detail::sql(db), sql);
    while (q.executeStep()) out.push_back(q.getColumn(column).getString());
    return out;
  });
}

sqlite3* raw_handle(Database& db) { return detail::sql(db).getHandle(); }

}  // namespace certdesk::db::testing
