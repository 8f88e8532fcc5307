// The hall server's benchmarks (issue 12, 8; figures in docs/benchmarks.md):
//   (a) server ingest of journal entries per second (batches of 5 000, one transaction each);
//   (c) the hall-day review query (first page + totals) for 50 counters x 2 000 entries
//       against the same query for one counter's day;
//   (d) catching up a backlog of 5 000 entries read from a real SQLite journal;
//   (b) a counter's durable append rate with shipping on (desk::BackgroundShipper woken after
//       every commit) against off;
//   (e) the same catch-up through the desk's shipper (desk::HallLink::ship: entries and receipts).
// Starts its own PostgreSQL 15 cluster with scripts/hall-server in a temp folder and stops it.
// Usage: bench_hall [SOURCE_DIR]   (default: the source tree this was built from)
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "common/text.h"
#include "db/database.h"
#include "db/journal.h"
#include "db/hall_state.h"
#include "db/repositories.h"
#include "desk/hall_link.h"
#include "hall/hall.h"

using namespace certdesk;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

std::string g_script;
fs::path g_dir;

void script(const std::string& cmd) {
  const std::string line = g_script + " " + cmd + " " + g_dir.string() + " >/dev/null";
  if (std::system(line.c_str()) != 0) {
    std::fprintf(stderr, "hall-server %s failed\n", cmd.c_str());
    std::exit(1);
  }
}

// The machine's load average (/proc/loadavg: 1, 5, 15 minutes) and the UTC time, printed beside
// each figure: the integrator compares runs on a quiet machine with runs on a busy one.
std::string load_now() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  if (f) {
    if (std::fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3) a = b = c = -1;
    std::fclose(f);
  }
  char line[96];
  std::snprintf(line, sizeof line, "[%s load %.2f %.2f %.2f]",
                text::iso_utc(Seconds(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))).c_str(),
                a, b, c);
  return line;
}

double seconds_since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }

Seconds day_start() {
  using namespace std::chrono;
  return sys_days{year{2026} / December / 1} + hours{1};
}

db::JournalRecord record(const std::string& ws, int i) {
  db::JournalRecord r;
  r.staff = i % 2 ? "li.na" : "wang.wei";
  r.action = i % 3 ? "order.transition" : "payment";
  r.order_id = 1000 + i / 3;
  r.organisation = "91110108MA01C8D24U";
  if (i % 3 == 0) {
    r.amount_fen = 5000;
    r.receipt_no = "BJ01-" + ws + "-2026-" + std::to_string(100000 + i);
  }
  r.outcome = i % 50 ? "0000" : "0116";
  r.details = "{\"step\":" + std::to_string(i) + ",\"note\":\"北京示例科技有限公司\"}";
  r.flow = "issue";
  return r;
}

// n chained entries of one counter's day, one every `step` seconds from 09:00 Beijing.
std::vector<db::JournalEntry> chain(const std::string& ws, int n, int step) {
  std::vector<db::JournalEntry> out;
  std::string prev(64, '0');
  for (int i = 1; i <= n; ++i) {
    db::JournalEntry e;
    e.seq = i;
    e.utc_time = text::iso_utc(day_start() + std::chrono::seconds(i * step));
    e.business_day = "2026-12-01";
    e.workstation = ws;
    e.record = record(ws, i);
    e.prev_hash = prev;
    e.hash = db::Journal::entry_hash(e);
    prev = e.hash;
    out.push_back(std::move(e));
  }
  return out;
}

