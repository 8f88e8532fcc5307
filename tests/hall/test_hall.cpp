// The hall server's schema, grants and triggers, and the client's answers to bad input,
// against a real PostgreSQL 15 started by scripts/hall-server in a temp folder.
#include <boost/test/unit_test.hpp>

#include <libpq-fe.h>

#include <chrono>
#include <memory>

#include "common/crypto.h"
#include "common/error.h"
#include "common/handle.h"
#include "hall/hall.h"
#include "tests/hall/hall_server.h"

using namespace certdesk;
using certdesk::test::HallServer;
using certdesk::test::LocalCounter;
using certdesk::test::TempDir;

namespace {

const hall::Counter kW01{"BJ01", "W01"};
const hall::Counter kW02{"BJ01", "W02"};
const std::string kKey1 = "sha256:1111111111111111111111111111111111111111";
const std::string kKey2 = "sha256:2222222222222222222222222222222222222222";

template <typename F>
std::string code_of(F&& f) {
  try {
    f();
  } catch (const hall::HallError& e) {
    BOOST_TEST_MESSAGE(e.code() << " " << e.what());
    BOOST_TEST(std::string(e.what()).find("secret-pw") == std::string::npos);
    return e.code();
  }
  return "no error";
}

// The i-th entry written as raw SQL (what a counter's role could send without the client).
// bytes_of: whose canonical bytes to send (e's own when null).
std::string raw_insert(std::int64_t ws, const db::JournalEntry& e, const std::string& hash, const std::string& prev,
                       const db::JournalEntry* bytes_of = nullptr) {
  const std::string canonical = db::Journal::canonical_bytes(bytes_of ? *bytes_of : e);
  std::string hex;
  static const char* digits = "0123456789abcdef";
  for (unsigned char c : canonical) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  const auto q = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  const auto n = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string("NULL"); };
  const db::JournalRecord& r = e.record;
  return "INSERT INTO hall.entries (workstation_id, seq, utc_time, business_day, workstation, staff, action, "
         "order_id, organisation, token_serial, cert_serial, amount_fen, receipt_no, outcome, details, flow, "
         "prev_hash, hash, canonical) VALUES (" +
         std::to_string(ws) + "," + std::to_string(e.seq) + "," + q(e.utc_time) + "," + q(e.business_day) + "," +
         q(e.workstation) + "," + q(r.staff) + "," + q(r.action) + "," + n(r.order_id) + "," + q(r.organisation) +
         "," + q(r.token_serial) + "," + q(r.cert_serial) + "," + n(r.amount_fen) + "," + q(r.receipt_no) + "," +
         q(r.outcome) + "," + q(r.details) + "," + q(r.flow) + "," + q(prev) + "," + q(hash) + ",'\\x" + hex + "')";
}

// A cluster, counter W01 joined through its own role, and its local journal of n entries.
hall::Connection open_as(HallServer& server, const std::string& role) {
  server.add_counter_role(role);
  return hall::Connection::open(server.conninfo(role));
}
struct OneCounter {
  explicit OneCounter(int n) : w01(open_as(server, "counter_w01")), local(dir / "w01.db", "W01") {
    w01.join(kW01, kKey1);
    for (int i = 1; i <= n; ++i) local.append(i, test::hall_time(i));
  }
  HallServer server;
  hall::Connection w01;
  TempDir dir;
  LocalCounter local;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(hall_schema)

BOOST_AUTO_TEST_CASE(migrations_apply_once_and_open_checks_the_version) {
  HallServer server;
  BOOST_TEST(hall::expected_schema_version() == 3);
  BOOST_TEST(hall::Connection::migrate(server.conninfo()) == 3);   // again: nothing to do
  BOOST_TEST(server.value("SELECT count(*) FROM hall.schema_version") == "3");
  // 002: the review by teller has its own index.
  BOOST_TEST(server.value("SELECT count(*) FROM pg_indexes WHERE indexname = 'entries_review_staff'") == "1");
  // 003: the accepting triggers plan their lookups with sequential scans off.
  BOOST_TEST(server.value("SELECT count(*) FROM pg_proc WHERE pronamespace = 'hall'::regnamespace AND "
                          "proconfig @> ARRAY['enable_seqscan=off']") == "4");
  BOOST_CHECK_NO_THROW(hall::Connection::open(server.conninfo()));
  // A database without the schema, and one of a newer version, are refused by open().
  BOOST_TEST(server.sql("CREATE DATABASE empty").empty());
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo("postgres", "empty")); }) ==
             codes::hall_schema_mismatch);
  BOOST_TEST(server.sql("INSERT INTO hall.schema_version (version) VALUES (4)").empty());
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo()); }) == codes::hall_schema_mismatch);
  BOOST_TEST(code_of([&] { hall::Connection::migrate(server.conninfo()); }) == codes::hall_schema_mismatch);
}

