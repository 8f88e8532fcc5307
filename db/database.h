#pragma once
// The SQLite database file: opened in WAL mode with synchronous=FULL, foreign
// keys on and a busy timeout, its schema brought up to date by numbered
// migrations (PRAGMA user_version). One Database per thread.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/error.h"

namespace certdesk::db {

class Database {
 public:
  // Opens (creating when create=true) the file, applies the pragmas, checks it
  // is a readable SQLite database (quick_check) and runs pending migrations.
  // Throws DbError: database_corrupt for a file that is not a database or is
  // damaged ("restore it from the backup"), data_dir_unusable when the folder
  // cannot be read or written, database_error otherwise (among them: the file
  // is missing and create=false; an SQLite file of another program; a schema
  // newer than this build). Nothing is changed in a file that fails the check.
  static Database open(const std::filesystem::path& file, bool create = false);
  // Opens an existing file read-only (no migration, no WAL switch): for a
  // supervisor reading a copy, and for tests of the "cannot write" path — every
  // Transaction on it throws DbError(journal_unavailable). Same checks and
  // errors as open(); throws database_error when its schema is not the latest.
  static Database open_readonly(const std::filesystem::path& file);
  // An in-memory database with the full schema, for unit tests.
  static Database in_memory();

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  SQLite::Database& sql() { return *db_; }
  int schema_version() const;
  static int latest_schema_version();
  const std::filesystem::path& path() const { return path_; }
  // True when this connection cannot write (opened read-only, or the file is).
  bool read_only() const;

  // A statement prepared once and kept for the life of this Database (the
  // journal's hot path). Use it through CachedStatement, which resets it; the
  // reference stays valid until the Database is destroyed or moved-assigned.
  // Throws DbError when the SQL does not prepare.
  SQLite::Statement& cached(const std::string& sql);

 private:
  explicit Database(std::unique_ptr<SQLite::Database> db, std::filesystem::path path);
  // Member order encodes teardown: the cached statements are finalized before
  // the connection closes.
  std::unique_ptr<SQLite::Database> db_;
  std::filesystem::path path_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

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

// The DbError for "this database cannot be written" (codes::journal_unavailable),
// its message naming the cause behind the SQLite result code (disk full,
// read-only, locked, I/O error …) and what to do.
DbError journal_unavailable_error(int sqlite_code, const std::string& detail = {});

// Turns a SQLite::Exception into the DbError the rest of certdesk sees (no
// SQLite::Exception ever leaves db/): UNIQUE / PRIMARY KEY → duplicate,
// CORRUPT / NOTADB → database_corrupt, FULL / READONLY / BUSY / LOCKED / IOERR
// → journal_unavailable, anything else → database_error. `doing` says what was
// being done ("saving staff member 'li'"); it starts the message.
[[noreturn]] void throw_db_error(const SQLite::Exception& e, const std::string& doing);

// A write transaction as a scope (STYLE habit 5): BEGIN IMMEDIATE in the
// constructor, ROLLBACK in the destructor unless commit() ran. A flow step and
// its journal entry commit together or not at all. Throws DbError
// (journal_unavailable when the database cannot be written: disk full, locked,
// read-only — no flow may start or continue then).
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace certdesk::db
