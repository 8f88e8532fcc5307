// certdesk_add_test defines BOOST_TEST_MODULE for every source; only test_database.cpp
// may generate main() and the module's init, so the other files drop it.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <limits>
#include <set>

#include "common/error.h"
#include "common/i18n.h"
#include "db/journal.h"
#include "db/testing.h"
#include "tests/db/db_fixture.h"

using namespace certdesk;
using certdesk::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kZeros(64, '0');
const char* kDropTriggers =
    "DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; DROP TRIGGER journal_append_at_head; "
    "DROP TRIGGER journal_move_anchor;";

// A real journal file of n entries, closed again; returns the entries as appended.
std::vector<db::JournalEntry> make_journal(const fs::path& file, int n) {
  std::vector<db::JournalEntry> out;
  auto db = db::Database::open(file, true);
  db::Journal journal(db, "ws-01", 480);
  for (int i = 1; i <= n; ++i) {
    db::Transaction tx(db);
    out.push_back(journal.append(test::sample_record(i), test::sample_time(i * 7)));
    tx.commit();
  }
  return out;
}

db::VerifyReport verify_file(const fs::path& file) {
  auto db = db::Database::open(file);
  db::Journal journal(db, "ws-01", 480);
  return journal.verify();
}

void expect_bad(const db::VerifyReport& r, std::int64_t seq, const std::string& problem) {
  BOOST_TEST_MESSAGE(r.problem << " @" << (r.first_bad_seq ? *r.first_bad_seq : -1) << ": " << r.message);
  BOOST_TEST(!r.ok);
  BOOST_TEST_REQUIRE(r.first_bad_seq.has_value(), r.message);
  BOOST_TEST(*r.first_bad_seq == seq, r.message);
  BOOST_TEST(r.problem == problem, r.message);
  BOOST_TEST(r.message.find(std::to_string(seq)) != std::string::npos);
  BOOST_TEST(r.message.find(problem == "reordered" ? "swapped" : problem == "truncated" ? "cut off" : problem) !=
             std::string::npos, r.message);
}

// Swaps the seqs of two rows (whole rows move, each keeps its content and hashes).
std::string sql_swap_rows(int k) {
  const std::string a = std::to_string(k), b = std::to_string(k + 1);
  return "UPDATE journal SET seq = -1 WHERE seq = " + a + "; UPDATE journal SET seq = " + a + " WHERE seq = " + b +
         "; UPDATE journal SET seq = " + b + " WHERE seq = -1;";
}

// Shifts rows from seq k on up by `by` (negative: down), without colliding on the primary key.
std::string sql_shift(int k, int by) {
  return "UPDATE journal SET seq = -(seq + (" + std::to_string(by) + ")) WHERE seq >= " + std::to_string(k) +
         "; UPDATE journal SET seq = -seq WHERE seq < 0;";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(journal)

BOOST_AUTO_TEST_CASE(append_builds_a_chain) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  BOOST_TEST(journal.head().count == 0);
  BOOST_TEST(journal.head().hash == kZeros);
  std::string prev = kZeros;
  for (int i = 1; i <= 5; ++i) {
    db::Transaction tx(db);
    auto e = journal.append(test::sample_record(i), test::sample_time(i));
    tx.commit();
    BOOST_TEST(e.seq == i);
    BOOST_TEST(e.prev_hash == prev);
    BOOST_TEST(e.hash.size() == 64u);
    BOOST_TEST(e.hash == db::Journal::entry_hash(e));
    BOOST_TEST(e.workstation == "ws-01");
    BOOST_TEST(e.utc_time == "2026-11-22T03:" + std::to_string(14 + i) + ":00Z");
    BOOST_TEST(e.business_day == "2026-11-22");
    prev = e.hash;
  }
  BOOST_TEST(journal.head().count == 5);
  BOOST_TEST(journal.head().hash == prev);
  auto report = journal.verify();
  BOOST_TEST(report.ok, report.message);
  BOOST_TEST(report.checked == 5);
  BOOST_TEST(!report.first_bad_seq.has_value());
}

