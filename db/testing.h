#pragma once
// TEST-ONLY: a narrow hook for suites and benches that must poke raw SQL at a
// db::Database (tamper with a row, read a PRAGMA, install a SQLite hook).
// Lives in its own target, certdesk_db_testing, which no program links; the
// application reaches the database only through db/'s repositories.

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"

struct sqlite3;

namespace certdesk::db::testing {

// Runs one or more SQL statements. Throws DbError when SQLite refuses (the
// message carries SQLite's, e.g. a trigger's RAISE text).
void exec(Database& db, const std::string& sql);

// The first column of the first row as text / as an integer; "" / 0 when the
// query returns no row. Throws DbError.
std::string query_text(Database& db, const std::string& sql);
std::int64_t query_int(Database& db, const std::string& sql);

// Column `column` of every row, as text. Throws DbError.
std::vector<std::string> query_column(Database& db, const std::string& sql, int column = 0);

// The raw connection, for benches that install SQLite's own hooks
// (sqlite3_commit_hook, sqlite3_trace_v2). Owned by db; never close it.
sqlite3* raw_handle(Database& db);

}  // namespace certdesk::db::testing
