// A hall's business day against a real PostgreSQL 15: five counters in five processes,
// the server stopped and restarted mid-day, local forgeries after shipping, a
// superuser's edit on the server, a counter whose clock is behind, the head office.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>

#include "common/error.h"
#include "hall/hall.h"
#include "tests/hall/hall_server.h"

using namespace certdesk;
using certdesk::test::HallServer;
using certdesk::test::in_processes;
using certdesk::test::LocalCounter;
using certdesk::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string code(int n) { return n < 10 ? "W0" + std::to_string(n) : "W" + std::to_string(n); }
std::string role(int n) { return "counter_w" + std::to_string(n); }
std::string key(int n) { return "sha256:" + std::string(40, static_cast<char>('0' + n)); }
hall::Counter counter(int n, const std::string& branch = "BJ01") { return {branch, code(n)}; }

// Ships everything after the hall's head; returns what was accepted.
std::int64_t ship_backlog(hall::Connection& c, const hall::Counter& who, LocalCounter& local) {
  const auto head = c.remote_head(who);
  return c.ship(who, local.after(head.count), SystemClock().now()).accepted;
}

void rewrite_rows(const fs::path& file, const std::vector<db::JournalEntry>& entries, std::int64_t from_seq) {
  SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
  db.exec(
      "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; DROP TRIGGER journal_append_at_head; "
      "DROP TRIGGER journal_move_anchor; DROP TRIGGER journal_anchor_forward_only;");
  for (const auto& e : entries) {
    if (e.seq < from_seq) continue;
    SQLite::Statement u(db, "UPDATE journal SET amount_fen = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4");
    if (e.record.amount_fen)
      u.bind(1, static_cast<std::int64_t>(*e.record.amount_fen));
    else
      u.bind(1);
    u.bind(2, e.prev_hash);
    u.bind(3, e.hash);
    u.bind(4, static_cast<std::int64_t>(e.seq));
    u.exec();
  }
  SQLite::Statement a(db, "UPDATE journal_anchor SET count = ?1, head_hash = ?2 WHERE id = 1");
  a.bind(1, static_cast<std::int64_t>(entries.back().seq));
  a.bind(2, entries.back().hash);
  a.exec();
}

// Recomputes every hash from index `from` on, as an attacker with the documented encoding would.
void rechain(std::vector<db::JournalEntry>& entries, std::size_t from) {
  for (std::size_t i = from; i < entries.size(); ++i) {
    entries[i].seq = static_cast<std::int64_t>(i + 1);
    entries[i].prev_hash = i ? entries[i - 1].hash : std::string(64, '0');
    entries[i].hash = db::Journal::entry_hash(entries[i]);
  }
}

bool locally_intact(const fs::path& file, const std::string& ws) {
  auto db = db::Database::open(file);
  db::Journal j(db, ws, 480);
  return j.verify().ok;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hall_day)