BOOST_AUTO_TEST_CASE(bad_connection_strings_and_refusing_servers_get_clear_errors) {
  HallServer server;
  BOOST_TEST(code_of([] { hall::Connection::open("host=/tmp port=notaport ==="); }) == codes::hall_bad_conninfo);
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo() + "&password=secret-pw"); }) ==
             codes::hall_bad_conninfo);
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo(), "/nonexistent/pgpass"); }) ==
             codes::hall_bad_conninfo);
  TempDir empty("certdesk-nohall");
  BOOST_TEST(code_of([&] { hall::Connection::open("postgresql:///certdesk?host=" + empty.path().string()); }) ==
             codes::hall_unreachable);
  // The server answers but refuses: a role it does not know.
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo("intruder")); }) == codes::hall_unreachable);
}

BOOST_AUTO_TEST_CASE(a_password_comes_from_its_file_only) {
  HallServer server;
  BOOST_TEST(server.sql("CREATE ROLE counter_pw LOGIN PASSWORD 'secret-pw' IN ROLE certdesk_counter").empty());
  // Password authentication for this role only (the fixture's cluster trusts the others).
  const auto hba = server.dir() / "data" / "pg_hba.conf";
  const std::string old = test::read_file(hba);
  test::write_file(hba, "local all counter_pw scram-sha-256\n" + old);
  BOOST_TEST(server.sql("SELECT pg_reload_conf()").empty());
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo("counter_pw")); }) == codes::hall_unreachable);
  const auto pass = test::write_file(server.dir() / "pgpass", "*:*:*:counter_pw:secret-pw\n");
  BOOST_CHECK_NO_THROW(hall::Connection::open(server.conninfo("counter_pw"), pass.string()));
  const auto wrong = test::write_file(server.dir() / "pgpass-wrong", "*:*:*:counter_pw:not-it\n");
  BOOST_TEST(code_of([&] { hall::Connection::open(server.conninfo("counter_pw"), wrong.string()); }) ==
             codes::hall_unreachable);
}

BOOST_AUTO_TEST_CASE(a_workstation_code_belongs_to_the_counter_that_joined_with_it) {
  HallServer server;
  server.add_counter_role("counter_w01");
  server.add_counter_role("counter_w02");
  auto w01 = hall::Connection::open(server.conninfo("counter_w01"));
  auto w02 = hall::Connection::open(server.conninfo("counter_w02"));
  w01.join(kW01, kKey1);
  BOOST_CHECK_NO_THROW(w01.join(kW01, kKey1));   // rejoin with the same key
  BOOST_TEST(code_of([&] { w02.join(kW01, kKey2); }) == codes::workstation_taken);
  BOOST_TEST(server.value("SELECT fingerprint FROM hall.workstations WHERE code = 'W01'") == kKey1);
  w02.join(kW02, kKey2);
  // W02's role cannot extend W01's chain, even with entries that would link.
  TempDir dir;
  LocalCounter local(dir / "w01.db", "W01");
  local.append(1, test::hall_time(0));
  BOOST_TEST(code_of([&] { w02.ship(kW01, local.all(), test::hall_time(1)); }) == codes::hall_refused);
  BOOST_TEST(code_of([&] { w02.remote_head({"BJ01", "W09"}); }) == codes::hall_refused);
  BOOST_TEST(w01.ship(kW01, local.all(), test::hall_time(1)).accepted == 1);
}

