#include "db/receipt_hashes.h"

#include "common/i18n.h"
#include "db/detail.h"

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
  return detail::guarded("checking the receipts against the journal", [&] {
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

}  // namespace certdesk::db