BOOST_AUTO_TEST_CASE(five_counters_ship_a_day_through_a_server_restart) {
  HallServer server;
  for (int n = 1; n <= 5; ++n) server.add_counter_role(role(n));
  TempDir dir;
  const auto file = [&](int n) { return dir / (code(n) + ".db"); };
  // Morning: each counter joins and ships every 20 entries.
  auto rc = in_processes(5, [&](int n) {
    LocalCounter local(file(n), code(n));
    auto c = hall::Connection::open(server.conninfo(role(n)));
    c.join(counter(n), key(n));
    for (int i = 1; i <= 120; ++i) {
      local.append(i, test::hall_time(i));
      if (i % 20 == 0 && ship_backlog(c, counter(n), local) != 20) return 3;
    }
    return 0;
  });
  for (int r : rc) BOOST_TEST(r == 0);
  auto kept = hall::Connection::open(server.conninfo());
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "600");

  // The server stops: every counter keeps working, shipping fails with a clear error.
  server.stop();
  rc = in_processes(5, [&](int n) {
    LocalCounter local(file(n), code(n));
    for (int i = 121; i <= 240; ++i) local.append(i, test::hall_time(i));
    try {
      auto c = hall::Connection::open(server.conninfo(role(n)));
      return 4;
    } catch (const hall::HallError& e) {
      return e.code() == codes::hall_unreachable ? 0 : 5;
    }
  });
  for (int r : rc) BOOST_TEST(r == 0);

  // It comes back: the backlog drains, a resent day is a no-op.
  server.start();
  rc = in_processes(5, [&](int n) {
    LocalCounter local(file(n), code(n));
    for (int i = 241; i <= 300; ++i) local.append(i, test::hall_time(i));
    auto c = hall::Connection::open(server.conninfo(role(n)));
    if (ship_backlog(c, counter(n), local) != 180) return 3;
    const auto again = c.ship(counter(n), local.all(), SystemClock().now());
    return again.accepted == 0 && again.duplicates == 300 ? 0 : 4;
  });
  for (int r : rc) BOOST_TEST(r == 0);

  // A connection opened before the restart: its first call reports the loss, the next reconnects.
  try {
    kept.remote_head(counter(1));
  } catch (const hall::HallError& e) {
    BOOST_TEST(e.code() == codes::hall_unreachable);
  }
  BOOST_TEST(kept.remote_head(counter(1)).count == 300);

  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "1500");
  BOOST_TEST(server.value("SELECT count(DISTINCT (workstation_id, seq)) FROM hall.entries") == "1500");
  std::int64_t amount = 0;
  for (int n = 1; n <= 5; ++n) {
    LocalCounter local(file(n), code(n));
    const auto all = local.all();
    BOOST_TEST_REQUIRE(all.size() == 300u);
    for (const auto& e : all) amount += e.record.amount_fen.value_or(0);
    const auto head = kept.remote_head(counter(n));
    BOOST_TEST(head.count == 300);
    BOOST_TEST(head.hash == local.journal.head().hash);
    const auto cmp = kept.compare(counter(n), all);
    BOOST_TEST(cmp.ok(), cmp.message);
    BOOST_TEST(cmp.pending == 0);
  }
  // Order kept: on the server each chain is seq 1…300 with the local hashes (verify_all recomputes them).
  for (const auto& v : kept.verify_all()) {
    BOOST_TEST(v.ok, v.message);
    BOOST_TEST(v.checked == 300);
  }

  // The supervisor's hall day: exceptions first, totals across the five counters, pages cover everything once.
  auto page = kept.hall_day_report("BJ01", "2026-12-01", {}, 400);
  BOOST_TEST(page.total_entries == 1500);
  BOOST_TEST(page.total_amount_fen == amount);
  BOOST_TEST(page.counters.size() == 5u);
  BOOST_TEST(page.total_exceptions == 5 * (300 / 7));
  BOOST_TEST_REQUIRE(page.entries.size() == 400u);
  for (std::int64_t i = 0; i < page.total_exceptions; ++i) BOOST_TEST(page.entries[i].entry.record.outcome != "0000");
  std::set<std::pair<std::string, std::int64_t>> seen;
  std::string last_time;
  int pages = 0;
  for (;;) {
    ++pages;
    for (const auto& h : page.entries) {
      seen.insert({h.workstation, h.entry.seq});
      if (h.entry.record.outcome == "0000") {
        BOOST_TEST(h.entry.utc_time >= last_time);
        last_time = h.entry.utc_time;
      }
    }
    if (page.next_after.empty()) break;
    page = kept.hall_day_report("BJ01", "2026-12-01", {}, 400, page.next_after);
  }
  BOOST_TEST(pages == 4);
  BOOST_TEST(seen.size() == 1500u);
  hall::HallFilter f;
  f.workstation = "W03";
  f.outcome = hall::HallFilter::Outcome::failed;
  page = kept.hall_day_report("BJ01", "2026-12-01", f, 1000);
  BOOST_TEST(page.entries.size() == 300u / 7);
  for (const auto& h : page.entries) BOOST_TEST(h.workstation == "W03");
}

