#pragma once
// The steps every counter flow shares (SPEC §2): intake of the documents,
// payment, personalising a blank token, handover. Each step is durable
// (OrderBook::record) before the next begins. The flows (flow_steps.h,
// flow_issue.cpp …) are short scripts over these steps.

#include <optional>
#include <string>

#include "workflows/documents.h"
#include "workflows/fees.h"
#include "workflows/order_book.h"
#include "workflows/ports.h"
#include "workflows/request.h"
#include "workflows/services.h"
#include "workflows/staff.h"
#include "workflows/states.h"

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
  PinPrompt& pin_prompt() { return prompts_.pin; }

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
  // record as anything but blank. Returns its PIN rules. With owner set, a token
  // this organisation's unfinished order already began to personalise (on
  // record as blank, for that organisation) is accepted too: it is wiped again.
  // Asks the PIN prompt to check a PIN it already holds against those rules
  // (PinPrompt::check_ahead), so such a refusal too comes before any write.
  PinRules require_blank_token(const std::string& serial, std::optional<db::Id> owner = std::nullopt);

  // Makes the database agree with the CA's own index, which is written first:
  // a certificate the CA issued but the database never recorded (the process
  // died in between) is revoked — it was never delivered — and recorded; a
  // revocation the CA made but the database missed is recorded. Journaled.
  // Runs before every resume and roll back.
  void reconcile_with_ca(const Actor& who);

  // Personalises the blank token of the order: prepare_blank, set_new_user_pin,
  // issue_to_token. Moves the order to token_done. Returns false (order left in
  // paid, resumable) when the customer cancelled the PIN prompt. Safe to call
  // again on a resumed order: a half-personalised token is wiped and begun
  // afresh, and a certificate issued but never written to it is revoked.
  bool personalise(db::ServiceOrder& order, const Actor& teller);

  // --- the pieces, shared by the flows ---------------------------------------
  // Re-initialises the order's token (with the transport SO PIN, or the derived
  // one when an earlier attempt already changed it: re-initialising erases every
  // object, so nothing of an interrupted attempt survives), labels it with the
  // USCC and sets the derived SO PIN. Records "token.initialised".
  std::unique_ptr<TokenSession> prepare_blank(db::ServiceOrder& order, const Actor& teller, const db::Organisation& org);
  // The customer chooses a PIN (typed twice). Empty when cancelled (the order
  // is recorded as waiting). Throws InputError(pin_length) for a PIN outside
  // the rules — asked before the token is touched, so nothing changes.
  Secret ask_new_pin(db::ServiceOrder& order, const Actor& teller, const PinRules& rules);
  // As SO: C_InitPIN with pin; then logs in as the user. Records "token.pin_set"
  // as its own step, or (record=false) leaves the entry to the next step.
  void set_user_pin(db::ServiceOrder& order, const Actor& teller, TokenSession& token, Secret pin, bool record = true);
  // As the logged-in user: key pair on the token with the order's key id (data
  // key `key_field`), CSR, CA issue, certificate row, certificate written beside
  // the key. Records "token.key_generated", "cert.issued", "token.cert_stored".
  // With personalised=true the last step also activates the blank token and
  // moves the order to token_done (one transaction instead of two).
  IssuedCert issue_to_token(db::ServiceOrder& order, const Actor& teller, TokenSession& token, const db::Organisation& org,
                            bool personalised = false);
  // Revokes at the CA (publishing the CRL), marks the row revoked and journals,
  // in that order; idempotent, so a resumed order can do it again.
  void revoke(db::ServiceOrder& order, const Actor& teller, const std::string& cert_serial, RevocationReason reason,
              const std::string& why);
  // Moves a token on record to a new state through the token table (journaled).
  void move_token(db::ServiceOrder& order, const Actor& teller, const std::string& serial, TokenState to,
                  const std::string& why);
  // The organisation of an order.
  db::Organisation organisation_of(const db::ServiceOrder& order);

  // The customer took the token and papers: handed_over, then completed.
  void hand_over(db::ServiceOrder& order, const Actor& teller);

  // Journals a refused request (outcome code, no other change) and rethrows the
  // exception being handled. Call it only from inside a catch block. When the
  // journal cannot record it either, throws DbError(journal_unavailable) with
  // both messages (a DbError being handled is rethrown as it is).
  [[noreturn]] void refused(const Actor& teller, const ServiceRequest& r, const Error& e);
  // The same for a failure after payment: journals order.interrupted at the
  // order's last durable step and rethrows.
  [[noreturn]] void interrupted(const db::ServiceOrder& order, const Actor& teller, const Error& e);
  // One journal entry in its own transaction; the journal's own error message
  // when it cannot be written (the non-throwing twin of Journal::append).
  std::optional<std::string> try_journal(const db::JournalRecord& entry);

  // Asks a supervisor's approval; journaled by StaffService.
  Approval approval(const Actor& teller, const std::string& what, std::optional<db::Id> order_id = std::nullopt);

 private:
  // The session opened by require_blank_token, handed to prepare_blank so a
  // personalisation opens (and enumerates) the token once.
  std::unique_ptr<TokenSession> open_token(const std::string& serial);
  Services& s_;
  StaffService& staff_;
  Prompts prompts_;
  OrderBook book_;
  std::unique_ptr<TokenSession> kept_;
  std::string kept_serial_;
  bool pin_set_pending_ = false;   // set_user_pin(record=false) ran; its entry goes with the next step
};

}  // namespace certdesk::workflows
