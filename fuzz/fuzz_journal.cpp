// The journal (db/journal.h): entries made of any bytes (NUL, bad UTF-8, huge
// or negative numbers) are appended to an in-memory database, and then the
// verifier must find the chain intact, every stored entry must carry
// entry_hash(itself), and two entries that differ in any field must differ in
// canonical_bytes (the encoding is injective).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"
#include "db/database.h"
#include "db/journal.h"

using namespace certdesk;

namespace {
void expect(bool ok) {
  if (!ok) std::abort();
}

db::JournalRecord record(FuzzedDataProvider& in) {
  auto text = [&] { return in.ConsumeRandomLengthString(64); };
  auto number = [&]() -> std::optional<std::int64_t> {
    if (!in.ConsumeBool()) return std::nullopt;
    return in.ConsumeIntegral<std::int64_t>();
  };
  db::JournalRecord r;
  r.staff = text();
  r.action = text();
  r.order_id = number();
  r.organisation = text();
  r.token_serial = text();
  r.cert_serial = text();
  r.amount_fen = number();
  r.receipt_no = text();
  r.outcome = text();
  r.details = text();
  r.flow = text();
  return r;
}

db::JournalEntry as_entry(const db::JournalRecord& r, std::int64_t seq) {
  db::JournalEntry e;
  e.seq = seq;
  e.utc_time = "2026-11-22T03:14:00Z";
  e.business_day = "2026-11-22";
  e.workstation = "ws";
  e.record = r;
  return e;
}

bool same(const db::JournalRecord& a, const db::JournalRecord& b) {
  return a.staff == b.staff && a.action == b.action && a.order_id == b.order_id && a.organisation == b.organisation &&
         a.token_serial == b.token_serial && a.cert_serial == b.cert_serial && a.amount_fen == b.amount_fen &&
         a.receipt_no == b.receipt_no && a.outcome == b.outcome && a.details == b.details && a.flow == b.flow;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  // The encoding: different records, different bytes.
  db::JournalRecord a = record(in), b = record(in);
  if (!same(a, b)) expect(db::Journal::canonical_bytes(as_entry(a, 1)) != db::Journal::canonical_bytes(as_entry(b, 1)));

  // The verifier over what append wrote.
  // One database for many inputs (migrations cost more than the test), renewed
  // before verify() over an ever longer chain would slow every run.
  static std::unique_ptr<db::Database> db;
  static std::unique_ptr<db::Journal> kept;
  if (!db || kept->head().count > 200) {
    kept.reset();   // the journal holds the database's cached statements: it goes first
    db = std::make_unique<db::Database>(db::Database::in_memory());
    kept = std::make_unique<db::Journal>(*db, "ws-fuzz", 480);
  }
  db::Journal& journal = *kept;
  const int n = in.ConsumeIntegralInRange(1, 4);
  Seconds at(std::chrono::seconds(in.ConsumeIntegralInRange<std::int64_t>(0, 4102444800)));   // up to 2100
  for (int i = 0; i < n && in.remaining_bytes() > 0; ++i) {
    db::JournalEntry written = journal.append(record(in), at);
    expect(written.hash == db::Journal::entry_hash(written));
    for (const auto& e : journal.entries_of_order(written.record.order_id.value_or(-1)))
      expect(e.hash == db::Journal::entry_hash(e));
  }
  db::VerifyReport report = journal.verify();
  expect(report.ok);
  expect(report.checked == journal.head().count);
  return 0;
}
