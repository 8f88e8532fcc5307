#pragma once
// What the counter-task dialogs need (issue 14 points 3 and 4) beside
// CounterModel: printing to a real printer, receipts, token reports and
// authorisation codes, as plain structs and one interface. app/gui_model.cpp
// implements it over the desk (CounterModel::tasks() hands it out). Every call
// except embedded_token_store() blocks (database, token, cupsd): run it on the
// window's worker (forms/worker.h).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.h"
#include "printing/cups_printer.h"
#include "workflows/counter.h"
#include "workflows/order_book.h"
#include "workflows/ports.h"
#include "workflows/staff.h"
#include "workflows/states.h"

namespace certdesk::forms {

// The system's printers and this workstation's choice.
struct PrinterChoice {
  printing::PrinterList list;
  std::string remembered;   // the printer chosen here before ("" when none)
  // The remembered printer when it still exists, else the system default, else the only one.
  std::string preselected() const;
};

// One print to a printer: archived, sent, followed; journaled once when ok.
struct PaperPrint {
  bool ok = false;
  std::string what;                 // "receipt" | "slip"
  std::string number;               // receipt number or order number
  std::string printer;
  int job_id = 0;
  bool reprint = false;             // marked 重印
  std::filesystem::path pdf;        // the archived PDF (offered when nothing came out)
  std::string message;              // for the teller, in the current language
};

struct ReceiptRow {
  std::string receipt_no;
  std::int64_t order_id = 0;
  std::string payer;
  std::string item;
  std::int64_t amount_fen = 0;
  std::string method;               // as printed (现金 …)
  std::string teller;
  std::string issued_at;            // branch-local time
  bool voided = false;
  std::string void_reason;
  std::int64_t print_count = 0;
};

// A token as the records know it, with the reports its state allows (the table of workflows/states.h).
struct TokenRecordRow {
  bool on_record = false;
  std::string serial;
  std::string state;                // "active", "suspended" … (untranslated)
  std::vector<workflows::TokenReport> allowed;
};

struct IssuedCodeRow {
  std::string code;                 // shown once
  std::string token_serial;
  std::string expires_local;        // branch-local "YYYY-MM-DD HH:MM"
};

class CounterTasks {
 public:
  virtual ~CounterTasks() = default;

  // ---- printing (issue 14.4) ----
  virtual PrinterChoice printers() = 0;
  virtual void remember_printer(const std::string& name) = 0;
  // printer "" = the system default. Throw RuleRefused(not_found); a printer's
  // refusal or failure is a value (ok false, message, pdf).
  virtual PaperPrint print_receipt(const workflows::Actor& who, const std::string& receipt_no, const std::string& printer) = 0;
  virtual PaperPrint print_slip(const workflows::Actor& who, std::int64_t order_id, const std::string& printer) = 0;
  // Resumes an unfinished order to its handover, prints its receipt and slip on
  // `printer` (the customer is still there), then completes it. prints gets each
  // print's outcome. Throws like CounterModel::resume.
  virtual workflows::OrderResult resume_and_print(const workflows::Actor& teller, std::int64_t order_id,
                                                  workflows::Prompts prompts, const std::string& printer,
                                                  std::vector<PaperPrint>& prints) = 0;

  // ---- receipts (issue 14.3) ----
  // By number, or every receipt of the customers matching the name / USCC. InputError for bad text.
  virtual std::vector<ReceiptRow> find_receipts(const std::string& text) = 0;
  // A void: with a supervisor's credentials, or without when `who` is a supervisor.
  // Returns the voided copy's PDF. Throws AuthError, RuleRefused, InputError.
  virtual std::filesystem::path void_receipt(const workflows::Actor& who,
                                             std::optional<workflows::ApprovalCredentials> supervisor,
                                             const std::string& receipt_no, const std::string& reason) = 0;

  // ---- tokens ----
  virtual TokenRecordRow token_record(const std::string& serial) = 0;
  // Returns the state on record afterwards. Throws RuleRefused when the table refuses.
  virtual std::string report_token(const workflows::Actor& who, workflows::TokenReport report, const std::string& serial,
                                   const std::string& reason) = 0;
  // A supervisor issues a remote-unlock code. Throws AuthError, RuleRefused.
  virtual IssuedCodeRow issue_unlock_code(const workflows::Actor& supervisor, const std::string& serial, int valid_hours) = 0;
  // A teller redeems one with the token inserted; the new PIN comes from pins.
  virtual void redeem_unlock_code(const workflows::Actor& teller, const std::string& serial, const Secret& code,
                                  workflows::PinPrompt& pins) = 0;
  // The token module is the embedded SoftHSM2 (the demo "insert a blank token"). Any thread.
  virtual bool embedded_token_store() const = 0;
};

}  // namespace certdesk::forms