BOOST_AUTO_TEST_CASE(the_counters_role_may_insert_and_nothing_else) {
  OneCounter f(6);
  auto& [server, w01, dir, local] = f;
  BOOST_TEST(w01.ship(kW01, local.all(), test::hall_time(7)).accepted == 6);
  w01.ship_receipt(kW01, {local.all()[2].record.receipt_no, 3, "cash", 5000});
  const std::pair<std::string, std::string> tables[] = {
      {"entries", "amount_fen = 1"}, {"receipts", "amount_fen = 1"}, {"day_closes", "closed_by = 'x'"},
      {"hall_closes", "closed_by = 'x'"}, {"contacts", "shipped = 0"}, {"workstations", "code = code"},
      {"branches", "code = code"}, {"day_totals", "entry_count = 0"}};
  for (const auto& [t, set] : tables) {
    const std::string table = "hall." + t;
    BOOST_TEST_CONTEXT(table) {
      // As the counter: no privilege at all.
      BOOST_TEST(server.sql("UPDATE " + table + " SET " + set, "counter_w01") == "42501");
      BOOST_TEST(server.sql("DELETE FROM " + table, "counter_w01") == "42501");
      BOOST_TEST(server.sql("TRUNCATE " + table + " CASCADE", "counter_w01") == "42501");
    }
  }
  // As the owner (here the superuser, with triggers on): the triggers refuse.
  BOOST_TEST(server.sql("UPDATE hall.entries SET amount_fen = 1 WHERE seq = 3") == "CDR01");
  BOOST_TEST(server.sql("DELETE FROM hall.entries WHERE seq = 6") == "CDR01");
  BOOST_TEST(server.sql("TRUNCATE hall.entries CASCADE") == "CDR01");
  BOOST_TEST(server.sql("DELETE FROM hall.receipts") == "CDR01");
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "6");
  BOOST_TEST(server.value("SELECT sum(amount_fen) FROM hall.entries") == "10000");
}

BOOST_AUTO_TEST_CASE(the_server_accepts_only_what_extends_its_chain) {
  OneCounter f(4);
  auto& [server, w01, dir, local] = f;
  auto all = local.all();
  const std::string ws = server.value("SELECT id FROM hall.workstations WHERE code = 'W01'");
  const std::int64_t id = std::stoll(ws);
  const std::string zeros(64, '0');
  // Raw SQL as the counter's role: the triggers, not the client, refuse.
  BOOST_TEST(server.sql(raw_insert(id, all[1], all[1].hash, all[1].prev_hash), "counter_w01") == "CDG01");
  BOOST_TEST(server.sql(raw_insert(id, all[0], std::string(64, 'a'), zeros), "counter_w01") == "CDH01");
  BOOST_TEST(server.sql(raw_insert(id, all[0], all[0].hash, std::string(64, 'b')), "counter_w01") == "CDL01");
  db::JournalEntry lying = all[0];
  lying.record.amount_fen = 99;   // the columns the reports read say 99 fen, the hashed bytes nothing
  BOOST_TEST(server.sql(raw_insert(id, lying, all[0].hash, zeros, &all[0]), "counter_w01") == "CDB01");
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "0");
  BOOST_TEST(server.sql(raw_insert(id, all[0], all[0].hash, zeros), "counter_w01").empty());
  // The same entry again is a no-op; another entry 1 is a conflict.
  BOOST_TEST(server.sql(raw_insert(id, all[0], all[0].hash, zeros), "counter_w01").empty());
  db::JournalEntry other = all[0];
  other.record.staff = "mallory";
  other.hash = db::Journal::entry_hash(other);
  BOOST_TEST(server.sql(raw_insert(id, other, other.hash, zeros), "counter_w01") == "CDC01");
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "1");
  // Through the client: resending is idempotent, a gap and a conflict are named.
  auto r = w01.ship(kW01, all, test::hall_time(5));
  BOOST_TEST(r.accepted == 3);
  BOOST_TEST(r.duplicates == 1);
  BOOST_TEST(r.head_seq == 4);
  BOOST_TEST(r.head_hash == all[3].hash);
  r = w01.ship(kW01, all, test::hall_time(6));
  BOOST_TEST(r.accepted == 0);
  BOOST_TEST(r.duplicates == 4);
  local.append(5, test::hall_time(7));
  local.append(6, test::hall_time(8));
  BOOST_TEST(code_of([&] { w01.ship(kW01, local.after(5), test::hall_time(9)); }) == codes::hall_gap);
  std::vector<db::JournalEntry> forged = local.all();
  forged[1].record.amount_fen = 1;
  forged[1].hash = db::Journal::entry_hash(forged[1]);
  BOOST_TEST(code_of([&] { w01.ship(kW01, forged, test::hall_time(9)); }) == codes::hall_conflict);
  BOOST_TEST(w01.remote_head(kW01).count == 4);   // nothing of the refused batches stored
  BOOST_TEST(w01.ship(kW01, local.after(4), test::hall_time(9)).accepted == 2);
  BOOST_TEST(w01.remote_head(kW01).hash == local.journal.head().hash);
}

