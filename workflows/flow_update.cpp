// update (证书更新): inside the renewal window, a new key pair and certificate
// on the same token; the old ones removed only after the new are stored; the
// old certificate revoked (superseded). A roll back removes the new key while
// the old one is still there; once the new certificate is stored (the old key
// may be going), only a resume can finish.
#include <fmt/format.h>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "workflows/certificates.h"
#include "workflows/flow_steps.h"
#include "workflows/lookups.h"
#include "workflows/renewal.h"

namespace certdesk::workflows {
namespace {

using nlohmann::json;

// The new certificate is on the token from this step on.
bool new_certificate_stored(const db::ServiceOrder& order) {
  return order.step == "token.cert_stored" || order.step == "token.old_removed" || order.step.rfind("cert.revoked", 0) == 0;
}

class UpdateSteps final : public FlowSteps {
 public:
  void check(FlowRun& run, const std::string& uscc) const override {
    Services& s = run.s;
    db::Organisation org = customer_on_record(s, uscc);
    db::TokenRecord rec = token_of(s, org, run.r.token_serial);
    if (rec.state == "locked")
      throw RuleRefused(codes::token_state_refused, "token-state",
                        msg(tr("Token {} is locked: unlock it first, then update."), rec.serial));
    if (rec.state != "active")
      throw RuleRefused(codes::token_state_refused, "token-state",
                        msg(tr("Token {} is {}; only an active token can be updated."), rec.serial, rec.state));
    std::optional<db::CertificateRecord> current = newest_valid_certificate(s.db, rec.serial);
    if (!current)
      throw RuleRefused(codes::not_found, "update", msg(tr("Token {} holds no valid certificate to update."), rec.serial));
    RenewalWindow::from(s.config).require(s.clock.now(), current->not_after);
    run.held = open_logged_in(s, run.counter.pin_prompt(), rec.serial);
  }

  bool work(FlowRun& run, const db::Organisation& org) const override {
    if (run.state() != OrderState::paid) return true;
    Services& s = run.s;
    Counter& c = run.counter;
    db::ServiceOrder& order = run.order;
    json d = run.data();
    if (!d.contains("old_cert")) {
      std::optional<db::CertificateRecord> current = newest_valid_certificate(s.db, order.token_serial);
      if (!current) throw RuleRefused(codes::not_found, "update", tr("The token holds no valid certificate to update."));
      OrderBook::set_data(order, "old_cert", current->serial);
      OrderBook::set_data(order, "old_key_id", current->key_id);
      OrderBook::set_data(order, "key_id", crypto::to_hex(crypto::random_bytes(16)));
      OrderBook::set_data(order, "notes", kEarlierCertificatesInvalid);
      run.book().record(order, run.teller, "update.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("replace {}", current->serial)});
      d = run.data();
    }
    if (!run.held) run.held = open_logged_in(s, c.pin_prompt(), order.token_serial);
    TokenSession& held = *run.held;
    const std::string old_key = d.value("old_key_id", "");
    if (!new_certificate_stored(order)) {
      // An interrupted attempt may have left a new key or certificate: remove them and begin again.
      if (std::string stale = d.value("cert_serial", ""); !stale.empty()) {
        c.revoke(order, run.teller, stale, RevocationReason::superseded, "issued in an interrupted update, never delivered");
        OrderBook::set_data(order, "cert_serial", "");
      }
      std::string new_key = d.value("key_id", "");
      Bytes new_id = crypto::from_hex(new_key);
      if (has_object(held.certificates(), new_key)) held.remove_certificate(new_id);
      if (has_object(held.private_keys(), new_key)) held.remove_key_pair(new_id);
      c.issue_to_token(order, run.teller, held, org);
    }
    if (order.step == "token.cert_stored") {
      Bytes old_id = crypto::from_hex(old_key);
      if (has_object(held.certificates(), old_key)) held.remove_certificate(old_id);
      if (has_object(held.private_keys(), old_key)) held.remove_key_pair(old_id);
      run.book().record(order, run.teller, "token.old_removed", std::nullopt,
                        {.action = "token.old_removed", .cert_serial = d.value("old_cert", "")});
    }
    held.logout();
    auto old = db::Certificates(s.db).by_serial(d.value("old_cert", ""));
    if (old && old->status == "valid") c.revoke(order, run.teller, old->serial, RevocationReason::superseded, "certificate updated");
    run.book().record(order, run.teller, "token_done", OrderState::token_done,
                      {.action = "token.updated", .cert_serial = run.data().value("cert_serial", "")});
    return true;
  }

  void check_rollback(const db::ServiceOrder& order) const override {
    if (new_certificate_stored(order))
      throw RuleRefused(codes::illegal_transition, "rollback",
                        tr("The new certificate is on the token and the old one is being removed; resume the update to finish it."));
  }

  // The customer logs in; the new key and certificate (if any) go, the old stay.
  void undo_on_token(FlowRun& run) const override {
    const std::string key = run.data().value("key_id", "");
    if (key.empty()) return;
    auto token = open_logged_in(run.s, run.counter.pin_prompt(), run.order.token_serial);
    Bytes id = crypto::from_hex(key);
    if (has_object(token->certificates(), key)) token->remove_certificate(id);
    if (has_object(token->private_keys(), key)) token->remove_key_pair(id);
    token->logout();
    run.book().record(run.order, run.teller, "rollback.new_key_removed", std::nullopt,
                      {.action = "token.new_key_removed", .details = "rollback of the update"});
  }
};

}  // namespace

const FlowSteps& update_steps() {
  static const UpdateSteps steps;
  return steps;
}

}  // namespace certdesk::workflows
