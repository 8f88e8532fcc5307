#include "tests/db/db_fixture.h"

// certdesk_add_test defines BOOST_TEST_MODULE for every source; only test_database.cpp
// may generate main() and the module's init, so the other files drop it.
#undef BOOST_TEST_MODULE
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

namespace certdesk::test {

void sqlite3_tool(const std::filesystem::path& file, const std::string& sql) {
  RunResult r = run({"/usr/bin/sqlite3", file.string(), sql});
  BOOST_TEST_REQUIRE(r.exit_code == 0, "sqlite3 failed: " << r.err << " for: " << sql);
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

Seconds sample_time(int minutes) {
  using namespace std::chrono;
  return sys_days{year{2026} / November / 22} + hours{3} + std::chrono::minutes{14 + minutes};
}

db::JournalRecord sample_record(int i) {
  db::JournalRecord r;
  r.staff = i % 2 ? "li.na" : "wang.wei";
  r.action = i % 3 ? "order.transition" : "payment";
  if (i % 2) r.order_id = 100 + i;
  r.organisation = "91110108MA01C8D24U";
  r.token_serial = "21000123" + std::to_string(i);
  r.cert_serial = i % 4 ? "" : "0a1b2c" + std::to_string(i);
  if (i % 3 == 0) r.amount_fen = 5000 * i;
  r.receipt_no = i % 3 == 0 ? "BJ01-2026-00000" + std::to_string(i) : "";
  r.outcome = i % 5 ? "0000" : "0116";
  r.details = "{\"step\":" + std::to_string(i) + ",\"note\":\"北京示例科技有限公司\"}";
  r.flow = "issue";
  return r;
}

std::string sql_text(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string sql_int(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "NULL"; }

std::string sql_insert_entry(const db::JournalEntry& e) {
  const auto& r = e.record;
  return "INSERT INTO journal (seq, utc_time, business_day, workstation, staff, action, order_id, organisation, "
         "token_serial, cert_serial, amount_fen, receipt_no, outcome, details, flow, prev_hash, hash) VALUES (" +
         std::to_string(e.seq) + ", " + sql_text(e.utc_time) + ", " + sql_text(e.business_day) + ", " +
         sql_text(e.workstation) + ", " + sql_text(r.staff) + ", " + sql_text(r.action) + ", " + sql_int(r.order_id) +
         ", " + sql_text(r.organisation) + ", " + sql_text(r.token_serial) + ", " + sql_text(r.cert_serial) + ", " +
         sql_int(r.amount_fen) + ", " + sql_text(r.receipt_no) + ", " + sql_text(r.outcome) + ", " +
         sql_text(r.details) + ", " + sql_text(r.flow) + ", " + sql_text(e.prev_hash) + ", " + sql_text(e.hash) +
         ");";
}

}  // namespace certdesk::test