BOOST_AUTO_TEST_CASE(receipts_and_day_closes_are_pinned_to_shipped_entries) {
  HallServer server;
  server.add_counter_role("counter_w01");
  server.add_counter_role("counter_w02");
  auto w01 = hall::Connection::open(server.conninfo("counter_w01"));
  auto w02 = hall::Connection::open(server.conninfo("counter_w02"));
  w01.join(kW01, kKey1);
  w02.join(kW02, kKey2);
  TempDir dir;
  LocalCounter local(dir / "w01.db", "W01");
  for (int i = 1; i <= 3; ++i) local.append(i, test::hall_time(i));
  const auto all = local.all();
  const hall::Receipt receipt{all[2].record.receipt_no, 3, "cash", 5000};
  BOOST_TEST(code_of([&] { w01.ship_receipt(kW01, receipt); }) == codes::hall_refused);   // entry not shipped yet
  w01.ship(kW01, all, test::hall_time(4));
  w01.ship_receipt(kW01, receipt);
  BOOST_CHECK_NO_THROW(w01.ship_receipt(kW01, receipt));   // resent: no-op
  BOOST_TEST(code_of([&] { w01.ship_receipt(kW01, {receipt.receipt_no, 3, "card", 5000}); }) == codes::hall_conflict);
  // An amount the journal entry does not carry is refused before any comparison.
  BOOST_TEST(code_of([&] { w01.ship_receipt(kW01, {receipt.receipt_no, 3, "cash", 500}); }) == codes::hall_refused);
  BOOST_TEST(server.value("SELECT method || amount_fen FROM hall.receipts") == "cash5000");

  db::DayCloseRecord close;
  close.business_day = "2026-12-01";
  close.closed_utc = "2026-12-01T10:00:00Z";
  close.closed_by = "zhao.min";
  close.entry_count = 3;
  close.first_seq = 1;
  close.last_seq = 3;
  close.head_seq = 3;
  close.head_hash = all[2].hash;
  close.statement = "day 2026-12-01 head 3 " + all[2].hash;
  close.statement_sha256 = crypto::sha256_hex(close.statement);
  close.signature = {1, 2, 3};
  close.signer_kind = "supervisor";
  close.signer_cert = {4, 5, 6};
  db::DayCloseRecord wrong = close;
  wrong.head_hash = all[1].hash;
  BOOST_TEST(code_of([&] { w01.ship_day_close(kW01, wrong); }) == codes::hall_refused);
  w01.ship_day_close(kW01, close);
  BOOST_CHECK_NO_THROW(w01.ship_day_close(kW01, close));
  wrong = close;
  wrong.statement += " (redone)";
  wrong.statement_sha256 = crypto::sha256_hex(wrong.statement);
  BOOST_TEST(code_of([&] { w01.ship_day_close(kW01, wrong); }) == codes::hall_conflict);

  // Hall closes chain per branch; removing one is found by verify_all.
  hall::HallClose hc{0, "2026-12-01", "2026-12-01T11:00:00Z", "zhao.min", "W01 3 " + all[2].hash, {7}, {8}, "", ""};
  const auto first = w01.close_hall_day("BJ01", hc);
  BOOST_TEST(first.seq == 1);
  BOOST_TEST(first.prev_hash == std::string(64, '0'));
  hc.business_day = "2026-12-02";
  const auto second = w02.close_hall_day("BJ01", hc);
  BOOST_TEST(second.seq == 2);
  BOOST_TEST(second.prev_hash == first.hash);
  for (const auto& v : w01.verify_all()) BOOST_TEST(v.ok, v.message);
  BOOST_TEST(server.sql("SET session_replication_role = replica; DELETE FROM hall.hall_closes WHERE seq = 1").empty());
  bool found = false;
  for (const auto& v : w01.verify_all())
    if (v.problem == "hall-close") found = v.first_bad_seq == 2 && v.counter.branch == "BJ01";
  BOOST_TEST(found);
}

