// bench_journal — durable journal appends against bare SQLite inserts.
//
//   bench_journal [N] [FOLDER]
//
// In one run, on real files in FOLDER (default: a fresh folder under $TMPDIR or
// /tmp, removed afterwards), with the production pragmas (WAL, synchronous=FULL,
// foreign_keys=ON, busy_timeout=5000):
//   (a) N journal appends, each its own Transaction + Journal::append + commit;
//   (b) N bare single-row INSERT transactions (BEGIN IMMEDIATE, INSERT, COMMIT)
//       into a table with the journal's columns and the same bytes, no hashing,
//       no triggers, no indexes.
// The two run interleaved in rounds so a busy machine slows both alike. Prints
// entries/s, rows/s and the ratio (target >= 0.8). Exit status 0 unless
// something failed.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "common/clock.h"
#include "db/database.h"
#include "db/journal.h"

namespace fs = std::filesystem;
using namespace certdesk;
using Stopwatch = std::chrono::steady_clock;

namespace {

constexpr int kRounds = 5;

db::JournalRecord typical_record(int i) {
  db::JournalRecord r;
  r.staff = "li.na";
  r.action = "order.transition";
  r.order_id = 1000 + i;
  r.organisation = "91110108MA01C8D24U";
  r.token_serial = "2100012345";
  r.cert_serial = "";
  r.amount_fen = 5000;
  r.receipt_no = "BJ01-2026-000123";
  r.outcome = "0000";
  r.details = R"({"from":"documents_checked","to":"paid","method":"cash"})";
  r.flow = "issue";
  return r;
}

Seconds at(int i) {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 22} + hours{3} + seconds{i};
}

// A folder removed with everything in it when the bench ends.
class Folder {
 public:
  explicit Folder(const std::string& given) {
    if (!given.empty()) {
      path_ = fs::path(given) / "bench_journal.tmp";
      fs::create_directories(path_);
    } else {
      const char* tmp = std::getenv("TMPDIR");
      std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/bench_journal.XXXXXX";
      if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
      path_ = pattern;
    }
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The bare baseline: the journal's columns, nothing else.
class Bare {
 public:
  explicit Bare(const fs::path& file)
      : db_(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec(
        "CREATE TABLE rows (seq INTEGER PRIMARY KEY, utc_time TEXT NOT NULL, business_day TEXT NOT NULL, "
        "workstation TEXT NOT NULL, staff TEXT NOT NULL, action TEXT NOT NULL, order_id INTEGER, organisation TEXT "
        "NOT NULL, token_serial TEXT NOT NULL, cert_serial TEXT NOT NULL, amount_fen INTEGER, receipt_no TEXT NOT "
        "NULL, outcome TEXT NOT NULL, details TEXT NOT NULL, flow TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT "
        "NOT NULL)");
    insert_ = std::make_unique<SQLite::Statement>(
        db_, "INSERT INTO rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
  }

  void insert(std::int64_t seq, const db::JournalRecord& r) {
    db_.exec("BEGIN IMMEDIATE");
    SQLite::Statement& q = *insert_;
    q.reset();
    q.bind(1, seq);
    q.bind(2, "2026-11-22T03:14:00Z");
    q.bind(3, "2026-11-22");
    q.bind(4, "ws-01");
    q.bind(5, r.staff);
    q.bind(6, r.action);
    q.bind(7, static_cast<std::int64_t>(*r.order_id));
    q.bind(8, r.organisation);
    q.bind(9, r.token_serial);
    q.bind(10, r.cert_serial);
    q.bind(11, static_cast<std::int64_t>(*r.amount_fen));
    q.bind(12, r.receipt_no);
    q.bind(13, r.outcome);
    q.bind(14, r.details);
    q.bind(15, r.flow);
    q.bind(16, prev_);
    q.bind(17, hash_);
    q.exec();
    db_.exec("COMMIT");
  }

 private:
  SQLite::Database db_;
  std::unique_ptr<SQLite::Statement> insert_;  // declared after db_: finalized first
  std::string prev_ = std::string(64, 'a');
  std::string hash_ = std::string(64, 'b');
};

double seconds_of(Stopwatch::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  try {
    const int n = argc > 1 ? std::stoi(argv[1]) : 5000;
    if (n < kRounds) throw std::runtime_error("N must be at least " + std::to_string(kRounds));
    Folder folder(argc > 2 ? argv[2] : "");

    auto db = db::Database::open(folder.path() / "journal.db", true);
    db::Journal journal(db, "ws-01", 480);
    Bare bare(folder.path() / "bare.db");

    Stopwatch::duration journal_time{}, bare_time{};
    int done = 0;
    std::int64_t bare_seq = 0;
    for (int round = 0; round < kRounds; ++round) {
      const int count = n / kRounds + (round < n % kRounds ? 1 : 0);
      auto t0 = Stopwatch::now();
      for (int i = 0; i < count; ++i) {
        db::Transaction tx(db);
        journal.append(typical_record(done + i), at(done + i));
        tx.commit();
      }
      auto t1 = Stopwatch::now();
      for (int i = 0; i < count; ++i) bare.insert(++bare_seq, typical_record(done + i));
      auto t2 = Stopwatch::now();
      journal_time += t1 - t0;
      bare_time += t2 - t1;
      done += count;
    }

    const auto report = journal.verify();
    if (!report.ok || report.checked != n) throw std::runtime_error("the journal does not verify: " + report.message);

    const double js = seconds_of(journal_time), bs = seconds_of(bare_time);
    const double jrate = n / js, brate = n / bs;
    std::printf("bench_journal: N=%d, folder %s, SQLite %s, WAL, synchronous=FULL, %d interleaved rounds\n", n,
                folder.path().c_str(), sqlite3_libversion(), kRounds);
    std::printf("  (a) journal append (Transaction + append + commit): %d in %.3f s = %.0f entries/s\n", n, js, jrate);
    std::printf("  (b) bare SQLite single-row INSERT transaction:      %d in %.3f s = %.0f rows/s\n", n, bs, brate);
    std::printf("  ratio (a)/(b): %.2f (target >= 0.80)\n", jrate / brate);
    std::printf("  verify: %lld entries checked, ok\n", static_cast<long long>(report.checked));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_journal: %s\n", e.what());
    return 1;
  }
}