BOOST_AUTO_TEST_CASE(a_lone_append_is_its_own_autocommit) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  journal.append(test::sample_record(1), test::sample_time());
  BOOST_TEST(journal.head().count == 1);
}

BOOST_AUTO_TEST_CASE(a_rolled_back_append_leaves_no_trace) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  journal.append(test::sample_record(1), test::sample_time());
  const auto head = journal.head();
  {
    db::Transaction tx(db);
    journal.append(test::sample_record(2), test::sample_time(1));
  }
  BOOST_TEST(journal.head().count == head.count);
  BOOST_TEST(journal.head().hash == head.hash);
  auto e = journal.append(test::sample_record(3), test::sample_time(2));
  BOOST_TEST(e.seq == 2);
  BOOST_TEST(journal.verify().ok);
}

BOOST_AUTO_TEST_CASE(stored_entries_read_back_exactly) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  std::vector<db::JournalEntry> appended;
  for (int i = 1; i <= 6; ++i) appended.push_back(journal.append(test::sample_record(i), test::sample_time(i)));
  auto day = journal.entries_of_day("2026-11-22");
  BOOST_TEST_REQUIRE(day.size() == appended.size());
  for (std::size_t i = 0; i < day.size(); ++i) {
    BOOST_TEST(db::Journal::canonical_bytes(day[i]) == db::Journal::canonical_bytes(appended[i]));
    BOOST_TEST(day[i].hash == appended[i].hash);
    BOOST_TEST(day[i].prev_hash == appended[i].prev_hash);
  }
  auto order = journal.entries_of_order(103);  // sample 3 has order 103
  BOOST_TEST_REQUIRE(order.size() == 1u);
  BOOST_TEST(order[0].seq == 3);
  BOOST_TEST(order[0].record.amount_fen.value() == 15000);
}

BOOST_AUTO_TEST_CASE(business_day_follows_the_branch_offset) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  using namespace std::chrono;
  const Seconds late_utc = sys_days{year{2026} / November / 22} + hours{17};  // 01:00 on the 23rd in Beijing
  auto e = journal.append(test::sample_record(1), late_utc);
  BOOST_TEST(e.business_day == "2026-11-23");
  BOOST_TEST(e.utc_time == "2026-11-22T17:00:00Z");
  BOOST_TEST(journal.entries_of_day("2026-11-23").size() == 1u);
  BOOST_TEST(journal.entries_of_day("2026-11-22").empty());
}

BOOST_AUTO_TEST_CASE(entries_of_day_reads_across_pages) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  db::Transaction tx(db);
  for (int i = 0; i < 1203; ++i) journal.append(test::sample_record(i), test::sample_time(i % 600));
  tx.commit();
  auto day = journal.entries_of_day("2026-11-22");
  BOOST_TEST(day.size() == 1203u);
  for (std::size_t i = 0; i < day.size(); ++i) BOOST_TEST_REQUIRE(day[i].seq == static_cast<std::int64_t>(i + 1));
}

