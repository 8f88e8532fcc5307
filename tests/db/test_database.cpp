#include <boost/test/unit_test.hpp>

#include <grp.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.h"
#include "db/database.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "db/testing.h"
#include "tests/db/db_fixture.h"

using namespace certdesk;
using certdesk::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Runs f and returns the DbError it throws; fails the test when it throws nothing.
template <class F>
DbError db_error_of(F&& f) {
  try {
    f();
  } catch (const DbError& e) {
    return e;
  }
  BOOST_FAIL("expected a DbError");
  return DbError("", "");
}

// A real database with a journal of n entries, closed again.
void make_database(const fs::path& file, int n) {
  auto db = db::Database::open(file, true);
  db::Journal journal(db, "ws-01", 480);
  for (int i = 1; i <= n; ++i) {
    db::Transaction tx(db);
    journal.append(test::sample_record(i), test::sample_time(i));
    tx.commit();
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(database)

BOOST_AUTO_TEST_CASE(pragmas_are_in_effect_on_a_real_file) {
  TempDir dir;
  auto db = db::Database::open(dir / "certdesk.db", true);
  BOOST_TEST(db::testing::query_text(db, "PRAGMA journal_mode") == "wal");
  BOOST_TEST(db::testing::query_int(db, "PRAGMA synchronous") == 2);
  BOOST_TEST(db::testing::query_int(db, "PRAGMA foreign_keys") == 1);
  BOOST_TEST(db::testing::query_int(db, "PRAGMA busy_timeout") == 5000);
  BOOST_TEST(db.schema_version() == db::Database::latest_schema_version());
  BOOST_TEST(db.path() == dir / "certdesk.db");
  BOOST_TEST(!db.read_only());
}

BOOST_AUTO_TEST_CASE(in_memory_has_the_full_schema) {
  auto db = db::Database::in_memory();
  BOOST_TEST(db.schema_version() == db::Database::latest_schema_version());
  BOOST_TEST(db::testing::query_int(db, "PRAGMA foreign_keys") == 1);
  BOOST_TEST(db::testing::query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = \'table\' AND name = \'journal\'") == 1);
  BOOST_TEST(db::testing::query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = \'table\' AND name = \'journal_anchor\'") == 1);
}

BOOST_AUTO_TEST_CASE(migrations_are_idempotent_across_reopen) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  {
    auto db = db::Database::open(file, true);
    db::Settings(db).set("branch", "BJ01");
  }
  for (int i = 0; i < 2; ++i) {
    auto db = db::Database::open(file);
    BOOST_TEST(db.schema_version() == db::Database::latest_schema_version());
    BOOST_TEST(db::FeeSchedule(db).all().size() == 7u);
    BOOST_TEST(db::Settings(db).get_or("branch", "") == "BJ01");
  }
}

BOOST_AUTO_TEST_CASE(fee_schedule_is_seeded_with_the_spec_defaults) {
  auto db = db::Database::in_memory();
  db::FeeSchedule fees(db);
  BOOST_TEST(fees.get("token")->amount_fen == 5000);
  BOOST_TEST(fees.get("token")->description == "USBKEY 介质");   // printed on receipts as it stands
  BOOST_TEST(fees.get("service.update")->amount_fen == 10000);
  for (const char* item : {"service.issue", "service.reissue", "service.unlock", "service.replace", "service.cancel"})
    BOOST_TEST(fees.get(item)->amount_fen == 0, item);
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_refused_without_create) {
  TempDir dir;
  auto e = db_error_of([&] { db::Database::open(dir / "nothing.db"); });
  BOOST_TEST(e.code() == codes::database_error);
  BOOST_TEST(std::string(e.what()).find("nothing.db") != std::string::npos);
  BOOST_TEST(std::string(e.what()).find("does not exist") != std::string::npos);
  BOOST_TEST(!fs::exists(dir / "nothing.db"));
}

BOOST_AUTO_TEST_CASE(a_missing_or_unusable_folder_is_data_dir_unusable) {
  TempDir dir;
  auto e = db_error_of([&] { db::Database::open(dir / "absent" / "certdesk.db", true); });
  BOOST_TEST(e.code() == codes::data_dir_unusable);
  test::write_file(dir / "plainfile", "x");
  e = db_error_of([&] { db::Database::open(dir / "plainfile" / "certdesk.db", true); });
  BOOST_TEST(e.code() == codes::data_dir_unusable);
  fs::create_directory(dir / "a-folder.db");
  e = db_error_of([&] { db::Database::open(dir / "a-folder.db"); });
  BOOST_TEST(e.code() == codes::data_dir_unusable);
}

// Permissions do not stop root, and CI runs as root: there the case runs in a child
// process that first drops to the unprivileged user nobody, in a folder of its own.
BOOST_AUTO_TEST_CASE(an_unreadable_folder_is_data_dir_unusable) {
  auto check = []() -> int {  // 0: the right error; else what went wrong
    TempDir dir;
    fs::create_directory(dir / "locked");
    make_database(dir / "locked" / "certdesk.db", 1);
    fs::permissions(dir / "locked", fs::perms::owner_read | fs::perms::owner_exec);
    int result = 1;
    try {
      db::Database::open(dir / "locked" / "certdesk.db");
      result = 2;  // opened: nothing stopped it
    } catch (const DbError& e) {
      result = e.code() == codes::data_dir_unusable ? 0 : 3;
    }
    fs::permissions(dir / "locked", fs::perms::owner_all);
    return result;
  };
  if (::geteuid() != 0) {
    BOOST_TEST(check() == 0);
    return;
  }
  const passwd* nobody = ::getpwnam("nobody");
  BOOST_REQUIRE_MESSAGE(nobody, "running as root needs the user nobody to run this case unprivileged");
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    int code = 4;  // could not drop privileges
    if (::setgroups(0, nullptr) == 0 && ::setgid(nobody->pw_gid) == 0 && ::setuid(nobody->pw_uid) == 0 &&
        ::geteuid() != 0) {
      try {
        code = check();
      } catch (...) {
        code = 5;
      }
    }
    ::_exit(code);
  }
  int status = 0;
  BOOST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_REQUIRE(WIFEXITED(status));
  // 0 the right error, 2 opened anyway, 3 another error, 4 could not become nobody, 5 set-up failed.
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(a_garbage_file_is_database_corrupt_and_left_unchanged) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  test::write_file(file, garbage);
  auto e = db_error_of([&] { db::Database::open(file); });
  BOOST_TEST(e.code() == codes::database_corrupt);
  const std::string what = e.what();
  BOOST_TEST(what.find(file.string()) != std::string::npos);
  BOOST_TEST(what.find("restore it from the latest backup") != std::string::npos);
  BOOST_TEST(test::file_bytes(file) == garbage);
  // create=true must not overwrite it either.
  BOOST_TEST(db_error_of([&] { db::Database::open(file, true); }).code() == codes::database_corrupt);
  BOOST_TEST(test::file_bytes(file) == garbage);
}

BOOST_AUTO_TEST_CASE(a_truncated_database_is_database_corrupt_and_left_unchanged) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_database(file, 300);
  BOOST_TEST_REQUIRE(!fs::exists(dir / "certdesk.db-wal"));  // checkpointed on close
  const auto size = fs::file_size(file);
  BOOST_TEST_REQUIRE(size > 16384u);
  for (auto cut : {size / 2, size / 2 + 100}) {
    fs::resize_file(file, cut);
    const std::string before = test::file_bytes(file);
    auto e = db_error_of([&] { db::Database::open(file); });
    BOOST_TEST(e.code() == codes::database_corrupt, "cut at " << cut << ": " << e.what());
    BOOST_TEST(test::file_bytes(file) == before);
  }
}

BOOST_AUTO_TEST_CASE(another_programs_database_is_refused_unchanged) {
  TempDir dir;
  const fs::path file = dir / "other.db";
  test::sqlite3_tool(file, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos VALUES (1, 'a');");
  const std::string before = test::file_bytes(file);
  auto e = db_error_of([&] { db::Database::open(file, true); });
  BOOST_TEST(e.code() == codes::database_error);
  BOOST_TEST(std::string(e.what()).find("another program") != std::string::npos);
  BOOST_TEST(test::file_bytes(file) == before);
}

BOOST_AUTO_TEST_CASE(transaction_rolls_back_on_exception) {
  auto db = db::Database::in_memory();
  db::Settings settings(db);
  try {
    db::Transaction tx(db);
    settings.set("branch", "BJ01");
    throw std::runtime_error("the step failed");
  } catch (const std::runtime_error&) {
  }
  BOOST_TEST(!settings.get("branch"));
  {
    db::Transaction tx(db);
    settings.set("branch", "BJ02");
    tx.commit();
  }
  BOOST_TEST(settings.get_or("branch", "") == "BJ02");
  {
    db::Transaction tx(db);
    settings.set("branch", "BJ03");
  }  // no commit
  BOOST_TEST(settings.get_or("branch", "") == "BJ02");
}

BOOST_AUTO_TEST_CASE(a_nested_transaction_is_refused) {
  auto db = db::Database::in_memory();
  db::Transaction outer(db);
  auto e = db_error_of([&] { db::Transaction inner(db); });
  BOOST_TEST(e.code() == codes::database_error);
  outer.commit();
  BOOST_TEST(db_error_of([&] { outer.commit(); }).code() == codes::database_error);
}

BOOST_AUTO_TEST_CASE(a_read_only_database_makes_the_journal_unavailable) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_database(file, 3);
  auto db = db::Database::open_readonly(file);
  BOOST_TEST(db.read_only());
  auto e = db_error_of([&] { db::Transaction tx(db); });
  BOOST_TEST(e.code() == codes::journal_unavailable);
  BOOST_TEST((e.sqlite_code() & 0xff) == SQLITE_READONLY);
  const std::string what = e.what();
  BOOST_TEST(what.find("the journal cannot be written") != std::string::npos);
  BOOST_TEST(what.find("no work can be done until it can") != std::string::npos);
  db::Journal journal(db, "ws-01", 480);
  e = db_error_of([&] { journal.append(test::sample_record(9), test::sample_time(9)); });
  BOOST_TEST(e.code() == codes::journal_unavailable);
  // Reading still works: the supervisor can verify a read-only copy.
  BOOST_TEST(journal.verify().ok);
  BOOST_TEST(journal.head().count == 3);
}

BOOST_AUTO_TEST_CASE(query_only_makes_the_journal_unavailable) {
  TempDir dir;
  auto db = db::Database::open(dir / "certdesk.db", true);
  db::Journal journal(db, "ws-01", 480);
  db::testing::exec(db, "PRAGMA query_only = 1");
  auto e = db_error_of([&] { db::Transaction tx(db); });
  BOOST_TEST(e.code() == codes::journal_unavailable);
  e = db_error_of([&] { journal.append(test::sample_record(1), test::sample_time()); });
  BOOST_TEST(e.code() == codes::journal_unavailable);
  BOOST_TEST(e.sqlite_code() != 0);
  db::testing::exec(db, "PRAGMA query_only = 0");
  BOOST_TEST(journal.verify().ok);
  BOOST_TEST(journal.head().count == 0);
}

BOOST_AUTO_TEST_CASE(a_full_disk_makes_the_journal_unavailable_and_keeps_it_intact) {
  TempDir dir;
  auto db = db::Database::open(dir / "certdesk.db", true);
  db::Journal journal(db, "ws-01", 480);
  const int pages = db::testing::query_int(db, "PRAGMA page_count");
  db::testing::exec(db, "PRAGMA max_page_count = " + std::to_string(pages + 4));
  db::JournalRecord big = test::sample_record(1);
  big.details = std::string(3000, 'x');
  std::int64_t written = 0;
  std::optional<DbError> failure;
  for (int i = 0; i < 200 && !failure; ++i) {
    try {
      db::Transaction tx(db);
      journal.append(big, test::sample_time(i));
      tx.commit();
      ++written;
    } catch (const DbError& e) {
      failure = e;
    }
  }
  BOOST_TEST_REQUIRE(failure.has_value());
  BOOST_TEST(failure->code() == codes::journal_unavailable);
  BOOST_TEST((failure->sqlite_code() & 0xff) == SQLITE_FULL);
  BOOST_TEST(std::string(failure->what()).find("the disk is full") != std::string::npos);
  auto report = journal.verify();
  BOOST_TEST(report.ok, report.message);
  BOOST_TEST(report.checked == written);
  BOOST_TEST(journal.head().count == written);
}

BOOST_AUTO_TEST_CASE(sqlite_errors_become_db_errors) {
  auto db = db::Database::in_memory();
  db::Staff staff(db);
  staff.insert({0, "li.na", "teller", "scrypt$x", true, "2026-11-22T03:14:00Z"});
  auto e = db_error_of([&] { staff.insert({0, "li.na", "teller", "scrypt$y", true, ""}); });
  BOOST_TEST(e.code() == codes::duplicate);
  BOOST_TEST(e.sqlite_code() == SQLITE_CONSTRAINT_UNIQUE);
  e = db_error_of([&] { staff.insert({0, "boss", "boss", "scrypt$y", true, ""}); });
  BOOST_TEST(e.code() == codes::database_error);
  BOOST_TEST(e.sqlite_code() == SQLITE_CONSTRAINT_CHECK);
}

BOOST_AUTO_TEST_SUITE_END()
