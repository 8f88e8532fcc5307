// A supervisor verifies a copy nobody may write (issue 13 point 13,
// docs/supervisor.md): a 0444 file, a read-only folder, both; the copy holds
// only certdesk.db (no -wal, no -shm). Each check runs as an unprivileged
// user — when the suite runs as root it forks a child that drops to nobody,
// because root's override would let a writing open pass — and the child first
// proves that it really cannot write there.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include "common/error.h"
#include "db/database.h"
#include "db/journal.h"
#include "tests/db/db_fixture.h"

using namespace certdesk;
using certdesk::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kNobody = 65534;
constexpr int kEntries = 40;

// Runs check() in a child process as an unprivileged user (nobody when this
// process is root; this user otherwise). Returns "" when it returned "" and
// exited 0, else what went wrong.
std::string as_unprivileged(const std::function<std::string()>& check) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(pipe_fds[0]);
    std::string problem;
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0))
      problem = std::string("could not drop to nobody: ") + std::strerror(errno);
    if (problem.empty()) {
      try {
        problem = check();
      } catch (const std::exception& e) {
        problem = std::string("threw: ") + e.what();
      }
    }
    if (!problem.empty()) (void)!::write(pipe_fds[1], problem.data(), problem.size());
    ::_exit(problem.empty() ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return "the child died: " + out;
  if (WEXITSTATUS(status) != 0 && out.empty()) return "the child failed";
  return out;
}

std::set<std::string> names_in(const fs::path& folder) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(folder)) out.insert(e.path().filename().string());
  return out;
}

// A data folder's database with kEntries journal entries, closed (checkpointed,
// -wal removed), copied alone into `to`/certdesk.db; `to` readable by nobody.
fs::path make_copy(const TempDir& dir, const std::string& to) {
  const fs::path original = dir / "data" / "certdesk.db";
  fs::create_directories(original.parent_path());
  {
    auto db = db::Database::open(original, true);
    db::Journal journal(db, "ws-01", 480);
    for (int i = 1; i <= kEntries; ++i) {
      db::Transaction tx(db);
      journal.append(test::sample_record(i), test::sample_time(i));
      tx.commit();
    }
  }
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  const fs::path copy = dir / to / "certdesk.db";
  fs::create_directories(copy.parent_path());
  fs::copy_file(original, copy);
  BOOST_TEST_REQUIRE(names_in(copy.parent_path()) == std::set<std::string>{"certdesk.db"});
  return copy;
}

// What the supervisor's verification does, as the unprivileged user: the copy
// cannot be written by it (checked first), it opens read-only, the journal
// verifies completely, nothing can start a write.
std::string verify_copy(const fs::path& copy, bool folder_locked) {
  if (folder_locked && ::access(copy.parent_path().c_str(), W_OK) == 0)
    return "the folder is writable: the check would prove nothing";
  if (!folder_locked && ::access(copy.c_str(), W_OK) == 0)
    return "the file is writable: the check would prove nothing";
  auto db = db::Database::open_readonly(copy);
  if (!db.read_only()) return "the connection is not read-only";
  db::Journal journal(db, "ws-01", 480);
  const db::VerifyReport r = journal.verify();
  if (!r.ok) return "verify: " + r.message;
  if (r.checked != kEntries) return "verify checked " + std::to_string(r.checked) + " entries";
  if (journal.head().count != kEntries) return "the head counts " + std::to_string(journal.head().count);
  if (journal.entries_of_day("2026-11-22").size() != static_cast<std::size_t>(kEntries)) return "a day's entries are missing";
  try {
    db::Transaction tx(db);
    return "a transaction began on the copy";
  } catch (const DbError& e) {
    if (e.code() != codes::journal_unavailable) return std::string("the refused transaction said: ") + e.what();
  }
  return "";
}

