#include "workflows/issuance.h"

#include "common/error.h"
#include "common/i18n.h"
#include "workflows/flows.h"

namespace certdesk::workflows {

OrderResult IssueFlow::run(const Actor& teller, const ServiceRequest& request, bool hand_over) {
  if (request.flow != Flow::issue)
    throw InputError(codes::bad_request, tr("This request is not for a first issuance."));
  return Flows(counter_).run(teller, request, hand_over);
}

}  // namespace certdesk::workflows
