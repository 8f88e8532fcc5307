#pragma once
// A private PostgreSQL 15 cluster for one test suite, made by scripts/hall-server in a
// temp folder (Unix socket only) and stopped when the fixture ends; plus the journal
// helpers the hall suites share.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/journal.h"
#include "tests/support/support.h"

namespace certdesk::test {

class HallServer {
 public:
  HallServer();    // create, start, migrate (hall::Connection::migrate as postgres)
  ~HallServer();   // stop; the folder goes with the TempDir
  HallServer(const HallServer&) = delete;
  HallServer& operator=(const HallServer&) = delete;

  std::string conninfo(const std::string& user = "postgres", const std::string& db = "certdesk") const;
  void start();
  void stop();
  // Runs SQL through libpq as `user`; returns "" on success, else the SQLSTATE.
  std::string sql(const std::string& statement, const std::string& user = "postgres") const;
  // One value of a query as the superuser.
  std::string value(const std::string& query) const;
  // A login role in certdesk_counter (what a counter connects as).
  void add_counter_role(const std::string& role);
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  void script(const std::string& command) const;
  TempDir dir_;
  bool running_ = false;
};

// A counter's local store: a real db::Database + db::Journal on a temp SQLite file.
struct LocalCounter {
  LocalCounter(const std::filesystem::path& file, const std::string& workstation);
  db::JournalEntry append(int i, Seconds at);
  std::vector<db::JournalEntry> all();   // every entry, seq 1…head
  std::vector<db::JournalEntry> after(std::int64_t seq);
  std::string workstation;
  db::Database db;
  db::Journal journal;
};

// Runs body(n) for n = 1…count, each in its own (forked) process at once; returns their exit
// codes in order (2 when body threw, 100 when the process did not exit normally).
std::vector<int> in_processes(int count, const std::function<int(int)>& body);

// 2026-12-01T01:00:00Z plus minutes (09:00 in Beijing: business day 2026-12-01).
Seconds hall_time(int minutes);
// The i-th record of a counter's day (payments every third, a failure every seventh).
db::JournalRecord hall_record(const std::string& workstation, int i);

}  // namespace certdesk::test
