#include "db/receipt_hashes.h"

#include <charconv>

#include "common/error.h"
#include "common/i18n.h"
#include "db/day_close.h"
#include "db/detail.h"
#include "db/journal.h"

namespace certdesk::db {

namespace {

// Each receipt with the payment entries that name it (none, one, or more: one
// row each), in receipt number then seq order.
const char* kReceiptsAndEntries =
    "SELECT p.receipt_no, p.journal_hash, p.amount_fen, p.order_id, j.seq, j.hash, j.amount_fen, j.order_id "
    "FROM payments p LEFT JOIN journal j ON j.action = 'payment' AND j.receipt_no = p.receipt_no "
    "ORDER BY p.receipt_no, j.seq";

}  // namespace

ReceiptCheckReport check_receipt_hashes(Database& db) {
  return detail::guarded(tr("checking the receipts against the journal"), [&] {
    ReceiptCheckReport report;
    SQLite::Statement q(detail::sql(db), kReceiptsAndEntries);
    std::string last_receipt;
    bool reported_twice = false;
    while (q.executeStep()) {
      const std::string receipt = q.getColumn(0).getString();
      const bool again = report.checked > 0 && receipt == last_receipt;
      if (!again) {
        ++report.checked;
        last_receipt = receipt;
        reported_twice = false;
      }
      auto add = [&](std::optional<std::int64_t> seq, const char* problem, std::string message) {
        report.problems.push_back({receipt, seq, problem, std::move(message)});
      };
      if (q.getColumn(4).isNull()) {
        add(std::nullopt, "no_entry", msg(tr("receipt {} is not named by any payment entry of the journal"), receipt));
        continue;
      }
      const std::int64_t seq = q.getColumn(4).getInt64();
      if (again) {
        if (!reported_twice)
          add(seq, "two_entries", msg(tr("receipt {} is named by more than one payment entry (again in entry {})"),
                                      receipt, seq));
        reported_twice = true;
        continue;
      }
      const std::string stored_hash = q.getColumn(1).getString();
      if (stored_hash != q.getColumn(5).getString())
        add(seq, "hash",
            msg(tr("receipt {} carries the journal hash {}, but its payment entry {} has another hash: the receipt "
                   "or its QR code was changed"),
                receipt, stored_hash.empty() ? std::string("-") : stored_hash, seq));
      const std::optional<std::int64_t> booked = detail::opt_int(q.getColumn(6));
      if (!booked || *booked != q.getColumn(2).getInt64())
        add(seq, "amount", msg(tr("receipt {} shows {} fen, but its payment entry {} booked {}"), receipt,
                               q.getColumn(2).getInt64(), seq, booked ? std::to_string(*booked) : std::string("-")));
      const std::optional<std::int64_t> order = detail::opt_int(q.getColumn(7));
      if (!order || *order != q.getColumn(3).getInt64())
        add(seq, "order", msg(tr("receipt {} belongs to order {}, but its payment entry {} to order {}"), receipt,
                              q.getColumn(3).getInt64(), seq, order ? std::to_string(*order) : std::string("-")));
    }
    return report;
  });
}

namespace {

bool is_hex64(std::string_view h) {
  if (h.size() != 64) return false;
  for (char c : h)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<std::int64_t> order_number(std::string_view v) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || v.size() > 18 || ec != std::errc() || end != v.data() + v.size() || n <= 0) return std::nullopt;
  return n;
}

}  // namespace

ReceiptQrCheck check_receipt_qr(Database& db, std::string_view qr) {
  // Scanners add a line end; nothing else is forgiven.
  while (!qr.empty() && (qr.back() == '\n' || qr.back() == '\r')) qr.remove_suffix(1);
  ReceiptQrCheck r;
  constexpr std::string_view kPrefix = "certdesk:order=";
  const std::size_t rcp = qr.find(";receipt="), hsh = qr.find(";hash=");
  if (qr.substr(0, kPrefix.size()) != kPrefix || rcp == std::string_view::npos || hsh == std::string_view::npos ||
      hsh < rcp)
    throw InputError(codes::bad_request,
                     tr("This is not the QR code of a certdesk receipt: it should read certdesk:order=…;receipt=…;hash=…"));
  r.order_no = std::string(qr.substr(kPrefix.size(), rcp - kPrefix.size()));
  r.receipt_no = std::string(qr.substr(rcp + 9, hsh - rcp - 9));
  r.hash = std::string(qr.substr(hsh + 6));
  const std::optional<std::int64_t> order = order_number(r.order_no);
  if (!order || r.receipt_no.empty() || r.receipt_no.size() > 40 || !is_hex64(r.hash))
    throw InputError(codes::bad_request,
                     tr("The receipt QR code is damaged or incomplete: it needs an order number, a receipt number and a "
                        "64-digit journal hash."));
  return detail::guarded(tr("checking a receipt's QR code against the journal"), [&] {
    auto mismatch = [&](std::string message) {
      r.verdict = ReceiptQrCheck::Verdict::mismatch;
      r.message = std::move(message);
      return r;
    };
    SQLite::Statement p(detail::sql(db), "SELECT order_id, journal_hash, status FROM payments WHERE receipt_no = ?1");
    p.bind(1, r.receipt_no);
    if (!p.executeStep())
      return mismatch(msg(tr("Receipt {} is not on record at this workstation: the paper does not match the record."),
                          r.receipt_no));
    const std::int64_t recorded_order = p.getColumn(0).getInt64();
    const std::string stored_hash = p.getColumn(1).getString();
    const bool voided = p.getColumn(2).getString() == "voided";
    SQLite::Statement q(detail::sql(db),
                        "SELECT seq FROM journal WHERE action = 'payment' AND receipt_no = ?1 ORDER BY seq LIMIT 1");
    q.bind(1, r.receipt_no);
    std::optional<JournalEntry> entry;
    if (q.executeStep()) {
      r.seq = q.getColumn(0).getInt64();
      entry = DayJournal(db).at(*r.seq);
    }
    if (!entry)
      return mismatch(msg(tr("Receipt {} is on record, but no payment entry of the journal names it: the record was changed."),
                          r.receipt_no));
    if (recorded_order != *order || entry->record.order_id != order)
      return mismatch(msg(tr("Receipt {} belongs to order {} on record, but the paper shows order {}: the paper does not match the record."),
                          r.receipt_no, recorded_order, r.order_no));
    if (Journal::entry_hash(*entry) != entry->hash)
      return mismatch(msg(tr("The payment entry {} of receipt {} was changed after it was booked: the record cannot be trusted."),
                          *r.seq, r.receipt_no));
    if (entry->hash != r.hash || stored_hash != r.hash)
      return mismatch(msg(tr("Receipt {}: the paper shows journal hash {}, the record has {}: the paper does not match the record."),
                          r.receipt_no, r.hash.substr(0, 16) + "…", entry->hash.substr(0, 16) + "…"));
    r.verdict = voided ? ReceiptQrCheck::Verdict::voided : ReceiptQrCheck::Verdict::match;
    r.message = voided ? msg(tr("Receipt {} matches journal entry {}, but it was voided: the paper is no longer valid."),
                             r.receipt_no, *r.seq)
                       : msg(tr("Receipt {} matches the record: order {}, journal entry {}, hash {}."), r.receipt_no,
                             r.order_no, *r.seq, r.hash.substr(0, 16) + "…");
    return r;
  });
}

}  // namespace certdesk::db