BOOST_AUTO_TEST_CASE(canonical_bytes_are_unambiguous) {
  db::JournalEntry a;
  a.seq = 7;
  a.record.staff = "ab";
  a.record.action = "c";
  db::JournalEntry b = a;
  b.record.staff = "a";
  b.record.action = "bc";
  BOOST_TEST(db::Journal::canonical_bytes(a) != db::Journal::canonical_bytes(b));

  db::JournalEntry absent = a, zero = a;
  zero.record.amount_fen = 0;
  BOOST_TEST(db::Journal::canonical_bytes(absent) != db::Journal::canonical_bytes(zero));
  zero = a;
  zero.record.order_id = 0;
  BOOST_TEST(db::Journal::canonical_bytes(absent) != db::Journal::canonical_bytes(zero));
  db::JournalEntry amount = a, order = a;
  amount.record.amount_fen = 5;
  order.record.order_id = 5;
  BOOST_TEST(db::Journal::canonical_bytes(amount) != db::Journal::canonical_bytes(order));

  // Every covered field changes the bytes; the hash fields do not.
  std::set<std::string> seen{db::Journal::canonical_bytes(a)};
  auto differs = [&](db::JournalEntry e) { return seen.insert(db::Journal::canonical_bytes(e)).second; };
  db::JournalEntry e = a;
  e.seq = 8; BOOST_TEST(differs(e)); e = a;
  e.utc_time = "x"; BOOST_TEST(differs(e)); e = a;
  e.business_day = "x"; BOOST_TEST(differs(e)); e = a;
  e.workstation = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.organisation = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.token_serial = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.cert_serial = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.receipt_no = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.outcome = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.details = "x"; BOOST_TEST(differs(e)); e = a;
  e.record.flow = "x"; BOOST_TEST(differs(e)); e = a;
  e.hash = "x";
  e.prev_hash = "y";
  BOOST_TEST(db::Journal::canonical_bytes(e) == db::Journal::canonical_bytes(a));
}

BOOST_AUTO_TEST_CASE(triggers_refuse_update_delete_and_out_of_place_insert) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  for (int i = 1; i <= 3; ++i) journal.append(test::sample_record(i), test::sample_time(i));
  BOOST_CHECK_THROW(db::testing::exec(db, "UPDATE journal SET details = 'x' WHERE seq = 2"), DbError);
  BOOST_CHECK_THROW(db::testing::exec(db, "DELETE FROM journal WHERE seq = 3"), DbError);
  BOOST_CHECK_THROW(db::testing::exec(db, "DELETE FROM journal"), DbError);
  BOOST_CHECK_THROW(db::testing::exec(db, "UPDATE journal_anchor SET count = 2"), DbError);
  BOOST_CHECK_THROW(db::testing::exec(db, "DELETE FROM journal_anchor"), DbError);
  auto entries = journal.entries_of_day("2026-11-22");
  db::JournalEntry forged = entries[1];
  forged.seq = 9;  // not the head
  forged.hash = db::Journal::entry_hash(forged);
  BOOST_CHECK_THROW(db::testing::exec(db, test::sql_insert_entry(forged)), DbError);
  forged.seq = 4;  // at the head, but not chained to it
  forged.hash = db::Journal::entry_hash(forged);
  BOOST_CHECK_THROW(db::testing::exec(db, test::sql_insert_entry(forged)), DbError);
  BOOST_TEST(journal.head().count == 3);
  BOOST_TEST(journal.verify().ok);
}

