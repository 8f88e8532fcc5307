#pragma once
// The SQLite database file: opened in WAL mode with synchronous=FULL, foreign
// keys on and a busy timeout, its schema brought up to date by numbered
// migrations (PRAGMA user_version). One Database per thread.
//
// No SQLite type crosses this header (STYLE habit 14): the connection lives
// behind a pimpl, and only db/'s own files reach it (db/detail.h). Tests that
// must poke raw SQL use db/testing.h (test-only).

#include <filesystem>
#include <memory>
#include <string>

#include "common/error.h"

namespace certdesk::db {

namespace detail {
struct Access;   // db/detail.h: db/'s own way to the connection
}

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
  // Works on a copy nobody may write: a file of mode 0444, in a read-only
  // folder or on read-only media, without its -wal/-shm. Such a copy is opened
  // immutable (SQLite's immutable=1: no lock, no -shm, nothing written); a WAL
  // file beside a copy that cannot be written is refused with a message, since
  // its pages could not be read without writing a -shm.
  static Database open_readonly(const std::filesystem::path& file);
  // An in-memory database with the full schema, for unit tests.
  static Database in_memory();

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  int schema_version() const;
  static int latest_schema_version();
  const std::filesystem::path& path() const;
  // True when this connection cannot write (opened read-only, or the file is).
  bool read_only() const;

  // The connection, its cached statements and the path (db/database.cpp).
  struct Impl;

 private:
  friend struct detail::Access;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The DbError for "this database cannot be written" (codes::journal_unavailable),
// its message naming the cause behind the SQLite result code (disk full,
// read-only, locked, I/O error …) and what to do.
DbError journal_unavailable_error(int sqlite_code, const std::string& detail = {});

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
