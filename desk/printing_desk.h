#pragma once
// Printing a paper of an order to a real printer (issue 14 point 4), one use
// case for the window's handover and receipts pages and `certdesk-cli receipt
// print --printer`: the paper is archived as PDF, sent to the printer through
// libcups (printing/cups_printer.h, no GTK print dialog) with the paper size of
// the settings, followed to completion, and a completed print is journaled
// exactly once ("receipt.printed" / "receipt.reprinted" with the printer and job;
// "slip.printed"). A print that did not complete is not counted: the next one is
// not a reprint, and the archived PDF is offered instead.
//
// Blocks (database, disk, cupsd for up to `wait`): call from the window's worker.

#include <chrono>
#include <filesystem>
#include <string>

#include "desk/context.h"
#include "printing/cups_printer.h"
#include "workflows/staff.h"

namespace certdesk::desk {

enum class PaperKind { receipt, slip };

struct PaperPrinted {
  PaperKind kind = PaperKind::receipt;
  std::string number;                 // the receipt number, or the order number "000042" of a slip
  std::filesystem::path pdf;          // the archived PDF that was sent (kept whatever came of it)
  printing::PrintResult result;       // what cupsd said
  bool reprint = false;               // a receipt printed before: marked 重印
  bool journaled = false;             // true exactly when result.ok()
  // For the teller: describe(result), and when nothing came out where the PDF is.
  std::string message;
  bool ok() const { return result.ok(); }
};

// The setting naming this workstation's printer (each workstation has its own database).
inline constexpr const char* kPrinterSetting = "printer";

// Archives, sends, follows and journals one receipt. Throws RuleRefused(not_found)
// for an unknown number; everything the printer says is in the result.
PaperPrinted print_receipt_to_printer(AppContext& ctx, const workflows::Actor& who, const std::string& receipt_no,
                                      const std::string& printer,
                                      std::chrono::milliseconds wait = std::chrono::seconds(60));
// The same for the handover slip of an order. Throws RuleRefused(not_found).
PaperPrinted print_slip_to_printer(AppContext& ctx, const workflows::Actor& who, db::Id order_id,
                                   const std::string& printer, std::chrono::milliseconds wait = std::chrono::seconds(60));

}  // namespace certdesk::desk