void check_copy(const TempDir& dir, const std::string& name, fs::perms file_perms, bool lock_folder) {
  const fs::path copy = make_copy(dir, name);
  const std::string before = test::file_bytes(copy);
  const auto mtime = fs::last_write_time(copy);
  fs::permissions(copy, file_perms);
  const fs::perms folder_perms = lock_folder ? fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                                    fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec
                                             : fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                                    fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(copy.parent_path(), folder_perms);
  const std::string problem = as_unprivileged([&] { return verify_copy(copy, lock_folder); });
  fs::permissions(copy.parent_path(), fs::perms::owner_all);
  BOOST_TEST(problem == "", name << ": " << problem);
  // Nothing written: no -wal or -shm beside it, the bytes and the time as they were.
  BOOST_TEST(names_in(copy.parent_path()) == std::set<std::string>{"certdesk.db"}, name);
  BOOST_TEST(test::file_bytes(copy) == before, name);
  BOOST_TEST((fs::last_write_time(copy) == mtime), name);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_only_copy)

BOOST_AUTO_TEST_CASE(a_0444_copy_verifies_and_nothing_is_written) {
  TempDir dir;
  check_copy(dir, "ro-file", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, false);
}

BOOST_AUTO_TEST_CASE(a_copy_in_a_read_only_folder_verifies_and_nothing_is_written) {
  TempDir dir;
  // The file keeps its write bit (only the folder is locked): nobody may still
  // not write it, being neither its owner nor in its group.
  check_copy(dir, "ro-folder",
             fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read, true);
}

BOOST_AUTO_TEST_CASE(a_0444_copy_in_a_read_only_folder_verifies_and_nothing_is_written) {
  TempDir dir;
  check_copy(dir, "ro-both", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, true);
}

// A copy taken while certdesk ran carries a -wal with entries the file lacks;
// in a read-only folder it cannot be read without writing a -shm: a clear
// refusal naming the -wal, not a half-read journal.
BOOST_AUTO_TEST_CASE(a_copy_with_a_pending_wal_in_a_read_only_folder_is_refused_clearly) {
  TempDir dir;
  const fs::path original = dir / "data" / "certdesk.db";
  fs::create_directories(original.parent_path());
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  const fs::path copy = dir / "live-copy" / "certdesk.db";
  fs::create_directories(copy.parent_path());
  {
    auto db = db::Database::open(original, true);
    db::Journal journal(db, "ws-01", 480);
    for (int i = 1; i <= 5; ++i) {
      db::Transaction tx(db);
      journal.append(test::sample_record(i), test::sample_time(i));
      tx.commit();
    }
    fs::copy_file(original, copy);   // copied while open: the entries are in the -wal
    fs::copy_file(fs::path(original.string() + "-wal"), fs::path(copy.string() + "-wal"));
  }
  BOOST_TEST_REQUIRE(fs::file_size(fs::path(copy.string() + "-wal")) > 0);
  fs::permissions(fs::path(copy.string() + "-wal"), fs::perms::owner_read | fs::perms::others_read);
  fs::permissions(copy, fs::perms::owner_read | fs::perms::others_read);
  fs::permissions(copy.parent_path(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                                          fs::perms::others_exec);
  const std::string problem = as_unprivileged([&]() -> std::string {
    if (::access(copy.parent_path().c_str(), W_OK) == 0) return "the folder is writable: the check would prove nothing";
    try {
      auto db = db::Database::open_readonly(copy);
      db::Journal journal(db, "ws-01", 480);
      const db::VerifyReport r = journal.verify();
      return r.ok && r.checked == 5 ? "" : "opened but verify said: " + r.message;
    } catch (const DbError& e) {
      const std::string what = e.what();
      if (e.code() != codes::data_dir_unusable) return "refused with code " + e.code() + ": " + what;
      if (what.find("certdesk.db-wal") == std::string::npos || what.find("certdesk is closed") == std::string::npos)
        return "the refusal does not say what to do: " + what;
      return "";
    }
  });
  fs::permissions(copy.parent_path(), fs::perms::owner_all);
  BOOST_TEST(problem == "", problem);
  BOOST_TEST((names_in(copy.parent_path()) == std::set<std::string>{"certdesk.db", "certdesk.db-wal"}));
}

BOOST_AUTO_TEST_SUITE_END()
