// cancel (证书注销): the token's certificates revoked (cessationOfOperation);
// the token retired, optionally wiped. A revocation cannot be undone: once one
// is recorded the cancellation can only be resumed.
#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "workflows/certificates.h"
#include "workflows/flow_steps.h"
#include "workflows/lookups.h"

namespace certdesk::workflows {
namespace {

using nlohmann::json;

class CancelSteps final : public FlowSteps {
 public:
  void check(FlowRun& run, const std::string& uscc) const override {
    Services& s = run.s;
    db::Organisation org = customer_on_record(s, uscc);
    db::TokenRecord rec = token_of(s, org, run.r.token_serial);
    if (valid_certificates_on(s.db, rec.serial).empty())
      throw RuleRefused(codes::not_found, "cancel",
                        msg(tr("Token {} holds no valid certificate; there is nothing to cancel."), rec.serial));
    if (run.r.wipe_token) s.tokens.open(rec.serial);   // must be inserted to be wiped
  }

  bool work(FlowRun& run, const db::Organisation&) const override {
    if (run.state() != OrderState::paid) return true;
    Services& s = run.s;
    Counter& c = run.counter;
    db::ServiceOrder& order = run.order;
    json d = run.data();
    if (!d.contains("certs")) {
      json certs = json::array();
      for (const auto& cert : valid_certificates_on(s.db, order.token_serial)) certs.push_back(cert);
      OrderBook::set_data(order, "certs", certs);
      run.book().record(order, run.teller, "cancel.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("revoke {}", join(certs))});
      d = run.data();
    }
    for (const auto& serial : d["certs"]) {
      auto cert = db::Certificates(s.db).by_serial(serial.get<std::string>());
      if (cert && cert->status == "valid")
        c.revoke(order, run.teller, cert->serial, RevocationReason::cessation_of_operation, "certificate cancelled (注销)");
    }
    if (run.r.wipe_token && order.step != "token.wiped") {
      auto token = s.tokens.open(order.token_serial);
      token->reinitialise(s.so_pins.for_token(order.token_serial), "RETIRED");
      run.book().record(order, run.teller, "token.wiped", std::nullopt, {.action = "token.wiped"});
    }
    c.move_token(order, run.teller, order.token_serial, TokenState::retired, "certificate cancelled");
    run.book().record(order, run.teller, "token_done", OrderState::token_done, {.action = "order.cancelled_certificate"});
    return true;
  }

  void check_rollback(const db::ServiceOrder& order) const override {
    // token.wiped comes after the revocations (check() wants a valid certificate).
    if (order.step.rfind("cert.revoked", 0) == 0 || order.step == "token.wiped")
      throw RuleRefused(codes::illegal_transition, "rollback",
                        tr("A revocation cannot be undone; resume the cancellation to finish it."));
  }
};

}  // namespace

const FlowSteps& cancel_steps() {
  static const CancelSteps steps;
  return steps;
}

}  // namespace certdesk::workflows