BOOST_AUTO_TEST_CASE(triggers_refuse_the_sqlite3_tool_too) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_journal(file, 3);
  auto r = test::run({"/usr/bin/sqlite3", file.string(), "UPDATE journal SET details = 'x' WHERE seq = 2;"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.err.find("append-only") != std::string::npos, r.err);
  r = test::run({"/usr/bin/sqlite3", file.string(), "DELETE FROM journal WHERE seq = 3;"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(verify_file(file).ok);
}

BOOST_AUTO_TEST_CASE(review_queries_use_the_journal_indexes) {
  auto db = db::Database::in_memory();
  auto plan = [&](const std::string& sql) {
    std::string out;
    for (const std::string& step : db::testing::query_column(db, "EXPLAIN QUERY PLAN " + sql, 3)) out += step + "\n";
    return out;
  };
  BOOST_TEST(plan("SELECT seq FROM journal WHERE business_day = '2026-11-22' AND outcome <> '0000'")
                 .find("journal_day_exceptions") != std::string::npos);
  BOOST_TEST(plan("SELECT seq FROM journal WHERE business_day = '2026-11-22' AND staff = 'li.na'")
                 .find("journal_day_staff") != std::string::npos);
  BOOST_TEST(plan("SELECT seq FROM journal WHERE business_day = '2026-11-22' AND seq > 0 ORDER BY seq")
                 .find("journal_day_staff") != std::string::npos);
  BOOST_TEST(plan("SELECT seq FROM journal WHERE order_id = 7 ORDER BY seq").find("journal_order") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(verify_reports_progress) {
  auto db = db::Database::in_memory();
  db::Journal journal(db, "ws-01", 480);
  db::Transaction tx(db);
  for (int i = 0; i < 2500; ++i) journal.append(test::sample_record(i), test::sample_time());
  tx.commit();
  std::vector<std::pair<std::int64_t, std::int64_t>> calls;
  auto report = journal.verify([&](std::int64_t done, std::int64_t total) { calls.emplace_back(done, total); });
  BOOST_TEST(report.ok);
  BOOST_TEST(report.checked == 2500);
  BOOST_TEST_REQUIRE(calls.size() >= 3u);
  BOOST_TEST(calls.back().first == 2500);
  BOOST_TEST(calls.back().second == 2500);
}

// ---- tampering, done with the sqlite3 tool on a real file --------------------------

// Entries with every kind of value the encoder meets (absent and negative
// integers, empty, multi-byte and NUL-holding text, a long detail): the fast
// pass accepts them all, on a file and in memory, so it never hands an intact
// entry to the careful walk.
BOOST_AUTO_TEST_CASE(the_fast_pass_accepts_an_intact_journal_entirely) {
  std::vector<db::JournalRecord> records;
  for (int i = 1; i <= 30; ++i) records.push_back(test::sample_record(i));
  db::JournalRecord odd;
  odd.staff = "";
  odd.action = "payment";
  odd.order_id = -1;
  odd.amount_fen = std::numeric_limits<std::int64_t>::min();
  odd.details = std::string("a\0b", 3) + std::string(70000, 'x');
  odd.organisation = "北京示例科技有限公司";
  records.push_back(odd);
  odd.order_id = std::numeric_limits<std::int64_t>::max();
  odd.amount_fen.reset();
  odd.details.clear();
  records.push_back(odd);
  TempDir dir;
  auto file_db = db::Database::open(dir / "certdesk.db", true);
  auto memory_db = db::Database::in_memory();
  for (db::Database* db : {&file_db, &memory_db}) {
    db::Journal journal(*db, "ws-01", 480);
    int i = 0;
    for (const auto& r : records) journal.append(r, test::sample_time(++i));
    const db::VerifyReport rep = journal.verify();
    BOOST_TEST(rep.ok, rep.message);
    BOOST_TEST(rep.checked == static_cast<std::int64_t>(records.size()));
    BOOST_TEST(rep.fast_accepted == rep.checked);
    // What the fast pass hashed is what append stored: each stored hash is
    // SHA-256 of prev_hash ‖ canonical_bytes of the entry read back.
    for (const auto& e : journal.entries_of_day("2026-11-22")) BOOST_TEST(db::Journal::entry_hash(e) == e.hash);
  }
}

BOOST_AUTO_TEST_CASE(an_untouched_file_verifies) {
  TempDir dir;
  make_journal(dir / "certdesk.db", 12);
  auto r = verify_file(dir / "certdesk.db");
  BOOST_TEST(r.ok, r.message);
  BOOST_TEST(r.checked == 12);
}

BOOST_AUTO_TEST_CASE(a_changed_field_is_reported_as_changed) {
  for (int k : {1, 5, 12}) {
    TempDir dir;
    const fs::path file = dir / "certdesk.db";
    make_journal(file, 12);
    test::sqlite3_tool(file, std::string(kDropTriggers) + " UPDATE journal SET details = 'nothing happened' WHERE seq = " +
                                 std::to_string(k) + ";");
    auto r = verify_file(file);
    expect_bad(r, k, "changed");
    BOOST_TEST(r.message == "entry " + std::to_string(k) + " was changed (it no longer matches its hash); entries from " +
                                std::to_string(k) + " on cannot be trusted");
  }
}

BOOST_AUTO_TEST_CASE(a_changed_amount_type_is_reported_as_changed) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_journal(file, 6);  // entry 3 has amount 15000, which 15000.25 still reads as
  test::sqlite3_tool(file, std::string(kDropTriggers) + " UPDATE journal SET amount_fen = 15000.25 WHERE seq = 3;");
  expect_bad(verify_file(file), 3, "changed");
}

BOOST_AUTO_TEST_CASE(a_changed_entry_with_recomputed_hash_is_reported_as_changed) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  auto entries = make_journal(file, 10);
  db::JournalEntry e = entries[4];  // seq 5
  e.record.amount_fen = 1;
  e.hash = db::Journal::entry_hash(e);
  test::sqlite3_tool(file, std::string(kDropTriggers) + " UPDATE journal SET amount_fen = 1, hash = '" + e.hash +
                               "' WHERE seq = 5;");
  expect_bad(verify_file(file), 5, "changed");
}

BOOST_AUTO_TEST_CASE(the_verdict_reads_in_the_default_language) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_journal(file, 8);
  test::sqlite3_tool(file, std::string(kDropTriggers) + " UPDATE journal SET details = 'x' WHERE seq = 5; "
                                                        "DELETE FROM journal WHERE seq = 7;");
  setenv("CERTDESK_LANG", "zh_CN", 1);
  init_language();
  auto r = verify_file(file);
  setenv("CERTDESK_LANG", "en", 1);
  init_language();
  BOOST_TEST(r.problem == "changed");   // the problem stays a code
  BOOST_TEST(r.message == "第 5 条被修改（与其哈希不再相符）；第 5 条起的记录均不可信");
}

BOOST_AUTO_TEST_CASE(a_deleted_entry_is_reported_as_removed) {
  for (int k : {1, 4, 11}) {
    TempDir dir;
    const fs::path file = dir / "certdesk.db";
    make_journal(file, 12);
    test::sqlite3_tool(file, std::string(kDropTriggers) + " DELETE FROM journal WHERE seq = " + std::to_string(k) + ";");
    expect_bad(verify_file(file), k, "removed");
  }
}

BOOST_AUTO_TEST_CASE(a_deleted_entry_with_later_ones_renumbered_is_reported_as_removed) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_journal(file, 12);
  test::sqlite3_tool(file, std::string(kDropTriggers) + " DELETE FROM journal WHERE seq = 6; " + sql_shift(7, -1));
  expect_bad(verify_file(file), 6, "removed");
}

