// The hall from the counters' side (issue 12.7): five data folders, five
// certdesk-cli processes at a time, one private PostgreSQL 15 cluster through a
// business day — the server stopped mid-day and restarted (the backlog drains by
// itself on the next command), local forgeries after shipping named by
// `journal verify --hall` (exit 3), a counter whose clock is behind flagged, the
// hall's day report and the supervisor's hall close.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/text.h"
#include "db/day_close.h"
#include "db/journal.h"
#include "hall/hall.h"
#include "tests/hall/hall_server.h"
#include "tests/support/support.h"

using namespace certdesk;
using certdesk::test::HallServer;
using certdesk::test::in_processes;
using certdesk::test::RunResult;
using certdesk::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string code(int n) { return "W0" + std::to_string(n); }
std::string role(int n) { return "counter_w" + std::to_string(n); }

struct Hall {
  HallServer server;
  TempDir tmp{"certdesk-hall-cli"};
  fs::path pw = test::write_file(tmp / "admin.pw", "admin-password-1");
  fs::path pin = test::write_file(tmp / "sup.pin", "24680135");

  fs::path data(int n) const { return tmp / ("counter" + std::to_string(n)); }
  std::vector<std::string> env(const fs::path& d) const {
    return {"SOFTHSM2_CONF=" + (d / "softhsm" / "softhsm2.conf").string()};
  }
  // Counter kBehind's processes all run with a real clock 10 minutes behind the server's
  // (libfaketime's faketime, Debian package faketime), from its init on.
  static constexpr int kBehind = 5;
  RunResult cli_at(const fs::path& d, std::vector<std::string> args) const {
    args.insert(args.begin(), {test::bin("certdesk-cli").string(), "--data-dir", d.string()});
    if (d == data(kBehind)) args.insert(args.begin(), {"faketime", "-f", "-10m"});
    return test::run(args, env(d), "", 120);
  }
  RunResult cli(int n, const std::vector<std::string>& args) const { return cli_at(data(n), args); }
  std::vector<std::string> as_admin() const { return {"--as", "admin", "--as-password-file", pw.string()}; }
  RunResult add_teller(int n, const std::string& name) const {
    std::vector<std::string> a{"staff", "add", name, "--role", "teller", "--password-file", pw.string()};
    for (const auto& s : as_admin()) a.push_back(s);
    return cli(n, a);
  }
  json status(int n) const {
    RunResult r = cli(n, {"--json", "hall", "status"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    return json::parse(r.out);
  }
  std::int64_t local_head(int n) const {
    auto db = db::Database::open_readonly(data(n) / "certdesk.db");
    return db::Journal(db, code(n), 480).head().count;
  }

  Hall() {
    for (int n = 1; n <= 5; ++n) {
      server.add_counter_role(role(n));
      std::vector<std::string> init{"init", "--branch", "BJ01", "--workstation", code(n), "--admin", "admin",
                                    "--password-file", pw.string()};
      RunResult r = cli(n, init);
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
      std::vector<std::string> join{"hall", "connect", server.conninfo(role(n))};
      for (const auto& s : as_admin()) join.push_back(s);
      r = cli(n, join);
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    }
  }
};

// An attacker with sqlite3 and the documented encoding: the journal's triggers dropped,
// rows rewritten from `from_seq` on, the anchor reset to the last entry given.
void rewrite(const fs::path& file, const std::vector<db::JournalEntry>& entries, std::int64_t from_seq) {
  SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
  db.exec(
      "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; DROP TRIGGER journal_append_at_head; "
      "DROP TRIGGER journal_move_anchor; DROP TRIGGER journal_anchor_forward_only;");
  SQLite::Statement del(db, "DELETE FROM journal WHERE seq >= ?1");
  del.bind(1, static_cast<std::int64_t>(from_seq));
  del.exec();
  for (const auto& e : entries) {
    if (e.seq < from_seq) continue;
    SQLite::Statement q(db,
                        "INSERT INTO journal (seq, utc_time, business_day, workstation, staff, action, order_id, "
                        "organisation, token_serial, cert_serial, amount_fen, receipt_no, outcome, details, flow, "
                        "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                        "?16, ?17)");
    const auto& r = e.record;
    q.bind(1, static_cast<std::int64_t>(e.seq));
    q.bind(2, e.utc_time);
    q.bind(3, e.business_day);
    q.bind(4, e.workstation);
    q.bind(5, r.staff);
    q.bind(6, r.action);
    if (r.order_id) q.bind(7, static_cast<std::int64_t>(*r.order_id)); else q.bind(7);
    q.bind(8, r.organisation);
    q.bind(9, r.token_serial);
    q.bind(10, r.cert_serial);
    if (r.amount_fen) q.bind(11, static_cast<std::int64_t>(*r.amount_fen)); else q.bind(11);
    q.bind(12, r.receipt_no);
    q.bind(13, r.outcome);
    q.bind(14, r.details);
    q.bind(15, r.flow);
    q.bind(16, e.prev_hash);
    q.bind(17, e.hash);
    q.exec();
  }
  SQLite::Statement a(db, "UPDATE journal_anchor SET count = ?1, head_hash = ?2 WHERE id = 1");
  a.bind(1, static_cast<std::int64_t>(entries.back().seq));
  a.bind(2, entries.back().hash);
  a.exec();
}

void rechain(std::vector<db::JournalEntry>& entries, std::size_t from) {
  for (std::size_t i = from; i < entries.size(); ++i) {
    entries[i].seq = static_cast<std::int64_t>(i + 1);
    entries[i].prev_hash = i ? entries[i - 1].hash : std::string(64, '0');
    entries[i].hash = db::Journal::entry_hash(entries[i]);
  }
}

std::vector<db::JournalEntry> chain_of(const fs::path& file) {
  auto db = db::Database::open_readonly(file);
  const std::int64_t head = db::Journal(db, "", 480).head().count;
  std::vector<std::int64_t> seqs;
  for (std::int64_t s = 1; s <= head; ++s) seqs.push_back(s);
  return db::DayJournal(db).at(seqs);
}

// A copy of a data folder to forge in (the original keeps shipping).
fs::path copy_of(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
  return to;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hall_cli)

BOOST_AUTO_TEST_CASE(five_counters_through_a_day_with_a_server_restart) {
  Hall h;
  // A workstation code is fixed once the counter joined; a code another counter holds is refused.
  {
    std::vector<std::string> a{"settings", "set", "workstation", "W09"};
    for (const auto& s : h.as_admin()) a.push_back(s);
    RunResult r = h.cli(1, a);
    BOOST_TEST(r.exit_code == 4, r.err);
    TempDir other;
    const fs::path d = other / "intruder";
    RunResult init = h.cli_at(d, {"init", "--branch", "BJ01", "--workstation", "W02", "--admin", "admin",
                                  "--password-file", h.pw.string()});
    BOOST_TEST_REQUIRE(init.exit_code == 0, init.err);
    std::vector<std::string> join{"hall", "connect", h.server.conninfo(role(2))};
    for (const auto& s : h.as_admin()) join.push_back(s);
    RunResult taken = h.cli_at(d, join);
    BOOST_TEST(taken.exit_code != 0);
    BOOST_TEST(taken.err.find("6004") != std::string::npos, taken.err);
    RunResult status = h.cli_at(d, {"--json", "hall", "status"});
    BOOST_TEST(json::parse(status.out)["joined"].get<bool>() == false);   // nothing changed locally
    // A password in the connection string is refused before anything is stored.
    join[2] = h.server.conninfo(role(2)) + "&password=secret";
    RunResult bad = h.cli_at(d, join);
    BOOST_TEST(bad.exit_code == 4);
    BOOST_TEST(bad.err.find("6007") != std::string::npos, bad.err);
    BOOST_TEST(test::files_containing(d, "password=secret").empty());
  }

  {
    std::vector<std::string> a{"staff", "add", "sup1", "--role", "supervisor", "--password-file", h.pw.string()};
    for (const auto& x : h.as_admin()) a.push_back(x);
    RunResult r = h.cli(1, a);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  }
  // Morning: every counter works; each command ships before it exits.
  auto rc = in_processes(5, [&](int n) {
    for (int i = 1; i <= 3; ++i)
      if (h.add_teller(n, "am" + std::to_string(n) + "x" + std::to_string(i)).exit_code != 0) return 3;
    return 0;
  });
  for (int r : rc) BOOST_TEST(r == 0);
  for (int n = 1; n <= 5; ++n) {
    json s = h.status(n);
    BOOST_TEST(s["pending"].get<std::int64_t>() == 0);
    BOOST_TEST(s["shipped"].get<std::int64_t>() == h.local_head(n));
  }

  // The server stops: the counters keep working (exit 0, a one-line warning), the backlog grows.
  h.server.stop();
  rc = in_processes(5, [&](int n) {
    for (int i = 1; i <= 2; ++i) {
      RunResult r = h.add_teller(n, "mid" + std::to_string(n) + "x" + std::to_string(i));
      if (r.exit_code != 0 || r.err.empty()) return 3;
    }
    return 0;
  });
  for (int r : rc) BOOST_TEST(r == 0);
  for (int n = 1; n <= 5; ++n) {
    json s = h.status(n);
    BOOST_TEST(s["pending"].get<std::int64_t>() > 0);
    BOOST_TEST(s["last_error_code"].get<std::string>() == codes::hall_unreachable);
  }
  RunResult sync = h.cli(1, {"hall", "sync"});
  BOOST_TEST(sync.exit_code == 1);   // on demand: the hall cannot be reached

  // It comes back: the next command of each counter drains its backlog by itself.
  h.server.start();
  rc = in_processes(5, [&](int n) { return h.add_teller(n, "pm" + std::to_string(n)).exit_code == 0 ? 0 : 3; });
  for (int r : rc) BOOST_TEST(r == 0);
  std::int64_t total = 0;
  for (int n = 1; n <= 5; ++n) {
    json s = h.status(n);
    BOOST_TEST(s["pending"].get<std::int64_t>() == 0);
    BOOST_TEST(s["last_error"].get<std::string>().empty());
    total += h.local_head(n);
    RunResult v = h.cli(n, {"journal", "verify", "--hall"});
    BOOST_TEST(v.exit_code == 0, v.err);
  }
  // Nothing lost, nothing duplicated, the order kept (the server recomputes every chain).
  BOOST_TEST(h.server.value("SELECT count(*) FROM hall.entries") == std::to_string(total));
  BOOST_TEST(h.server.value("SELECT count(DISTINCT (workstation_id, seq)) FROM hall.entries") == std::to_string(total));
  // Every entry names its counter by the workstation code (set at init, before the join).
  BOOST_TEST(h.server.value("SELECT count(*) FROM hall.entries e JOIN hall.workstations w ON w.id = e.workstation_id "
                            "WHERE e.workstation <> w.code") == "0");
  RunResult hv = h.cli(3, {"hall", "verify"});
  BOOST_TEST(hv.exit_code == 0, hv.err + hv.out);

  // The hall's day for the supervisor: five counters, totals.
  const std::string today = chain_of(h.data(1) / "certdesk.db").back().business_day;
  RunResult rep = h.cli(1, {"--json", "day", "report", today, "--hall", "--as", "sup1", "--as-password-file",
                            h.pw.string()});
  BOOST_TEST_REQUIRE(rep.exit_code == 0, rep.err);
  json report = json::parse(rep.out);
  BOOST_TEST(report["counters"].size() == 5u);
  BOOST_TEST(report["totals"]["entries"].get<std::int64_t>() == total);

  // Counter 5's clock is really behind (faketime): its own record says so, it worked all day
  // like the others (shipped, nothing pending, verified above), and the hall flags it — only it.
  {
    const std::string last = chain_of(h.data(Hall::kBehind) / "certdesk.db").back().utc_time;
    const auto behind_by = SystemClock().now() - text::parse_iso_utc(last);
    BOOST_TEST(behind_by >= std::chrono::minutes(9), last);
  }
  RunResult issues = h.cli(1, {"--json", "hall", "issues"});
  BOOST_TEST_REQUIRE(issues.exit_code == 0, issues.err);
  std::vector<std::string> behind;
  for (const auto& i : json::parse(issues.out))
    if (i["kind"] == "clock-behind") behind.push_back(i["workstation"].get<std::string>());
  BOOST_TEST(behind == std::vector<std::string>{code(Hall::kBehind)}, issues.out);
  RunResult office = h.cli(2, {"--json", "hall", "report", "--head-office", today});
  BOOST_TEST_REQUIRE(office.exit_code == 0, office.err);
  BOOST_TEST(json::parse(office.out)[0]["counters"].get<int>() == 5);
}

BOOST_AUTO_TEST_CASE(local_forgeries_after_shipping_are_named_by_journal_verify_hall) {
  Hall h;
  for (int i = 1; i <= 4; ++i) BOOST_TEST_REQUIRE(h.add_teller(1, "t" + std::to_string(i)).exit_code == 0);
  BOOST_TEST_REQUIRE(h.status(1)["pending"].get<std::int64_t>() == 0);
  const fs::path file = h.data(1) / "certdesk.db";
  const std::vector<db::JournalEntry> all = chain_of(file);
  BOOST_TEST_REQUIRE(all.size() >= 8u);
  const auto verdict = [&](const fs::path& d) {
    RunResult r = h.cli_at(d, {"--json", "journal", "verify", "--hall"});
    BOOST_TEST(r.exit_code == 3, r.err);
    return json::parse(r.out);
  };

  // The open-day recompute: an entry's details changed, every later hash and the anchor recomputed.
  {
    const fs::path d = copy_of(h.data(1), h.tmp / "recompute");
    auto forged = all;
    forged[4].record.details = "{\"forged\":true}";
    rechain(forged, 4);
    rewrite(d / "certdesk.db", forged, 5);
    json j = verdict(d);
    BOOST_TEST(j["problem"] == "changed");
    BOOST_TEST(j["first_bad_seq"].get<std::int64_t>() == 5);
  }
  // A cut tail with the anchor reset.
  {
    const fs::path d = copy_of(h.data(1), h.tmp / "cut");
    auto forged = std::vector<db::JournalEntry>(all.begin(), all.end() - 2);
    rewrite(d / "certdesk.db", forged, static_cast<std::int64_t>(forged.size()) + 1);
    json j = verdict(d);
    BOOST_TEST(j["problem"] == "removed");
    BOOST_TEST(j["first_bad_seq"].get<std::int64_t>() == static_cast<std::int64_t>(all.size()) - 1);
  }
  // An appended forgery, dated before the last entry shipped.
  {
    const fs::path d = copy_of(h.data(1), h.tmp / "appended");
    auto forged = all;
    db::JournalEntry extra = all[2];
    extra.record.details = "{\"forged\":true}";
    forged.push_back(extra);
    rechain(forged, all.size());
    rewrite(d / "certdesk.db", forged, static_cast<std::int64_t>(all.size()) + 1);
    json j = verdict(d);
    BOOST_TEST(j["problem"] == "added");
    BOOST_TEST(j["first_bad_seq"].get<std::int64_t>() == static_cast<std::int64_t>(all.size()) + 1);
  }
  // A forged copy that only read never ships: the hall still holds the true chain.
  BOOST_TEST(h.cli(1, {"journal", "verify", "--hall"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(a_deleted_day_close_and_the_hall_close) {
  Hall h;
  // Counter 1 gets a supervisor with a signing token; both counters close their day.
  auto as_admin = [&](std::vector<std::string> a) {
    for (const auto& s : h.as_admin()) a.push_back(s);
    return a;
  };
  // Counter 2 too, with its own supervisor and token (its certificate from counter 2's own CA).
  RunResult r;
  for (int n = 1; n <= 2; ++n) {
    const std::string sup = "sup" + std::to_string(n), serial = "700" + std::to_string(n);
    r = h.cli(n, {"token", "insert-blank", "--serial", serial});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    r = h.cli(n, as_admin({"staff", "add", sup, "--role", "supervisor", "--password-file", h.pw.string()}));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    r = h.cli(n, as_admin({"staff", "enroll-token", sup, "--token", serial, "--new-pin-file", h.pin.string()}));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  }
  const std::string today = chain_of(h.data(1) / "certdesk.db").back().business_day;
  for (int n = 2; n >= 1; --n) {
    std::vector<std::string> close{"day", "close", today, "--as", "sup" + std::to_string(n), "--as-password-file",
                                   h.pw.string(), "--pin-file", h.pin.string()};
    r = h.cli(n, close);
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  }
  BOOST_TEST(h.status(1)["pending"].get<std::int64_t>() == 0);
  BOOST_TEST(h.status(2)["pending"].get<std::int64_t>() == 0);
  BOOST_TEST(h.server.value("SELECT count(*) FROM hall.day_closes") == "2");
  BOOST_TEST(h.cli(1, {"journal", "verify", "--hall"}).exit_code == 0);

  // The local day close deleted with sqlite3: the local chain alone cannot tell, the hall can.
  {
    const fs::path d = copy_of(h.data(1), h.tmp / "no-close");
    SQLite::Database db((d / "certdesk.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER day_closes_no_delete; DELETE FROM day_closes;");
    RunResult v = h.cli_at(d, {"--json", "journal", "verify", "--hall"});
    BOOST_TEST(v.exit_code == 3, v.err);
    json j = json::parse(v.out);
    BOOST_TEST(j["problem"] == "day-close-removed");
    BOOST_TEST(j["business_day"] == today);
  }

  // The hall close re-checks each counter's own signed close as the server holds it: a
  // superuser's edit of counter 2's signature there is refused, naming the counter, and
  // nothing is signed or stored.
  const std::string w02_close =
      "FROM hall.workstations w WHERE w.id = d.workstation_id AND w.code = 'W02'";
  const std::string flip_signature = "SET session_replication_role = replica; UPDATE hall.day_closes d SET "
                                     "signature = set_byte(signature, 12, get_byte(signature, 12) # 255) " + w02_close;
  BOOST_TEST_REQUIRE(h.server.sql(flip_signature) == "");
  std::vector<std::string> hclose{"--json", "hall", "close", today, "--as", "sup1", "--as-password-file", h.pw.string(),
                                  "--pin-file", h.pin.string()};
  r = h.cli(1, hclose);
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("W02") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("W01") == std::string::npos, r.err);
  BOOST_TEST(h.server.value("SELECT count(*) FROM hall.hall_closes") == "0");
  BOOST_TEST_REQUIRE(h.server.sql(flip_signature) == "");   // the same XOR again: the original signature

  // The hall close: signed with sup1's own token over the counters' signed heads, chained.
  r = h.cli(1, hclose);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  json c = json::parse(r.out);
  BOOST_TEST(c["seq"].get<int>() == 1);
  BOOST_TEST(c["signer"] == "supervisor");
  BOOST_TEST(c["prev_hash"] == std::string(64, '0'));
  r = h.cli(1, {"hall", "close-verify"});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(json::parse(h.cli(1, {"--json", "hall", "close-verify"}).out)["closes"].get<int>() == 1);
  // close-verify re-checks the counters' closes too: counter 2's statement edited on the server.
  BOOST_TEST_REQUIRE(h.server.sql("SET session_replication_role = replica; UPDATE hall.day_closes d SET "
                                  "statement = statement || 'x' " + w02_close) == "");
  r = h.cli(1, {"hall", "close-verify"});
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("W02") != std::string::npos, r.err);
  BOOST_TEST_REQUIRE(h.server.sql("SET session_replication_role = replica; UPDATE hall.day_closes d SET "
                                  "statement = left(statement, -1) " + w02_close) == "");
  r = h.cli(1, {"hall", "close-verify"});
  BOOST_TEST(r.exit_code == 0, r.err);
  // A superuser's edit of the stored close is found.
  BOOST_TEST(h.server.sql("SET session_replication_role = replica; "
                          "UPDATE hall.hall_closes SET statement = statement || 'x'") == "");
  r = h.cli(1, {"hall", "close-verify"});
  BOOST_TEST(r.exit_code == 3, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
