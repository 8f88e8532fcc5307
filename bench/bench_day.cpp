// bench_day — the supervisor's day on a large journal (issue 6, docs/benchmarks.md).
//
//   bench_day [--big N] [--small M] [--days D] [--day-size K] [--dir FOLDER] [--keep]
//
// The generator builds two data folders (init_data_dir: SQLite, SoftHSM2
// store, local CA), then appends journal entries directly with
// Journal::append in transactions of 20 000, with orders and receipts behind
// them, spread over D business days (default 100). The day measured
// (the middle one: 2026-03-23 with 100 days) has exactly K entries (default 2 000) in both
// journals; the other days share the rest: N = 1 000 000 entries in the big
// journal, M = 10 000 in the small one. Then, on each:
//   (a) the day's review queries: DayReview::summary, ::rows (the list,
//       exceptions first), a teller's first page, the failures' first page, the
//       first 64 rows as the window shows them — median of 7 runs; ratio big/small (target ≤ 2);
//   (b) Journal::verify over the whole big journal against `openssl dgst
//       -sha256` over the same bytes (each entry's prev_hash ‖ canonical bytes,
//       exported to a file): throughput ratio verify/openssl (target ≥ 0.5);
//   (c) the review window's model (app::make_review_model) with the day open,
//       in a child process per journal: VmRSS after open_day and after reading
//       every row; ratio big/small (target ≤ 1.2).
// Prints the query plans of the day's queries too (no full scans).

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "desk/context.h"
#include "app/gui_review.h"
#include "common/text.h"
#include "db/day_close.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "db/testing.h"
#include "workflows/day.h"

namespace fs = std::filesystem;
using namespace certdesk;
using Stopwatch = std::chrono::steady_clock;

