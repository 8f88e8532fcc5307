#pragma once
// Internal to db/: the way to the SQLite connection behind db::Database and
// small helpers shared by db/'s .cpp files. Not part of the API: nothing
// outside db/ includes this header (tests use db/testing.h), so SQLiteCpp
// stays PRIVATE to certdesk_db.

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "common/i18n.h"
#include "db/database.h"

namespace certdesk::db {

namespace detail {

// db/'s own access to what Database keeps behind its pimpl.
struct Access {
  static SQLite::Database& sql(Database& db);
  // A statement prepared once and kept for the life of db (the journal's hot
  // path). Use it through CachedStatement, which resets it; the reference stays
  // valid until db is destroyed or move-assigned. Throws DbError when the SQL
  // does not prepare.
  static SQLite::Statement& cached(Database& db, const std::string& sql);
  // The connection's own state (db/database.cpp; the commit hook keeps its function there).
  static Database::Impl& impl(Database& db);
};

inline SQLite::Database& sql(Database& db) { return Access::sql(db); }
inline SQLite::Database& sql(const Database& db) { return Access::sql(const_cast<Database&>(db)); }

// One use of a cached statement: bindings cleared on entry, reset when the
// scope ends (so no read snapshot is left open). Not copyable.
class CachedStatement {
 public:
  CachedStatement(Database& db, const std::string& sql);
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement();
  SQLite::Statement& operator*() { return stmt_; }
  SQLite::Statement* operator->() { return &stmt_; }

 private:
  SQLite::Statement& stmt_;
};

// Turns a SQLite::Exception into the DbError the rest of certdesk sees (no
// SQLite::Exception ever leaves db/): UNIQUE / PRIMARY KEY → duplicate,
// CORRUPT / NOTADB → database_corrupt, FULL / READONLY / BUSY / LOCKED / IOERR
// → journal_unavailable, anything else → database_error. `doing` says what was
// being done ("saving staff member 'li'"); it starts the message.
[[noreturn]] void throw_db_error(const SQLite::Exception& e, const std::string& doing);

// "file:/abs/path?immutable=1" for file, percent-encoded where a URI needs it:
// how a copy that cannot change is opened (no lock, no -shm, nothing written).
std::string immutable_uri(const std::filesystem::path& file);

// Runs f(), turning a SQLite::Exception into DbError (throw_db_error).
template <class F>
auto guarded(const std::string& doing, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw_db_error(e, doing);
  }
}

inline void bind_opt(SQLite::Statement& s, int index, const std::optional<std::int64_t>& v) {
  if (v)
    s.bind(index, static_cast<std::int64_t>(*v));
  else
    s.bind(index);
}

inline std::optional<std::int64_t> opt_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

}  // namespace detail
}  // namespace certdesk::db
