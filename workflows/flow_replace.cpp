// replace (更换介质): a new blank token personalised; after it works the old
// certificate is revoked (superseded) and the old token retired.
#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "workflows/certificates.h"
#include "workflows/flow_steps.h"
#include "workflows/lookups.h"

namespace certdesk::workflows {
namespace {

using nlohmann::json;

class ReplaceSteps final : public FlowSteps {
 public:
  void check(FlowRun& run, const std::string& uscc) const override {
    Services& s = run.s;
    db::Organisation org = customer_on_record(s, uscc);
    if (old_tokens(s, org, run.r, true).empty())
      throw RuleRefused(codes::not_found, "replace",
                        msg(tr("{} has no token in use to replace. Use a first issuance."), org.name));
    run.counter.require_blank_token(run.r.token_serial);
  }

  bool work(FlowRun& run, const db::Organisation& org) const override {
    Services& s = run.s;
    Counter& c = run.counter;
    db::ServiceOrder& order = run.order;
    if (run.state() == OrderState::paid) {
      json d = run.data();
      if (!d.contains("old_tokens")) {
        json toks = json::array(), certs = json::array();
        for (const auto& t : old_tokens(s, org, run.r, true)) {
          toks.push_back(t);
          for (const auto& cert : valid_certificates_on(s.db, t)) certs.push_back(cert);
        }
        OrderBook::set_data(order, "old_tokens", toks);
        OrderBook::set_data(order, "old_certs", certs);
        OrderBook::set_data(order, "notes", kEarlierCertificatesInvalid);
        run.book().record(order, run.teller, "replace.planned", std::nullopt,
                          {.action = "order.plan", .details = fmt::format("retire {}; revoke {}", join(toks), join(certs))});
      }
      if (!c.personalise(order, run.teller)) return false;
    }
    if (run.state() == OrderState::token_done) {
      // After the new token works: the old certificate goes, the old token retires. Idempotent on resume.
      json d = run.data();
      for (const auto& serial : d.value("old_certs", json::array())) {
        auto cert = db::Certificates(s.db).by_serial(serial.get<std::string>());
        if (cert && cert->status == "valid")
          c.revoke(order, run.teller, cert->serial, RevocationReason::superseded, "token replaced");
      }
      for (const auto& t : d.value("old_tokens", json::array()))
        c.move_token(order, run.teller, t.get<std::string>(), TokenState::retired, "replaced by " + order.token_serial);
    }
    return true;
  }

  void undo_on_token(FlowRun& run) const override { wipe_new_token_back_to_blank(run); }
};

}  // namespace

const FlowSteps& replace_steps() {
  static const ReplaceSteps steps;
  return steps;
}

}  // namespace certdesk::workflows
