#pragma once
// Every counter flow of SPEC §2 behind one entry point, plus resume and roll
// back of unfinished orders (SPEC §6). Each flow: checks that write nothing
// (documents, the customer's records, the token, the fee), then the order is
// opened and paid, then the token and certificate work in durable steps.
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

namespace certdesk::workflows {

class Flows {
 public:
  explicit Flows(Counter& counter) : c_(counter) {}

  // Runs the request's flow. With hand_over=false it stops at token_done.
  // Throws like IssueFlow::run (workflows/issuance.h).
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

  // The renewal window of SPEC §2 for a certificate ending at not_after.
  static void require_renewal_window(const CounterConfig& config, Seconds now, std::int64_t not_after);

 private:
  OrderResult finish(db::ServiceOrder& order, const Actor& teller, bool hand_over);
  Counter& c_;
};

// Token status reports outside an order (SPEC §2): suspended when reported
// temporarily lost, active again when found, or confirmed lost (which leads to a
// reissue). Tellers and supervisors; journaled.
class TokenStatus {
 public:
  TokenStatus(Services& s, const Actor& who) : s_(s), who_(who) {}
  void suspend(const std::string& serial, const std::string& reason);
  void found(const std::string& serial);
  void lost(const std::string& serial, const std::string& reason);

 private:
  void move(const std::string& serial, TokenState to, const std::string& action, const std::string& why);
  Services& s_;
  const Actor& who_;
};

}  // namespace certdesk::workflows
