// reissue (证书补办): the old certificates revoked (lost: keyCompromise;
// damaged: superseded), the old tokens lost / damaged (a damaged token handed
// in is retired), a new blank token personalised.
#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "workflows/choices.h"
#include "workflows/flow_steps.h"
#include "workflows/lookups.h"

namespace certdesk::workflows {
namespace {

using nlohmann::json;

class ReissueSteps final : public FlowSteps {
 public:
  void check(FlowRun& run, const std::string& uscc) const override {
    Services& s = run.s;
    db::Organisation org = customer_on_record(s, uscc);
    if (db::Certificates(s.db).valid_of_organisation(org.id).empty())
      throw RuleRefused(codes::not_found, "reissue",
                        msg(tr("{} has no valid certificate to reissue. Use a first issuance."), org.name));
    if (!find_reissue_reason(run.r.reason))
      throw InputError(codes::bad_request, tr("A reissue needs a reason: lost, damaged_customer or damaged_quality."));
    old_tokens(s, org, run.r, false);
    run.counter.require_blank_token(run.r.token_serial);
  }

  bool work(FlowRun& run, const db::Organisation& org) const override {
    if (run.state() != OrderState::paid) return true;
    Services& s = run.s;
    Counter& c = run.counter;
    db::ServiceOrder& order = run.order;
    json d = run.data();
    if (!d.contains("old_certs")) {
      json certs = json::array(), toks = json::array();
      for (const auto& cert : db::Certificates(s.db).valid_of_organisation(org.id)) certs.push_back(cert.serial);
      for (const auto& t : old_tokens(s, org, run.r, false)) toks.push_back(t);
      OrderBook::set_data(order, "old_certs", certs);
      OrderBook::set_data(order, "old_tokens", toks);
      OrderBook::set_data(order, "notes", kEarlierCertificatesInvalid);
      run.book().record(order, run.teller, "reissue.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("revoke {}; tokens {}", join(certs), join(toks))});
      d = run.data();
    }
    const bool lost = find_reissue_reason(run.r.reason).value_or(ReissueReason::lost) == ReissueReason::lost;
    for (const auto& serial : d["old_certs"]) {
      auto cert = db::Certificates(s.db).by_serial(serial.get<std::string>());
      if (cert && cert->status == "valid")
        c.revoke(order, run.teller, cert->serial, lost ? RevocationReason::key_compromise : RevocationReason::superseded,
                 lost ? "token reported lost (reissue)" : "token damaged (reissue)");
    }
    for (const auto& t : d["old_tokens"]) {
      std::string serial = t.get<std::string>();
      c.move_token(order, run.teller, serial, lost ? TokenState::lost : TokenState::damaged, "reissue");
      auto doc = run.r.documents.find("token");
      if (!lost && doc != run.r.documents.end() && doc->second.present)
        c.move_token(order, run.teller, serial, TokenState::retired, "damaged token handed in");
    }
    return c.personalise(order, run.teller);
  }

  void undo_on_token(FlowRun& run) const override { wipe_new_token_back_to_blank(run); }
};

}  // namespace

const FlowSteps& reissue_steps() {
  static const ReissueSteps steps;
  return steps;
}

}  // namespace certdesk::workflows
