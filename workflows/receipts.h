#pragma once
// Receipts after payment (SPEC §4): a receipt never changes once issued. A void
// (supervisor, reason) keeps its number and marks every later printing 作废; a
// reprint is marked 重印. Both are journaled.

#include <string>

#include "db/repositories.h"
#include "workflows/services.h"
#include "workflows/staff.h"

namespace certdesk::workflows {

class Receipts {
 public:
  explicit Receipts(Services& s) : s_(s) {}

  // Throws RuleRefused(not_found) naming the number.
  db::Payment get(const std::string& receipt_no);

  // A supervisor voids a receipt; the reason is required. Voiding twice is
  // refused, and so is voiding the receipt of an order the supervisor ran
  // themselves (AuthError(self_approval)).
  db::Payment void_receipt(const Actor& supervisor, const std::string& receipt_no, const std::string& reason);

  // Records one printing; returns true when it is a reprint (an earlier print
  // exists), which the layout marks 重印. Journaled "receipt.printed" / "receipt.reprinted";
  // `where` (the printer and job, empty for the PDF archive) goes into the entry's details.
  bool record_print(const Actor& who, const std::string& receipt_no, const std::string& where = "");

 private:
  Services& s_;
};

}  // namespace certdesk::workflows