namespace {

std::string kDay;   // the middle day, set in main
const char* kTellers[] = {"li.na", "wang.wei", "zhang.min", "liu.yang", "chen.jing"};
const char* kFlows[] = {"issue", "reissue", "unlock", "update", "replace", "cancel"};

struct Options {
  std::int64_t big = 1000000, small = 10000;
  int days = 100, day_size = 2000;
  fs::path dir;
  bool keep = false;
};

double ms_since(Stopwatch::time_point t) {
  return std::chrono::duration<double, std::milli>(Stopwatch::now() - t).count();
}

// Day i of the journal (0-based) as a UTC instant at 01:00 Beijing + offset seconds.
Seconds day_start(int i) {
  using namespace std::chrono;
  return sys_days{year{2026} / February / 1} + days{i} + hours{1} - hours{8};
}

// Appends `count` entries of business day `day_index`, orders of ~10 entries each.
void generate_day(db::Database& db, db::Journal& journal, int day_index, std::int64_t count, std::int64_t& order_seq,
                  std::int64_t& receipt_seq, const std::vector<db::Id>& staff_ids, db::Id org) {
  db::Orders orders(db);
  db::Payments payments(db);
  std::int64_t done = 0;
  Seconds t = day_start(day_index);
  const double step = 10.0 * 3600 / std::max<std::int64_t>(count, 1);   // spread over 10 hours
  std::unique_ptr<db::Transaction> tx = std::make_unique<db::Transaction>(db);
  std::int64_t in_tx = 0;
  auto at = [&] { return t + std::chrono::seconds(static_cast<long>(done * step)); };
  auto append = [&](db::JournalRecord r) {
    journal.append(r, at());
    ++done;
    if (++in_tx >= 20000) {
      tx->commit();
      tx = std::make_unique<db::Transaction>(db);
      in_tx = 0;
    }
  };
  while (done < count) {
    int k = static_cast<int>(order_seq % 5);
    std::string teller = kTellers[k];
    std::string flow = kFlows[order_seq % 6];
    ++order_seq;
    if (order_seq % 50 == 0) {   // a failed login now and then
      append({.staff = teller, .action = "login.refused", .outcome = "2001"});
      continue;
    }
    db::ServiceOrder o;
    o.flow = flow;
    o.state = "completed";
    o.staff_id = staff_ids[static_cast<std::size_t>(k)];
    o.organisation_id = org;
    o.request_key = "bench-" + std::to_string(order_seq);
    db::Id id = orders.insert(o);
    const std::string uscc = "91110108MA01C8D24U";
    const std::string token = "21" + std::to_string(10000000 + order_seq % 89999999);
    db::JournalRecord base{.staff = teller, .order_id = id, .organisation = uscc, .token_serial = token, .flow = flow};
    auto step_of = [&](const char* action, const std::string& details = "") {
      db::JournalRecord r = base;
      r.action = action;
      r.details = details;
      append(r);
    };
    step_of("order.created", "BJ01 counter");
    step_of("order.documents_checked", "all documents present");
    // A receipt with a payments row behind it.
    std::string no = "BJ01-2026-" + std::to_string(100000 + ++receipt_seq);
    db::Payment p;
    p.order_id = id;
    p.receipt_no = no;
    p.method = receipt_seq % 3 == 0 ? "card" : "cash";
    p.quantity = 1;
    p.unit_fen = p.amount_fen = 5000;
    p.teller_id = o.staff_id;
    p.created_utc = text::iso_utc(at());
    payments.insert(p);
    db::JournalRecord pay = base;
    pay.action = "payment";
    pay.amount_fen = 5000;
    pay.receipt_no = no;
    pay.details = p.method;
    append(pay);
    step_of("token.personalising");
    step_of("token.initialised", uscc);
    step_of("token.pin_set");
    step_of("token.keygen", "ECDSA P-256");
    step_of("cert.issued", "serialNumber=91110108MA01C8D24U,CN=北京示例科技有限公司,O=北京示例科技有限公司,C=CN");
    step_of("order.handed_over");
    step_of("order.completed");
  }
  tx->commit();
}

// A data folder with n entries over the days, kDay holding day_size of them.
void build(const fs::path& dir, std::int64_t n, const Options& o) {
  FixedClock clock(day_start(0) - std::chrono::hours(24));
  desk::init_data_dir(dir, desk::InitOptions{"BJ01", "示例网点", "admin", Secret("admin-password"), "", 10}, clock);
  desk::AppContext ctx(dir, clock, 10);
  workflows::Actor admin = ctx.staff().login("admin", Secret("admin-password"));
  std::vector<db::Id> ids;
  for (const char* t : kTellers) ids.push_back(ctx.staff().add(admin, t, workflows::Role::teller, Secret("password-1")).id);
  ctx.staff().add(admin, "sup1", workflows::Role::supervisor, Secret("sup1-password"));
  db::Id org = db::Organisations(ctx.db()).insert({0, "北京示例科技有限公司", "91110108MA01C8D24U", ""});
  const int target = o.days / 2;
  std::int64_t rest = n - ctx.journal().head().count - o.day_size;
  std::int64_t per_day = rest / (o.days - 1);
  std::int64_t order_seq = 0, receipt_seq = 0;
  auto t0 = Stopwatch::now();
  for (int d = 0; d < o.days; ++d) {
    std::int64_t count = d == target ? o.day_size : (d == o.days - 1 ? n - ctx.journal().head().count : per_day);
    if (d == o.days - 1 && target == d) count = o.day_size;
    generate_day(ctx.db(), ctx.journal(), d, count, order_seq, receipt_seq, ids, org);
  }
  std::printf("  generated %s: %lld entries in %.1f s (%s has %lld)\n", dir.filename().c_str(),
              static_cast<long long>(ctx.journal().head().count), ms_since(t0) / 1000,
              kDay.c_str(), static_cast<long long>(db::DayJournal(ctx.db()).range(kDay).count));
  db::testing::exec(ctx.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
}

double median_ms(const std::function<void()>& f, int runs = 7) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) {
    auto t = Stopwatch::now();
    f();
    v.push_back(ms_since(t));
  }
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct QueryTimes {
  double summary = 0, rows = 0, teller_page = 0, failed_page = 0, window_page = 0;
};

QueryTimes time_queries(const fs::path& dir, bool plans) {
  SystemClock clock;
  desk::AppContext ctx(dir, clock, 10);
  workflows::Actor sup = ctx.staff().login("sup1", Secret("sup1-password"));
  workflows::DayReview review(ctx.db(), sup);
  QueryTimes q;
  q.summary = median_ms([&] { review.summary(kDay); });
  q.rows = median_ms([&] { review.rows(kDay); });
  db::JournalFilter teller;
  teller.staff = "wang.wei";
  q.teller_page = median_ms([&] { review.page(kDay, teller, 0, 100); });
  db::JournalFilter failed;
  failed.outcome = db::JournalFilter::Outcome::failed;
  q.failed_page = median_ms([&] { review.page(kDay, failed, 0, 100); });
  auto model = app::make_review_model(ctx, sup);
  model->open_day(kDay, {});
  q.window_page = median_ms([&] {
    model->open_day(kDay, {});
    for (std::size_t i = 0; i < 64 && i < model->row_count(); ++i) model->row(i);
  });
  if (plans) {
    auto plan = [&](const std::string& sql) {
      std::string out;
      for (const std::string& step : db::testing::query_column(ctx.db(), "EXPLAIN QUERY PLAN " + sql, 3))
        out += std::string(out.empty() ? "" : "; ") + step;
      std::printf("    %s\n      → %s\n", sql.c_str(), out.c_str());
    };
    std::printf("  query plans:\n");
    plan("SELECT count(*), min(seq), max(seq) FROM journal INDEXED BY journal_day_staff WHERE business_day = '2026-03-15'");
    plan("SELECT * FROM journal WHERE seq > 0 AND seq <= 9 AND +business_day = '2026-03-15' ORDER BY seq LIMIT 100");
    plan("SELECT * FROM journal INDEXED BY journal_day_staff WHERE business_day = '2026-03-15' AND staff = 'x' AND seq > 0 "
         "ORDER BY seq LIMIT 100");
    plan("SELECT * FROM journal INDEXED BY journal_day_exceptions WHERE business_day = '2026-03-15' AND outcome <> '0000' "
         "AND seq > 0 ORDER BY seq LIMIT 100");
  }
  return q;
}

long status_kb(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  return 0;
}

struct Rss {
  long before = 0, opened = 0, all_rows = 0, peak = 0;
};

// In a child process: RSS of the model with the day open.
Rss model_rss(const fs::path& dir) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Rss r;
    try {
      SystemClock clock;
      desk::AppContext ctx(dir, clock, 10);
      workflows::Actor sup = ctx.staff().login("sup1", Secret("sup1-password"));
      r.before = status_kb("VmRSS:");
      auto model = app::make_review_model(ctx, sup);
      model->open_day(kDay, {});
      for (std::size_t i = 0; i < 64 && i < model->row_count(); ++i) model->row(i);
      r.opened = status_kb("VmRSS:");
      for (std::size_t i = 0; i < model->row_count(); ++i) model->row(i);   // scrolled through every row
      r.all_rows = status_kb("VmRSS:");
      r.peak = status_kb("VmHWM:");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
    }
    if (write(fds[1], &r, sizeof r) != sizeof r) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  Rss r;
  if (read(fds[0], &r, sizeof r) != sizeof r) r = {};
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--big") o.big = std::stoll(next());
    else if (a == "--small") o.small = std::stoll(next());
    else if (a == "--days") o.days = std::stoi(next());
    else if (a == "--day-size") o.day_size = std::stoi(next());
    else if (a == "--dir") o.dir = next();
    else if (a == "--keep") o.keep = true;
    else {
      std::fprintf(stderr, "usage: bench_day [--big N] [--small M] [--days D] [--day-size K] [--dir FOLDER] [--keep]\n");
      return 2;
    }
  }
  try {
    if (o.days < 2 || o.day_size < 1 || o.small < o.day_size + 100 || o.big < o.small) {
      std::fprintf(stderr, "bench_day: need --days >= 2 and --big >= --small >= --day-size + 100\n");
      return 2;
    }
    kDay = text::business_day(day_start(o.days / 2), 480);
    if (o.dir.empty()) o.dir = fs::temp_directory_path() / ("bench_day." + std::to_string(getpid()));
    fs::create_directories(o.dir);
    fs::path big = o.dir / "big", small = o.dir / "small";
    std::printf("generating (%lld and %lld entries over %d days, %s with %d) in %s\n", static_cast<long long>(o.big),
                static_cast<long long>(o.small), o.days, kDay.c_str(), o.day_size, o.dir.c_str());
    if (!fs::exists(small / "certdesk.db")) build(small, o.small, o);
    if (!fs::exists(big / "certdesk.db")) build(big, o.big, o);

    std::printf("\n(a) the day's review queries, median of 7 (ms)\n");
    QueryTimes s = time_queries(small, false);
    QueryTimes b = time_queries(big, true);
    auto row = [](const char* what, double x, double y) {
      std::printf("  %-34s small %8.2f   big %8.2f   big/small %.2f\n", what, x, y, x > 0 ? y / x : 0.0);
    };
    row("summary (totals + exceptions)", s.summary, b.summary);
    row("rows (the list, exceptions first)", s.rows, b.rows);
    row("a teller's first page (100)", s.teller_page, b.teller_page);
    row("failures' first page (100)", s.failed_page, b.failed_page);
    row("window: open day + 64 rows", s.window_page, b.window_page);

    std::printf("\n(b) verification throughput over the big journal\n");
    fs::path bytes_file = o.dir / "chain.bin";
    std::int64_t bytes = 0, entries = 0;
    {
      SystemClock clock;
      desk::AppContext ctx(big, clock, 10);
      std::ofstream f(bytes_file, std::ios::binary | std::ios::trunc);
      const std::int64_t count = ctx.journal().head().count;
      db::DayJournal dj(ctx.db());
      std::vector<std::int64_t> batch;
      auto flush = [&] {
        for (const auto& e : dj.at(batch)) {
          std::string c = e.prev_hash + db::Journal::canonical_bytes(e);
          f.write(c.data(), static_cast<std::streamsize>(c.size()));
          bytes += static_cast<std::int64_t>(c.size());
          ++entries;
        }
        batch.clear();
      };
      for (std::int64_t seq = 1; seq <= count; ++seq) {   // seqs run 1..count without gaps (an intact journal)
        batch.push_back(seq);
        if (batch.size() == 10000) flush();
      }
      flush();
      db::VerifyReport r;
      double verify_ms = 1e9;
      for (int i = 0; i < 3; ++i) {
        auto t = Stopwatch::now();
        r = ctx.journal().verify();
        verify_ms = std::min(verify_ms, ms_since(t));
      }
      double vt = 1e9;
      for (int i = 0; i < 3; ++i) {
        auto t2 = Stopwatch::now();
        std::string cmd = "openssl dgst -sha256 " + bytes_file.string() + " > /dev/null";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl dgst failed");
        vt = std::min(vt, ms_since(t2));
      }
      std::printf("  %lld entries, %.1f MB hashed (prev_hash ‖ canonical bytes)\n", static_cast<long long>(entries),
                  bytes / 1e6);
      std::printf("  Journal::verify        %8.0f ms  %7.1f MB/s  %9.0f entries/s  (best of 3; %s)\n", verify_ms,
                  bytes / 1e3 / verify_ms, entries * 1e3 / verify_ms, r.ok ? "intact" : r.message.c_str());
      std::printf("  openssl dgst -sha256   %8.0f ms  %7.1f MB/s  (best of 3, one stream)\n", vt, bytes / 1e3 / vt);
      std::printf("  ratio verify/openssl throughput: %.2f\n", vt / verify_ms);
    }

    std::printf("\n(c) the review model's memory with %s open (child process each, kB)\n", kDay.c_str());
    Rss rs = model_rss(small), rb = model_rss(big);
    std::printf("  small: before %ld, day open %ld, every row read %ld, peak %ld\n", rs.before, rs.opened, rs.all_rows, rs.peak);
    std::printf("  big:   before %ld, day open %ld, every row read %ld, peak %ld\n", rb.before, rb.opened, rb.all_rows, rb.peak);
    std::printf("  ratio big/small: day open %.2f, every row read %.2f, peak %.2f\n",
                rs.opened ? double(rb.opened) / rs.opened : 0.0, rs.all_rows ? double(rb.all_rows) / rs.all_rows : 0.0,
                rs.peak ? double(rb.peak) / rs.peak : 0.0);
    if (!o.keep) fs::remove_all(o.dir);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_day: %s\n", e.what());
    return 1;
  }
}
