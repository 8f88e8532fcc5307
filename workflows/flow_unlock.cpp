// unlock (证书解锁): SO login with the derived SO PIN, C_InitPIN with the
// customer's new PIN. Nothing to undo on the token in a roll back: until the
// new PIN is set the old one stands.
#include "common/error.h"
#include "common/i18n.h"
#include "workflows/flow_steps.h"
#include "workflows/lookups.h"

namespace certdesk::workflows {
namespace {

class UnlockSteps final : public FlowSteps {
 public:
  void check(FlowRun& run, const std::string& uscc) const override {
    Services& s = run.s;
    db::Organisation org = customer_on_record(s, uscc);
    db::TokenRecord rec = token_of(s, org, run.r.token_serial);
    if (rec.state != "active" && rec.state != "locked")
      throw RuleRefused(codes::token_state_refused, "token-state",
                        msg(tr("Token {} is {}; only an active or locked token can be unlocked."), rec.serial, rec.state));
    TokenView info = s.tokens.open(run.r.token_serial)->info();
    if (!info.user_pin_initialized)
      throw RuleRefused(codes::token_state_refused, "token-state",
                        msg(tr("Token {} has no user PIN yet; it was never personalised."), rec.serial));
    // A new-PIN file outside the token's rules is refused before the order is opened or paid.
    run.counter.pin_prompt().check_ahead(new_pin_rules(info, s.config), run.r.token_serial);
  }

  bool work(FlowRun& run, const db::Organisation&) const override {
    if (run.state() != OrderState::paid) return true;
    Services& s = run.s;
    Counter& c = run.counter;
    db::ServiceOrder& order = run.order;
    auto token = s.tokens.open(order.token_serial);
    TokenView info = token->info();
    auto rec = db::Tokens(s.db).by_serial(order.token_serial);
    bool was_locked = info.pin_locked || (rec && rec->state == "locked");
    if (info.pin_locked && rec && rec->state == "active")
      c.move_token(order, run.teller, order.token_serial, TokenState::locked, "the token reports its PIN locked");
    PinRules rules = new_pin_rules(info, s.config);
    Secret pin = c.ask_new_pin(order, run.teller, rules);
    if (pin.empty()) return false;
    c.set_user_pin(order, run.teller, *token, std::move(pin));
    token->logout();
    c.move_token(order, run.teller, order.token_serial, TokenState::active, "PIN unlocked at the counter");
    run.book().record(order, run.teller, "token_done", OrderState::token_done,
                      {.action = "token.unlocked",
                       .details = was_locked ? "PIN unlocked" : "PIN reset (the PIN was not locked; same documents)"});
    return true;
  }
};

}  // namespace

const FlowSteps& unlock_steps() {
  static const UnlockSteps steps;
  return steps;
}

}  // namespace certdesk::workflows