BOOST_AUTO_TEST_CASE(a_forged_entry_inserted_with_renumbering_is_reported_as_inserted) {
  for (int k : {1, 4, 12}) {
    TempDir dir;
    const fs::path file = dir / "certdesk.db";
    auto entries = make_journal(file, 12);
    // The attacker forges a well-hashed entry chained to entry k-1 and shifts the rest up.
    db::JournalEntry forged = entries[static_cast<std::size_t>(k - 1)];
    forged.seq = k;
    forged.prev_hash = k == 1 ? kZeros : entries[static_cast<std::size_t>(k - 2)].hash;
    forged.record.action = "payment";
    forged.record.amount_fen = 1;
    forged.record.details = "refund";
    forged.hash = db::Journal::entry_hash(forged);
    test::sqlite3_tool(file, std::string(kDropTriggers) + " " + sql_shift(k, +1) + " " +
                                 test::sql_insert_entry(forged));
    expect_bad(verify_file(file), k, "inserted");
  }
}

BOOST_AUTO_TEST_CASE(a_forged_entry_with_a_wrong_hash_is_reported_as_inserted) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  auto entries = make_journal(file, 12);
  db::JournalEntry forged = entries[5];  // copies entry 6's hashes, changes its content
  forged.record.details = "forged";
  test::sqlite3_tool(file, std::string(kDropTriggers) + " " + sql_shift(6, +1) + " " + test::sql_insert_entry(forged));
  expect_bad(verify_file(file), 6, "inserted");
}

