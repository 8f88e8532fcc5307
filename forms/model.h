#pragma once
// What the teller's window needs from the rest of the application, as plain
// structs and one interface (STYLE habit 9: thin forms). app/gui_model.cpp
// implements CounterModel over desk::AppContext; tests may wrap it. Forms never
// see SQLite or libp11.
//
// Threading: a PKCS#11 module must be used from one thread at a time, and the
// database connection is shared, so every CounterModel call except today() runs
// on the window's single worker thread (forms/worker.h). The UI thread never
// waits on one (STYLE habit 10).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.h"
#include "printing/document_data.h"
#include "printing/layout.h"
#include "workflows/counter.h"
#include "workflows/fees.h"
#include "workflows/order_book.h"
#include "workflows/ports.h"
#include "workflows/request.h"
#include "workflows/staff.h"

namespace certdesk::forms {

class CounterTasks;   // forms/counter_tasks.h

// One inserted token as the token panel shows it.
struct TokenRow {
  workflows::TokenView token;
  std::string record_state;          // the token's state on record ("active" …), empty when unknown
  std::string cert_serial;           // the newest valid certificate on the token, empty when none
  std::string cert_subject;
  std::int64_t not_after = 0;        // Unix seconds; 0 when no certificate
  int days_left = 0;                 // whole days until not_after (negative once expired)
  bool in_renewal_window = false;    // the update flow would accept it now
  bool expired = false;
};

struct CustomerRow {
  std::int64_t id = 0;
  std::string name;
  std::string uscc;
  std::string handler_name;          // the most recent handler on record, if any
  std::string handler_id_number;
};

// Earlier orders, certificates and tokens of one organisation, as text columns.
struct HistoryRow {
  std::string kind;                  // "order" | "certificate" | "token"
  std::string when;
  std::string what;
  std::string state;
};

struct UnfinishedRow {
  std::int64_t id = 0;
  std::string flow;
  std::string state;
  std::string step;                  // the last step done, as the teller reads it (workflows::step_label)
  std::string token_serial;
  std::string updated_utc;
};

class CounterModel {
 public:
  virtual ~CounterModel() = default;

  // Checks the password (StaffService::login). Throws AuthError(bad_credentials).
  virtual workflows::Actor login(const std::string& name, const Secret& password) = 0;
  virtual void logout(const workflows::Actor& who) = 0;

  // The customer tokens inserted now (the CA's own token left out), with what the
  // records say about each. Throws TokenError(module_unavailable).
  virtual std::vector<TokenRow> tokens() = 0;

  // Organisations whose name contains text or whose USCC starts with it.
  virtual std::vector<CustomerRow> find_customers(const std::string& text) = 0;
  virtual std::vector<HistoryRow> history(std::int64_t organisation_id) = 0;
  // Orders not completed, cancelled or failed, oldest first.
  virtual std::vector<UnfinishedRow> unfinished() = 0;

  // The fee of a flow from the schedule. Throws RuleRefused when an item is missing.
  virtual workflows::FeeQuote quote(workflows::Flow flow, const std::string& reason) = 0;

  // Runs the request's flow (any of the six, workflows::Flows::run) up to
  // token_done, or to completed with hand_over (then the receipt and the slip
  // are archived as PDF). Throws like workflows::Flows::run.
  virtual workflows::OrderResult run_flow(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                                           workflows::Prompts prompts, bool hand_over) = 0;
  // The customer took the token and papers: the order moves to completed. Its
  // papers are not archived yet: the window calls archive_papers once the 完成
  // page shows, so the PDFs stay off the customer's wait (issue 14.8).
  virtual workflows::OrderResult hand_over(const workflows::Actor& teller, std::int64_t order_id) = 0;
  // Archives a completed order's receipt (its first printing, when not printed
  // yet) and handover slip as PDF; idempotent. Throws certdesk::Error: the order
  // stays completed and the next login archives what is missing.
  virtual void archive_papers(const workflows::Actor& who, std::int64_t order_id) = 0;

  // Continues an unfinished order from its last durable step, through to
  // completed (the customer may be asked for the PIN again). Throws like run_flow.
  virtual workflows::OrderResult resume(const workflows::Actor& teller, std::int64_t order_id, workflows::Prompts prompts) = 0;
  // Rolls an unfinished order back (workflows::Flows::rollback): certificate
  // revoked, token wiped, receipt voided with a supervisor's approval, order cancelled.
  virtual workflows::OrderResult roll_back(const workflows::Actor& teller, std::int64_t order_id, workflows::Prompts prompts) = 0;

  // The printed documents of an order, filled from the records (desk/papers.h).
  // receipt() marks a reprint (重印) when the receipt was printed before. Throw
  // RuleRefused(not_found).
  virtual printing::ReceiptData receipt(const std::string& receipt_no) = 0;
  virtual printing::HandoverSlipData slip(std::int64_t order_id) = 0;
  // The paper size setting (A5 when unset).
  virtual printing::Paper paper() = 0;
  // The receipt went to a printer: journaled, the next printing is a reprint (重印).
  virtual void record_print(const workflows::Actor& who, const std::string& receipt_no) = 0;

  // The demo action of the embedded default: a new factory-blank token. Returns its serial.
  virtual std::string insert_blank_token() = 0;

  // The branch-local business day "YYYY-MM-DD" (for birth-date checks). Any thread.
  virtual std::string today() const = 0;
  // Branch and workstation for the title bar. Any thread.
  virtual std::string branch() const = 0;
  // Unix seconds as the branch's local time "YYYY-MM-DD HH:MM" (the
  // utc_offset_minutes setting). Any thread.
  virtual std::string local_time(std::int64_t unix_seconds) const = 0;

  // The counter tasks (printing, receipts, token reports, codes; forms/counter_tasks.h),
  // or nullptr when this model offers none (a test's fake). Any thread.
  virtual CounterTasks* tasks() { return nullptr; }
};

}  // namespace certdesk::forms
