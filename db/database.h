#pragma once
// The SQLite database file: opened in WAL mode with synchronous=FULL, foreign
// keys on and a busy timeout, its schema brought up to date by numbered
// migrations (PRAGMA user_version). One Database per thread.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <memory>
#include <string>

namespace certdesk::db {

class Database {
 public:
  // Opens (creating when create=true) the file, applies the pragmas, checks it
  // is a readable SQLite database (quick_check) and runs pending migrations.
  // Throws DbError: database_corrupt for a file that is not a database or is
  // damaged ("restore it from the backup"), data_dir_unusable when the folder
  // cannot be read or written, database_error otherwise. Nothing is changed
  // in a file that fails the check.
  static Database open(const std::filesystem::path& file, bool create = false);
  // An in-memory database with the full schema, for unit tests.
  static Database in_memory();

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  SQLite::Database& sql() { return *db_; }
  int schema_version() const;
  static int latest_schema_version();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit Database(std::unique_ptr<SQLite::Database> db, std::filesystem::path path);
  std::unique_ptr<SQLite::Database> db_;
  std::filesystem::path path_;
};

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