BOOST_AUTO_TEST_CASE(an_entry_appended_behind_the_anchor_is_reported_as_inserted) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  auto entries = make_journal(file, 5);
  db::JournalEntry forged = entries[4];
  forged.seq = 6;
  forged.prev_hash = entries[4].hash;
  forged.hash = db::Journal::entry_hash(forged);
  test::sqlite3_tool(file, std::string(kDropTriggers) + " " + test::sql_insert_entry(forged));
  expect_bad(verify_file(file), 6, "inserted");
}

BOOST_AUTO_TEST_CASE(two_swapped_entries_are_reported_as_reordered) {
  for (int k : {1, 6, 11}) {
    TempDir dir;
    const fs::path file = dir / "certdesk.db";
    make_journal(file, 12);
    test::sqlite3_tool(file, std::string(kDropTriggers) + " " + sql_swap_rows(k));
    expect_bad(verify_file(file), k, "reordered");
  }
}

BOOST_AUTO_TEST_CASE(two_swapped_contents_with_hashes_kept_are_reported_as_reordered) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_journal(file, 12);
  const char* cols =
      "utc_time, business_day, workstation, staff, action, order_id, organisation, token_serial, cert_serial, "
      "amount_fen, receipt_no, outcome, details, flow";
  test::sqlite3_tool(file, std::string(kDropTriggers) + " CREATE TEMP TABLE t AS SELECT * FROM journal WHERE seq IN (7, 8); " +
                               "UPDATE journal SET (" + cols + ") = (SELECT " + cols +
                               " FROM t WHERE t.seq = 15 - journal.seq) WHERE seq IN (7, 8);");
  expect_bad(verify_file(file), 7, "reordered");
}

BOOST_AUTO_TEST_CASE(a_cut_off_tail_is_reported_as_truncated) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  make_journal(file, 12);
  test::sqlite3_tool(file, std::string(kDropTriggers) + " DELETE FROM journal WHERE seq = 12;");
  auto r = verify_file(file);
  expect_bad(r, 12, "truncated");
  BOOST_TEST(r.checked == 11);

  test::sqlite3_tool(file, "DELETE FROM journal WHERE seq > 8;");
  expect_bad(verify_file(file), 9, "truncated");
}

BOOST_AUTO_TEST_CASE(a_replaced_last_entry_is_reported_as_changed) {
  TempDir dir;
  const fs::path file = dir / "certdesk.db";
  auto entries = make_journal(file, 6);
  db::JournalEntry forged = entries[5];
  forged.record.details = "replaced";
  forged.hash = db::Journal::entry_hash(forged);
  test::sqlite3_tool(file, std::string(kDropTriggers) + " DELETE FROM journal WHERE seq = 6; " +
                               test::sql_insert_entry(forged));
  expect_bad(verify_file(file), 6, "changed");
}

// ---- a long journal: the fast pass reads it in two halves at once, in batches --------

