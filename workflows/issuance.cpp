#include "workflows/issuance.h"

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::workflows {

OrderResult IssueFlow::run(const Actor& teller, const ServiceRequest& request, bool hand_over) {
  if (request.flow != Flow::issue)
    throw InputError(codes::bad_request, tr("This request is not for a first issuance."));
  db::ServiceOrder order;
  Counter::PaymentPlan plan;
  try {
    require(teller, Permission::run_order);
    Counter::Intake intake = counter_.review(teller, request);
    if (!intake.existing) counter_.require_blank_token(request.token_serial);
    // A resumed order that was not paid yet is charged as a new one would be.
    if (!intake.existing || order_state_from(intake.existing->state) == OrderState::documents_checked)
      plan = counter_.plan_payment(teller, request);
    order = counter_.open_order(teller, request, intake);
  } catch (const Error& e) {
    counter_.refused(teller, request, e);
  }
  counter_.take_payment(order, teller, request, plan);
  if (order_state_from(order.state) == OrderState::paid && !counter_.personalise(order, teller)) {
    OrderResult r = counter_.book().result_of(order);
    r.waiting = true;
    return r;
  }
  if (hand_over) counter_.hand_over(order, teller);
  return counter_.book().result_of(order);
}

}  // namespace certdesk::workflows
