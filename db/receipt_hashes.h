#pragma once
// Receipts bound to the journal (issue 13 point 1): every receipt stores the
// hash of the journal entry that recorded its payment (payments.journal_hash,
// the value its QR code prints), and that entry names the receipt. With the
// chain intact (Journal::verify), a receipt whose stored hash, amount or order
// no longer matches its entry was changed after it was booked; a QR scanned
// from paper can be checked against the same entry.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace certdesk::db {

struct ReceiptProblem {
  std::string receipt_no;
  std::optional<std::int64_t> seq;   // the journal entry that names the receipt, when there is one
  // "no_entry"    no payment entry names the receipt;
  // "two_entries" more than one payment entry names it;
  // "hash"        the receipt's stored hash is not its entry's hash;
  // "amount"      the entry books another amount than the receipt shows;
  // "order"       the entry belongs to another order than the receipt.
  std::string problem;
  std::string message;               // a sentence for the supervisor (translated)
};

struct ReceiptCheckReport {
  std::int64_t checked = 0;          // receipts read
  std::vector<ReceiptProblem> problems;   // in receipt number order
  bool ok() const { return problems.empty(); }
};

// Checks every receipt against the payment entry that names it (one pass over
// the receipts and the journal's payment entries; voided receipts included:
// a void changes neither the booking nor its hash). Read-only: runs on a
// read-only copy. Throws DbError when the database cannot be read.
ReceiptCheckReport check_receipt_hashes(Database& db);

// A QR text scanned from a paper receipt, "certdesk:order=<order>;receipt=<no>;hash=<hex>"
// (printing::receipt_qr_text), checked against the record.
struct ReceiptQrCheck {
  // match     the receipt exists, is not voided, and its stored hash, its payment
  //           entry (hash recomputed) and its order are the ones the paper shows;
  // voided    all of that, but the receipt was voided: the paper is no longer valid;
  // mismatch  no such receipt, or the paper shows another hash or order than the record.
  enum class Verdict { match, voided, mismatch } verdict = Verdict::mismatch;
  std::string receipt_no, order_no, hash;   // as the paper shows them
  std::optional<std::int64_t> seq;          // the payment entry, when there is one
  std::string message;                      // one line for the supervisor (translated)
};

// Reads only: runs on a read-only copy. Throws InputError(bad_request) when the
// text is not a certdesk receipt QR (nothing else is read), DbError when the
// database cannot be read.
ReceiptQrCheck check_receipt_qr(Database& db, std::string_view qr_text);

}  // namespace certdesk::db
