#pragma once
// How Flows (flows.h) drives one flow. Each flow has a file of its own —
// flow_issue.cpp, flow_reissue.cpp, flow_unlock.cpp, flow_update.cpp,
// flow_replace.cpp, flow_cancel.cpp — with its checks, its durable steps and
// its roll back rules behind this interface. To add a flow: a Flow value
// (request.h), its FlowSteps file here, its line in steps_of (flows.cpp), its
// documents (documents.cpp) and fees (fees.cpp).

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "workflows/counter.h"

namespace certdesk::workflows {

// What one run, resume or roll back of an order works on.
struct FlowRun {
  Counter& counter;
  Services& s;
  const Actor& teller;
  const ServiceRequest& r;
  db::ServiceOrder order;                 // opened (or found) by Flows::run before work()
  std::unique_ptr<TokenSession> held;     // a session check() opened for work() (update: the customer logged in)

  OrderBook& book() { return counter.book(); }
  OrderState state() const { return order_state_from(order.state); }
  nlohmann::json data() const { return OrderBook::data(order); }
};

class FlowSteps {
 public:
  virtual ~FlowSteps() = default;

  // The checks of a new order, before anything is written (the customer on
  // record, the token, the certificate). Throws the refusal; writes nothing.
  virtual void check(FlowRun& run, const std::string& uscc) const = 0;

  // The durable steps after payment, from the order's last recorded step
  // (a resume calls it again). Returns false when the customer cancelled a
  // prompt: the order waits at its step.
  virtual bool work(FlowRun& run, const db::Organisation& org) const = 0;

  // Throws RuleRefused(illegal_transition) with what to do instead when the
  // order's recorded step cannot be rolled back. Default: any step can.
  virtual void check_rollback(const db::ServiceOrder& order) const;

  // Undoes this flow's work on the token (first in a roll back: if the token
  // is absent this throws and nothing else changes). Default: nothing to undo.
  virtual void undo_on_token(FlowRun& run) const;
};

// The steps of each flow: the one dispatch over the six flows.
const FlowSteps& steps_of(Flow flow);
const FlowSteps& issue_steps();
const FlowSteps& reissue_steps();
const FlowSteps& unlock_steps();
const FlowSteps& update_steps();
const FlowSteps& replace_steps();
const FlowSteps& cancel_steps();

// ---- shared by the flow files ------------------------------------------------
// The note printed on the receipt and slip when earlier certificates die.
extern const char* const kEarlierCertificatesInvalid;
// "a,b,c" of a JSON array of strings (journal details).
std::string join(const nlohmann::json& arr);
// Rolls back a flow that personalises a new token (issue, reissue, replace):
// the token is wiped back to factory-blank with the transport SO PIN, so no
// orphan key remains. An order still at "paid" whose token is absent is
// allowed (re-initialising erases every object, so nothing of it matters).
void wipe_new_token_back_to_blank(FlowRun& run);

}  // namespace certdesk::workflows
