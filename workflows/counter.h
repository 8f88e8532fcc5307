#pragma once
// The steps every counter flow shares (SPEC §2): intake of the documents,
// payment, personalising a blank token, handover. Each step is durable
// (OrderBook::record) before the next begins. The flows (issuance.h, …) are
// short scripts over these steps.

#include <optional>
#include <string>

#include "workflows/documents.h"
#include "workflows/fees.h"
#include "workflows/order_book.h"
#include "workflows/ports.h"
#include "workflows/request.h"
#include "workflows/services.h"
#include "workflows/staff.h"

namespace certdesk::workflows {

// The people-facing interfaces a flow may ask.
struct Prompts {
  PinPrompt& pin;
  ApprovalPrompt& approval;
  Progress& progress;
};

class Counter {
 public:
  Counter(Services& s, StaffService& staff, Prompts prompts);

  Services& services() { return s_; }
  OrderBook& book() { return book_; }

  // What intake found: normalised values, approved overrides, or the order this
  // very request already opened (resume it instead of opening another).
  struct Intake {
    DocumentReview review;
    std::vector<std::string> approved_overrides;   // "item: reason (supervisor)"
    std::optional<db::ServiceOrder> existing;
  };

  // Checks the request (documents, numbers, names against the records) and asks
  // a supervisor to approve each override. Writes nothing but journal lines of
  // approvals. RuleRefused(duplicate) when the same request was already
  // finished: no double issuance, no double charge.
  Intake review(const Actor& teller, const ServiceRequest& r);

  // Creates the order (organisation and handler on record, document checks) and
  // moves it to documents_checked; returns intake.existing when there is one.
  db::ServiceOrder open_order(const Actor& teller, const ServiceRequest& r, const Intake& intake);

  // What will be charged: the fee from the schedule; the request's amount must
  // equal it unless a supervisor approves a waiver (asked here). Call it before
  // intake(): a wrong amount or a refused approval then leaves no order behind.
  struct PaymentPlan {
    FeeQuote quote;
    std::string waiver;   // "waived by …: reason", empty when none
  };
  PaymentPlan plan_payment(const Actor& teller, const ServiceRequest& r);

  // Payment row, receipt number and journal entry commit together; the order
  // moves to paid. No receipt when nothing is due.
  void take_payment(db::ServiceOrder& order, const Actor& teller, const ServiceRequest& r, const PaymentPlan& plan);

  // Throws unless a factory-blank token with this serial is inserted and not on
  // record as anything but blank. Returns its PIN rules.
  PinRules require_blank_token(const std::string& serial);

  // Personalises the blank token of the order: re-initialised with the transport
  // SO PIN and a label, SO PIN changed to the per-token derived one, the
  // customer's PIN set, a key pair generated on the token, a CSR signed by it,
  // the certificate issued by the CA and written to the token beside its key.
  // Moves the order to token_done. Returns false (order left in paid, resumable)
  // when the customer cancelled the PIN prompt.
  bool personalise(db::ServiceOrder& order, const Actor& teller);

  // The customer took the token and papers: handed_over, then completed.
  void hand_over(db::ServiceOrder& order, const Actor& teller);

  // Journals a refused request (outcome code, no other change) and rethrows.
  [[noreturn]] void refused(const Actor& teller, const ServiceRequest& r, const Error& e);

  // Asks a supervisor's approval; journaled by StaffService.
  Approval approval(const Actor& teller, const std::string& what, std::optional<db::Id> order_id = std::nullopt);

 private:
  Secret ask_new_pin(const PinRules& rules, const std::string& serial);
  Services& s_;
  StaffService& staff_;
  Prompts prompts_;
  OrderBook book_;
};

}  // namespace certdesk::workflows