BOOST_AUTO_TEST_CASE(local_forgeries_after_shipping_are_named) {
  HallServer server;
  server.add_counter_role(role(1));
  auto c = hall::Connection::open(server.conninfo(role(1)));
  c.join(counter(1), key(1));
  TempDir dir;
  const fs::path shipped = dir / "w01.db";
  std::vector<db::JournalEntry> all;
  {
    LocalCounter local(shipped, code(1));
    for (int i = 1; i <= 30; ++i) local.append(i, test::hall_time(i));
    BOOST_TEST(ship_backlog(c, counter(1), local) == 30);
    all = local.all();
  }
  const auto copy = [&](const std::string& name) {
    const fs::path p = dir / name;
    fs::copy_file(shipped, p);
    return p;
  };

  // The open-day recompute: 50.00 cash becomes 5.00, every later hash and the anchor recomputed.
  {
    const fs::path f = copy("recompute.db");
    auto forged = all;
    BOOST_TEST_REQUIRE(forged[8].record.amount_fen.value_or(0) == 5000);
    forged[8].record.amount_fen = 500;
    rechain(forged, 8);
    rewrite_rows(f, forged, 9);
    BOOST_TEST(locally_intact(f, code(1)));   // the local verifier alone is fooled
    LocalCounter local(f, code(1));
    const auto cmp = c.compare(counter(1), local.all());
    BOOST_TEST((cmp.kind == hall::Comparison::Kind::changed));
    BOOST_TEST(cmp.seq == 9);
    BOOST_TEST(cmp.message.find("9") != std::string::npos);
    try {
      c.ship(counter(1), local.all(), SystemClock().now());
      BOOST_FAIL("a forged chain was shipped");
    } catch (const hall::HallError& e) {
      BOOST_TEST(e.code() == codes::hall_conflict);
    }
  }
  // A cut tail with a reset anchor.
  {
    const fs::path f = copy("cut.db");
    {
      SQLite::Database db(f.string(), SQLite::OPEN_READWRITE);
      db.exec("DROP TRIGGER journal_no_delete; DROP TRIGGER journal_anchor_forward_only; DELETE FROM journal WHERE seq > 25");
      SQLite::Statement a(db, "UPDATE journal_anchor SET count = 25, head_hash = ?1 WHERE id = 1");
      a.bind(1, all[24].hash);
      a.exec();
    }
    BOOST_TEST(locally_intact(f, code(1)));
    LocalCounter local(f, code(1));
    const auto cmp = c.compare(counter(1), local.all());
    BOOST_TEST((cmp.kind == hall::Comparison::Kind::removed));
    BOOST_TEST(cmp.seq == 26);
  }
  // An appended forgery: a payment written afterwards, dated before the last entry shipped.
  {
    const fs::path f = copy("appended.db");
    LocalCounter local(f, code(1));
    local.append(3, test::hall_time(5));
    BOOST_TEST(local.journal.verify().ok);
    const auto cmp = c.compare(counter(1), local.all());
    BOOST_TEST((cmp.kind == hall::Comparison::Kind::added));
    BOOST_TEST(cmp.seq == 31);
  }
  // An entry inserted in the middle / one deleted in the middle, the rest renumbered and rechained.
  {
    auto forged = all;
    db::JournalEntry extra = all[9];
    extra.record.details = "{\"forged\":true}";
    forged.insert(forged.begin() + 10, extra);
    rechain(forged, 10);
    auto cmp = c.compare(counter(1), forged);
    BOOST_TEST((cmp.kind == hall::Comparison::Kind::added));
    BOOST_TEST(cmp.seq == 11);
    forged = all;
    forged.erase(forged.begin() + 14);
    rechain(forged, 14);
    cmp = c.compare(counter(1), forged);
    BOOST_TEST((cmp.kind == hall::Comparison::Kind::removed));
    BOOST_TEST(cmp.seq == 15);
  }
  // A genuine local entry not shipped yet is pending, not a forgery.
  {
    LocalCounter local(shipped, code(1));
    local.append(31, test::hall_time(40));
    const auto cmp = c.compare(counter(1), local.all());
    BOOST_TEST(cmp.ok(), cmp.message);
    BOOST_TEST(cmp.pending == 1);
  }
  BOOST_TEST(c.remote_head(counter(1)).count == 30);
}