void ship_all(hall::Connection& c, const hall::Counter& who, const std::vector<db::JournalEntry>& all,
              std::size_t batch) {
  for (std::size_t i = 0; i < all.size(); i += batch) {
    std::vector<db::JournalEntry> part(all.begin() + static_cast<long>(i),
                                       all.begin() + static_cast<long>(std::min(all.size(), i + batch)));
    c.ship(who, part, Seconds(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
  }
}

// A counter's data folder as the desk's shipper sees it: the database with branch and workstation.
db::Database counter_folder(const fs::path& root, const std::string& ws) {
  fs::create_directories(root);
  auto db = db::Database::open(root / "certdesk.db", true);
  db::Settings s(db);
  s.set("branch", "BJ01");
  s.set("workstation", ws);
  return db;
}

// n durable appends (each its own transaction), with the background shipper on or off.
// Returns appends per second; `drained` is how long the shipper took after the last append.
double append_rate(const fs::path& root, const std::string& ws, int n, const std::string& conninfo, double& drained) {
  static const SystemClock clock;
  auto db = counter_folder(root, ws);
  db::Journal j(db, ws, 480);
  std::unique_ptr<desk::BackgroundShipper> shipper;
  if (!conninfo.empty()) {
    desk::HallLink(db, clock).connect(j, "bench", conninfo, "", "sha256:bench-append-" + ws);
    shipper = std::make_unique<desk::BackgroundShipper>(root, std::chrono::seconds(1));
  }
  const auto t = Steady::now();
  for (int i = 1; i <= n; ++i) {
    j.append(record(ws, i), day_start() + std::chrono::seconds(i));
    if (shipper) shipper->wake();
  }
  const double rate = n / seconds_since(t);
  const auto t2 = Steady::now();
  drained = 0;
  if (shipper) {
    desk::HallLink link(db, clock);
    while (link.status().pending > 0 && seconds_since(t2) < 30)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    drained = seconds_since(t2);
  }
  return rate;
}

double best_of(int runs, const std::function<void()>& f) {
  double best = 1e9;
  for (int r = 0; r < runs; ++r) {
    const auto t = Steady::now();
    f();
    best = std::min(best, seconds_since(t));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source = argc > 1 ? argv[1] : CERTDESK_SOURCE_DIR;
  g_script = source + "/scripts/hall-server";
  char templ[] = "/tmp/bench-hall-XXXXXX";
  if (!mkdtemp(templ)) return 1;
  g_dir = templ;
  std::printf("bench_hall %s (the load average is printed after each figure)\n", load_now().c_str());
  std::fflush(stdout);
  script("create");
  script("start");
  script("migrate");
  int rc = 0;
  try {
    std::string conninfo = "postgresql:///certdesk?host=" + (g_dir / "socket").string() + "&user=postgres";
    auto c = hall::Connection::open(conninfo);

    // (a) ingest
    const hall::Counter ingest{"BENCH", "W01"};
    c.join(ingest, "sha256:bench-ingest-000000000000");
    const auto entries = chain("W01", 50000, 1);
    auto t = Steady::now();
    ship_all(c, ingest, entries, 5000);
    const double ingest_s = seconds_since(t);
    std::printf("(a) ingest: %zu entries in %.2f s = %.0f entries/s (batches of 5000) %s\n", entries.size(), ingest_s,
                entries.size() / ingest_s, load_now().c_str());

    // (c) review query: one counter's day vs 50 counters' day
    const hall::Counter solo{"SOLO", "W01"};
    c.join(solo, "sha256:bench-solo-00000000000000");
    ship_all(c, solo, chain("W01", 2000, 14), 2000);
    for (int n = 1; n <= 50; ++n) {
      const std::string ws = n < 10 ? "W0" + std::to_string(n) : "W" + std::to_string(n);
      c.join({"BJ01", ws}, "sha256:bench-hall-" + std::string(20, static_cast<char>('a' + n % 26)) + ws);
      ship_all(c, {"BJ01", ws}, chain(ws, 2000, 14), 2000);
    }
    std::printf("(c) hall BJ01: 50 counters x 2000 entries; branch SOLO: 1 counter x 2000 entries\n");
    hall::HallDayPage page;
    const auto query = [&](const std::string& branch, const hall::HallFilter& f) {
      return best_of(7, [&] {
        page = c.hall_day_report(branch, "2026-12-01", f, 200);
        for (int p = 0; p < 4 && !page.next_after.empty(); ++p)
          page = c.hall_day_report(branch, "2026-12-01", f, 200, page.next_after);
      });
    };
    query("SOLO", {});   // warm
    const double one = query("SOLO", {});
    const double hall_day = query("BJ01", {});
    std::printf("    first 5 pages of 200 + totals: one counter %.2f ms, 50 counters %.2f ms = %.2fx (%lld entries) %s\n",
                one * 1e3, hall_day * 1e3, hall_day / one, static_cast<long long>(page.total_entries),
                load_now().c_str());
    hall::HallFilter teller;
    teller.staff = "li.na";
    teller.outcome = hall::HallFilter::Outcome::ok;
    const double one_f = query("SOLO", teller);
    const double hall_f = query("BJ01", teller);
    std::printf("    filtered (teller, ok only): one counter %.2f ms, 50 counters %.2f ms = %.2fx %s\n", one_f * 1e3,
                hall_f * 1e3, hall_f / one_f, load_now().c_str());

    // (d) a 24-hour backlog of one busy counter, read from its SQLite journal and shipped
    const fs::path local_file = g_dir / "backlog.db";
    {
      auto db = db::Database::open(local_file, true);
      db::Journal j(db, "W99", 480);
      db::Transaction tx(db);
      for (int i = 1; i <= 5000; ++i) j.append(record("W99", i), day_start() + std::chrono::seconds(i * 17));
      tx.commit();
    }
    const hall::Counter busy{"BJ01", "W99"};
    c.join(busy, "sha256:bench-backlog-000000000000");
    t = Steady::now();
    {
      auto db = db::Database::open(local_file);
      db::Journal j(db, "W99", 480);
      const auto head = c.remote_head(busy);
      std::vector<std::int64_t> seqs;
      for (std::int64_t s = head.count + 1; s <= j.head().count; ++s) seqs.push_back(s);
      const auto backlog = db::DayJournal(db).at(seqs);
      ship_all(c, busy, backlog, 5000);
    }
    const double catch_up = seconds_since(t);
    std::printf("(d) catch-up: 5000 entries read from SQLite and shipped in %.2f s %s\n", catch_up, load_now().c_str());

    // (e) the same backlog through the desk's shipper: entries in batches, then every receipt
    {
      static const SystemClock clock;
      auto db = counter_folder(g_dir / "backlog-desk", "W98");
      db::Journal j(db, "W98", 480);
      {
        db::Transaction tx(db);
        for (int i = 1; i <= 5000; ++i) j.append(record("W98", i), day_start() + std::chrono::seconds(i * 17));
        tx.commit();
      }
      auto hall_c = hall::Connection::open(conninfo);
      hall_c.join({"BJ01", "W98"}, "sha256:bench-desk-backlog-00000000");
      db::HallState(db).set("conninfo", conninfo);
      t = Steady::now();
      const desk::ShipOutcome out = desk::HallLink(db, clock).ship(std::chrono::seconds(30));
      const double took = seconds_since(t);
      std::printf("(e) catch-up through desk::HallLink::ship: %lld entries + %lld receipts in %.2f s (%s) %s\n",
                  static_cast<long long>(out.entries), static_cast<long long>(out.receipts), took,
                  out.ok ? "ok" : out.error.c_str(), load_now().c_str());
    }

    // (b) durable appends with shipping off, then on (best of 3 each, alternating)
    double off = 0, on = 0, drain = 0, d = 0;
    for (int r = 0; r < 3; ++r) {
      off = std::max(off, append_rate(g_dir / ("off" + std::to_string(r)), "A0" + std::to_string(r), 2000, "", d));
      on = std::max(on, append_rate(g_dir / ("on" + std::to_string(r)), "B0" + std::to_string(r), 2000, conninfo, d));
      drain = std::max(drain, d);
    }
    std::printf("(b) durable appends: shipping off %.0f/s, on %.0f/s = %.2fx (backlog drained %.2f s after the "
                "last append, worst run) %s\n",
                off, on, on / off, drain, load_now().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_hall: %s\n", e.what());
    rc = 1;
  }
  script("stop");
  fs::remove_all(g_dir);
  return rc;
}
