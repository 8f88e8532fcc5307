// issue (证书初次办理): a new blank token personalised, a certificate issued.
#include "workflows/flow_steps.h"

namespace certdesk::workflows {
namespace {

class IssueSteps final : public FlowSteps {
 public:
  // Only the blank token: a first issuance may be a customer not yet on record.
  void check(FlowRun& run, const std::string&) const override { run.counter.require_blank_token(run.r.token_serial); }

  bool work(FlowRun& run, const db::Organisation&) const override {
    if (run.state() == OrderState::paid && !run.counter.personalise(run.order, run.teller)) return false;
    return true;
  }

  void undo_on_token(FlowRun& run) const override { wipe_new_token_back_to_blank(run); }
};

}  // namespace

const FlowSteps& issue_steps() {
  static const IssueSteps steps;
  return steps;
}

}  // namespace certdesk::workflows
