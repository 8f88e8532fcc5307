#pragma once
// Every counter flow of SPEC §2 behind one entry point, plus resume and roll
// back of unfinished orders (SPEC §6). Each flow: checks that write nothing
// (documents, the customer's records, the token, the fee), then the order is
// opened and paid, then the token and certificate work in durable steps.
// Each flow's checks, steps and roll back rules are in a file of its own
// (flow_steps.h: flow_issue.cpp … flow_cancel.cpp).
//
//   issue    new blank token personalised, certificate issued
//   reissue  old certificates revoked (lost: keyCompromise; damaged: superseded),
//            old tokens lost/damaged, a new blank token personalised
//   unlock   SO login with the derived SO PIN, C_InitPIN with the customer's new PIN
//   update   inside the renewal window: new key pair and certificate on the same
//            token; the old ones removed only after the new are stored; old revoked
//   replace  new blank token personalised; old certificate revoked; old token retired
//   cancel   certificates of the token revoked (cessationOfOperation); token retired,
//            optionally wiped

#include <optional>

#include "workflows/counter.h"
#include "workflows/token_status.h"   // TokenStatus lived here; kept for its callers

namespace certdesk::workflows {

class Flows {
 public:
  explicit Flows(Counter& counter) : c_(counter) {}

  // Runs the request's flow. With hand_over=false it stops at token_done.
  // A refusal before payment (InputError, RuleRefused, AuthError, a TokenError
  // of the checks) is journaled as order.refused and rethrown: nothing else
  // changed. A failure after payment leaves the order at its last durable
  // step (journaled order.interrupted) and is rethrown: resume or roll back.
  // When the journal cannot record the refusal or the interruption either,
  // a DbError(journal_unavailable) naming both is thrown instead.
  OrderResult run(const Actor& teller, const ServiceRequest& r, bool hand_over = true);

  // Continues an unfinished order from its last durable step (the customer may
  // be asked for a PIN again). Throws RuleRefused for a finished order.
  OrderResult resume(const Actor& teller, db::Id order_id, bool hand_over = true);

  // Rolls an unfinished order back: a certificate it issued is revoked, a token
  // it began to personalise is wiped back to factory-blank (so no orphan key
  // remains), the receipt is voided (a supervisor approves the refund) and the
  // order is cancelled. Work that cannot be undone (a revocation, an old key
  // already removed, a token already handed over) is refused with what to do
  // instead. Throws TokenError(no_token) when the token it must clean is absent.
  OrderResult rollback(const Actor& teller, db::Id order_id);

  // Closes an unfinished order whose token is gone for good (issue 13.7: lost
  // by the customer, broken in the reader) — today such an order stays stuck,
  // as rollback() must clean the token first. A supervisor approves it (asked
  // here, journaled). Every certificate the order issued and every valid one
  // on that token is revoked (gone_as lost: keyCompromise, damaged:
  // superseded), the token is recorded as gone_as, each receipt is voided with
  // the refund (approved), the order cancelled. gone_as is TokenState::lost or
  // TokenState::damaged; reason is required. Refused like rollback() where the
  // order cannot be rolled back; nothing changes on a refusal.
  OrderResult rollback_without_token(const Actor& teller, db::Id order_id, TokenState gone_as, const std::string& reason);

  // The renewal window of SPEC §2 for a certificate ending at not_after.
  // Kept for callers: RenewalWindow::from(config).require(now, not_after).
  static void require_renewal_window(const CounterConfig& config, Seconds now, std::int64_t not_after);

 private:
  // The unfinished order, checked as every roll back checks it (permission,
  // not final, token work not done, the flow's own rule). Throws the refusal.
  db::ServiceOrder order_to_roll_back(const Actor& teller, db::Id order_id);
  Counter& c_;
};

}  // namespace certdesk::workflows