// A stuck or busy server cannot hold a counter's command: every statement of the client's
// connection is bounded on the server (statement_timeout, lock_timeout: hall/pg.h), the
// failure is "unreachable" (6001) with nothing stored, and the next attempt ships it all.
BOOST_AUTO_TEST_CASE(every_statement_is_bounded_on_the_server) {
  OneCounter f(12);
  auto& [server, w01, dir, local] = f;
  const auto all = local.all();
  BOOST_TEST_REQUIRE(w01.ship(kW01, {all.begin(), all.begin() + 4}, test::hall_time(4)).accepted == 4);
  const std::vector<db::JournalEntry> rest(all.begin() + 4, all.end());
  const auto failing = [&](const std::string& sqlstate) {
    const auto t = std::chrono::steady_clock::now();
    std::string code = "no error", state;
    try {
      w01.ship(kW01, rest, test::hall_time(12));
    } catch (const hall::HallError& e) {
      code = e.code();
      state = e.sqlstate();
    }
    const auto took = std::chrono::steady_clock::now() - t;
    BOOST_TEST(code == codes::hall_unreachable);
    BOOST_TEST(state == sqlstate);
    BOOST_TEST(took < std::chrono::seconds(8));   // the bound (2 s / 3 s) plus a loaded machine's slack
  };
  {  // Another session holds the entries table: the ship waits for the lock at most lock_timeout.
    using ConnPtr = std::unique_ptr<PGconn, CFree<PQfinish>>;
    ConnPtr holder(PQconnectdb(server.conninfo().c_str()));
    BOOST_TEST_REQUIRE(PQstatus(holder.get()) == CONNECTION_OK);
    std::unique_ptr<PGresult, CFree<PQclear>> r(
        PQexec(holder.get(), "BEGIN; LOCK TABLE hall.entries IN ACCESS EXCLUSIVE MODE"));
    BOOST_TEST_REQUIRE(PQresultStatus(r.get()) == PGRES_COMMAND_OK);
    failing("55P03");
  }   // the holder's connection closes: the lock goes
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "4");   // nothing of the batch stored
  // A server that takes too long over a statement (a trigger that sleeps): statement_timeout.
  BOOST_TEST_REQUIRE(server.sql("CREATE FUNCTION hall.stall() RETURNS trigger LANGUAGE plpgsql AS "
                                "$$ BEGIN PERFORM pg_sleep(20); RETURN NEW; END $$; "
                                "CREATE TRIGGER stall BEFORE INSERT ON hall.contacts FOR EACH ROW "
                                "EXECUTE FUNCTION hall.stall()") == "");
  failing("57014");
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "4");
  BOOST_TEST_REQUIRE(server.sql("DROP TRIGGER stall ON hall.contacts; DROP FUNCTION hall.stall()") == "");
  // The same connection carries on: the backlog ships whole.
  BOOST_TEST(w01.ship(kW01, rest, test::hall_time(12)).accepted == static_cast<std::int64_t>(rest.size()));
  BOOST_TEST(server.value("SELECT count(*) FROM hall.entries") == "12");
}

BOOST_AUTO_TEST_SUITE_END()