BOOST_AUTO_TEST_CASE(a_superusers_edit_on_the_server_is_found_by_verify_all) {
  HallServer server;
  TempDir dir;
  auto office = hall::Connection::open(server.conninfo());
  std::vector<std::vector<db::JournalEntry>> locals(4);
  for (int n = 1; n <= 3; ++n) {
    server.add_counter_role(role(n));
    auto c = hall::Connection::open(server.conninfo(role(n)));
    c.join(counter(n), key(n));
    LocalCounter local(dir / (code(n) + ".db"), code(n));
    for (int i = 1; i <= 30; ++i) local.append(i, test::hall_time(i));
    ship_backlog(c, counter(n), local);
    locals[static_cast<std::size_t>(n)] = local.all();
  }
  for (const auto& v : office.verify_all()) BOOST_TEST(v.ok, v.message);
  const auto verdict = [&](int n) {
    for (const auto& v : office.verify_all())
      if (v.counter.workstation == code(n)) return v;
    return hall::ChainVerdict{};
  };
  const std::string off = "SET session_replication_role = replica; ";
  const std::string w2 = "workstation_id = (SELECT id FROM hall.workstations WHERE code = 'W02')";
  // A plain edit of the amount the reports read.
  BOOST_TEST(server.sql(off + "UPDATE hall.entries SET amount_fen = 500 WHERE seq = 6 AND " + w2).empty());
  auto v = verdict(2);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.problem == "changed");
  BOOST_TEST(v.first_bad_seq.value_or(-1) == 6);
  BOOST_TEST(verdict(1).ok);
  // The same edit with the bytes and the entry's own hash recomputed: the next entry no longer links.
  BOOST_TEST(server.sql(off +
                        "UPDATE hall.entries SET canonical = hall.canonical(seq, utc_time, business_day, workstation, "
                        "staff, action, order_id, organisation, token_serial, cert_serial, amount_fen, receipt_no, "
                        "outcome, details, flow) WHERE seq = 6 AND " + w2 + "; "
                        "UPDATE hall.entries SET hash = hall.chain_hash(prev_hash, canonical) WHERE seq = 6 AND " + w2)
                 .empty());
  v = verdict(2);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.first_bad_seq.value_or(-1) == 6);
  BOOST_TEST(v.message.find("6") != std::string::npos);
  // And the counter's own chain names it too.
  const auto cmp = office.compare(counter(2), locals[2]);
  BOOST_TEST((cmp.kind == hall::Comparison::Kind::changed));
  BOOST_TEST(cmp.seq == 6);
  // A cut tail on the server: the shipments recorded no longer add up.
  BOOST_TEST(server.sql(off + "DELETE FROM hall.entries WHERE seq > 20 AND workstation_id = "
                              "(SELECT id FROM hall.workstations WHERE code = 'W03')").empty());
  v = verdict(3);
  BOOST_TEST(!v.ok);
  BOOST_TEST(v.problem == "removed");
  BOOST_TEST(v.first_bad_seq.value_or(-1) == 21);
  // The head office's list names both.
  std::set<std::string> failing;
  for (const auto& i : office.counter_issues(60, 300))
    if (i.kind == "verify-failed") failing.insert(i.counter.workstation);
  BOOST_TEST((failing == std::set<std::string>{"W02", "W03"}));
}

BOOST_AUTO_TEST_CASE(late_counters_clocks_behind_and_the_head_office) {
  HallServer server;
  TempDir dir;
  auto office = hall::Connection::open(server.conninfo());
  const auto now = SystemClock().now();
  // BJ01: W01 on time, W02 fifteen minutes behind, W03 joined but never shipped; SH01: its own W01.
  struct Plan {
    hall::Counter who;
    int key;
    std::optional<std::chrono::seconds> skew;
  };
  const Plan plans[] = {{{"BJ01", "W01"}, 1, std::chrono::seconds(0)},
                        {{"BJ01", "W02"}, 2, std::chrono::seconds(-900)},
                        {{"BJ01", "W03"}, 3, std::nullopt},
                        {{"SH01", "W01"}, 4, std::chrono::seconds(0)}};
  for (const auto& p : plans) {
    const std::string r = "counter_" + std::to_string(p.key);
    server.add_counter_role(r);
    auto c = hall::Connection::open(server.conninfo(r));
    c.join(p.who, key(p.key));
    if (!p.skew) continue;
    LocalCounter local(dir / (p.who.branch + p.who.workstation + ".db"), p.who.workstation);
    for (int i = 1; i <= 9; ++i) local.append(i, test::hall_time(i));
    c.ship(p.who, local.all(), now + *p.skew);
  }
  const auto late = office.late_counters(10);
  BOOST_TEST_REQUIRE(late.size() == 1u);
  BOOST_TEST(late[0].counter.workstation == "W03");
  BOOST_TEST(late[0].minutes_since == -1);
  std::set<std::pair<std::string, std::string>> issues;
  for (const auto& i : office.counter_issues(10, 120)) {
    BOOST_TEST_MESSAGE(i.counter.branch << " " << i.counter.workstation << " " << i.kind << ": " << i.detail);
    issues.insert({i.counter.branch + "/" + i.counter.workstation, i.kind});
  }
  BOOST_TEST((issues == std::set<std::pair<std::string, std::string>>{{"BJ01/W02", "clock-behind"},
                                                                      {"BJ01/W03", "late"}}));
  const auto totals = office.branch_totals("2026-12-01", "2026-12-31");
  BOOST_TEST_REQUIRE(totals.size() == 2u);
  BOOST_TEST(totals[0].branch == "BJ01");
  BOOST_TEST(totals[0].counters == 2);
  BOOST_TEST(totals[0].entries == 18);
  BOOST_TEST(totals[0].amount_fen == 2 * 3 * 5000);
  BOOST_TEST(totals[1].branch == "SH01");
  BOOST_TEST(totals[1].entries == 9);
}

BOOST_AUTO_TEST_SUITE_END()