namespace {

// 60 001 entries: above the length from which verify reads two halves over two
// connections (50 000), the halves meeting after entry 30 000; batches of 1 024.
constexpr int kLong = 60001;
constexpr int kMid = kLong / 2;

// The long journal, built once (one transaction) and copied for each case.
struct LongJournal {
  TempDir dir;
  fs::path file = dir / "certdesk.db";
  std::vector<db::JournalEntry> entries;
  LongJournal() {
    auto db = db::Database::open(file, true);
    db::Journal journal(db, "ws-01", 480);
    db::Transaction tx(db);
    for (int i = 1; i <= kLong; ++i) entries.push_back(journal.append(test::sample_record(i), test::sample_time(i)));
    tx.commit();
  }
  // A fresh copy in `to`, with the sql run on it by the sqlite3 tool.
  fs::path tampered(const TempDir& to, const std::string& sql) const {
    const fs::path copy = to / "certdesk.db";
    fs::copy_file(file, copy);
    if (!sql.empty()) test::sqlite3_tool(copy, std::string(kDropTriggers) + " " + sql);
    return copy;
  }
};

const LongJournal& long_journal() {
  static const LongJournal j;
  return j;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_long_journal_verifies_in_two_halves) {
  TempDir to;
  auto r = verify_file(long_journal().tampered(to, ""));
  BOOST_TEST(r.ok, r.message);
  BOOST_TEST(r.checked == kLong);
  // The fast pass (both halves) accepts every entry: its bytes are append's.
  BOOST_TEST(r.fast_accepted == kLong);
}

// A read-only copy (mode 0444, opened immutable) is read in two halves too,
// the second connection opened the same way: nothing is written beside it.
BOOST_AUTO_TEST_CASE(a_long_read_only_copy_verifies_entirely_in_the_fast_pass) {
  TempDir to;
  const fs::path copy = long_journal().tampered(to, "");
  fs::permissions(copy, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  {
    auto db = db::Database::open_readonly(copy);
    db::Journal journal(db, "ws-01", 480);
    const db::VerifyReport r = journal.verify();
    BOOST_TEST(r.ok, r.message);
    BOOST_TEST(r.checked == kLong);
    BOOST_TEST(r.fast_accepted == kLong);
  }
  BOOST_TEST(!fs::exists(copy.string() + "-shm"));
  BOOST_TEST(!fs::exists(copy.string() + "-wal"));
  fs::permissions(copy, fs::perms::owner_all);
}

BOOST_AUTO_TEST_CASE(a_long_journal_names_a_changed_entry_in_either_half_and_at_batch_edges) {
  for (int k : {1, 1024, 1025, kMid, kMid + 1, kMid + 2, kMid + 1024, kLong - 1, kLong}) {
    TempDir to;
    auto r = verify_file(long_journal().tampered(
        to, "UPDATE journal SET details = 'nothing happened' WHERE seq = " + std::to_string(k) + ";"));
    expect_bad(r, k, "changed");
    BOOST_TEST(r.checked == k);   // entries read, the bad one included
    BOOST_TEST(r.fast_accepted == k - 1);   // the fast pass stops right at it, in either half
  }
}

BOOST_AUTO_TEST_CASE(a_long_journal_names_removed_reordered_inserted_and_truncated_entries) {
  const LongJournal& j = long_journal();
  {
    TempDir to;
    expect_bad(verify_file(j.tampered(to, "DELETE FROM journal WHERE seq = " + std::to_string(kMid + 1) + ";")),
               kMid + 1, "removed");
  }
  {
    TempDir to;
    expect_bad(verify_file(j.tampered(to, "DELETE FROM journal WHERE seq = 2000; " + sql_shift(2001, -1))), 2000,
               "removed");
  }
  for (int k : {kMid - 1, kMid, kMid + 1}) {
    TempDir to;
    expect_bad(verify_file(j.tampered(to, sql_swap_rows(k))), k, "reordered");
  }
  {
    TempDir to;
    db::JournalEntry forged = j.entries[kMid];   // entry kMid + 1, re-chained in its own place
    forged.record.action = "payment";
    forged.record.amount_fen = 1;
    forged.record.details = "refund";
    forged.hash = db::Journal::entry_hash(forged);
    expect_bad(verify_file(j.tampered(to, sql_shift(kMid + 1, +1) + " " + test::sql_insert_entry(forged))), kMid + 1,
               "inserted");
  }
  {
    TempDir to;
    auto r = verify_file(j.tampered(to, "DELETE FROM journal WHERE seq > " + std::to_string(kLong - 10) + ";"));
    expect_bad(r, kLong - 9, "truncated");
    BOOST_TEST(r.checked == kLong - 10);
  }
}

BOOST_AUTO_TEST_SUITE_END()
