#include "workflows/flows.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "workflows/certificates.h"
#include "workflows/choices.h"
#include "workflows/flow_steps.h"
#include "workflows/renewal.h"

namespace certdesk::workflows {

using nlohmann::json;

// ---- the frame every flow runs in -------------------------------------------

const FlowSteps& steps_of(Flow flow) {
  switch (flow) {
    case Flow::issue: return issue_steps();
    case Flow::reissue: return reissue_steps();
    case Flow::unlock: return unlock_steps();
    case Flow::update: return update_steps();
    case Flow::replace: return replace_steps();
    case Flow::cancel: return cancel_steps();
  }
  throw InputError(codes::bad_request, tr("Unknown flow."));
}

void FlowSteps::check_rollback(const db::ServiceOrder&) const {}
void FlowSteps::undo_on_token(FlowRun&) const {}

const char* const kEarlierCertificatesInvalid =
    "All earlier certificates of this customer are revoked; any backup of them is useless.";

std::string join(const json& arr) {
  std::string s;
  for (const auto& v : arr) s += (s.empty() ? "" : ",") + v.get<std::string>();
  return s;
}

void wipe_new_token_back_to_blank(FlowRun& run) {
  Services& s = run.s;
  db::ServiceOrder& order = run.order;
  if (run.data().value("key_id", "").empty() || order.step == "documents_checked") return;
  // At "paid" the token may have been re-initialised by a run killed before it
  // could record that; if it is not here, nothing was written to it that matters
  // (re-initialising erases every object), so only then is its absence allowed.
  std::unique_ptr<TokenSession> token = s.tokens.try_open(order.token_serial);
  if (!token) {
    if (order.step == "paid") return;
    throw TokenError(codes::no_token,
                     msg(tr("Insert token {}: the roll back must wipe it back to blank first; nothing was changed."),
                         order.token_serial));
  }
  Secret derived = s.so_pins.for_token(order.token_serial);
  Secret transport = s.so_pins.transport();
  if (token->try_reinitialise(derived, "BLANK") == PinOutcome::accepted)
    token->change_so_pin(derived, transport);
  else
    token->reinitialise(transport, "BLANK");   // never personalised that far: still the transport SO PIN
  run.book().record(order, run.teller, "rollback.token_wiped", std::nullopt,
                    {.action = "token.wiped", .details = "back to factory-blank (rollback)"}, [&](db::JournalRecord&) {
                      if (db::Tokens(s.db).by_serial(order.token_serial))
                        db::Tokens(s.db).set_state(order.token_serial, to_string(TokenState::blank),
                                                   text::iso_utc(s.clock.now()));
                    });
}

namespace {

// The end of every roll back, after the token is clean: the certificate the
// order issued is revoked (never delivered), each receipt is voided with a
// supervisor's approval of the refund (it keeps its number), the order is
// cancelled. Each a durable step; a resumed roll back skips what is done.
void close_rolled_back(FlowRun& run, const std::string& cert_serial, const char* why) {
  Services& s = run.s;
  db::ServiceOrder& order = run.order;
  if (!cert_serial.empty()) {
    auto c = db::Certificates(s.db).by_serial(cert_serial);
    if (!c || c->status == "valid")
      run.counter.revoke(order, run.teller, cert_serial, RevocationReason::superseded, "order rolled back, never delivered");
  }
  for (const auto& p : db::Payments(s.db).of_order(order.id)) {
    if (p.status != "issued") continue;
    Approval a = run.counter.approval(
        run.teller, msg(tr("refund {} yuan: void receipt {} (order {} rolled back)"), yuan(p.amount_fen), p.receipt_no, order.id),
        order.id);
    run.book().record(order, run.teller, "receipt.voided:" + p.receipt_no, std::nullopt,
                      {.action = "receipt.voided", .amount_fen = p.amount_fen, .receipt_no = p.receipt_no,
                       .details = fmt::format("{}; approved by {}", why, a.supervisor.name)},
                      [&](db::JournalRecord&) { db::Payments(s.db).mark_voided(p.receipt_no, why, a.supervisor.id); });
  }
  run.book().record(order, run.teller, "cancelled", OrderState::cancelled, {.action = "order.rolled_back"});
}

}  // namespace

void Flows::require_renewal_window(const CounterConfig& config, Seconds now, std::int64_t not_after) {
  RenewalWindow::from(config).require(now, not_after);
}

OrderResult Flows::run(const Actor& teller, const ServiceRequest& r, bool hand_over) {
  const FlowSteps& steps = steps_of(r.flow);
  FlowRun run{c_, c_.services(), teller, r, {}, nullptr};
  Counter::PaymentPlan plan;
  try {
    require(teller, Permission::run_order);
    Counter::Intake in = c_.review(teller, r);
    if (!in.existing) steps.check(run, in.review.uscc);
    if (!in.existing || order_state_from(in.existing->state) == OrderState::documents_checked)
      plan = c_.plan_payment(teller, r);
    run.order = c_.open_order(teller, r, in);
  } catch (const Error& e) {
    c_.refused(teller, r, e);
  }
  // Flows that personalise a new token plan its key id in the payment's
  // transaction: durable before the token is touched, without a step of its own.
  if (personalises_new_token(r.flow) && !OrderBook::data(run.order).contains("key_id"))
    OrderBook::set_data(run.order, "key_id", crypto::to_hex(crypto::random_bytes(16)));
  c_.take_payment(run.order, teller, r, plan);

  bool done = false;
  try {
    done = steps.work(run, c_.organisation_of(run.order));
  } catch (const Error& e) {
    // The order stays at its last durable step, listed as unfinished.
    c_.interrupted(run.order, teller, e);
  }
  if (!done) {
    OrderResult res = c_.book().result_of(run.order);
    res.waiting = true;
    return res;
  }
  if (hand_over) c_.hand_over(run.order, teller);
  return c_.book().result_of(run.order);
}

OrderResult Flows::resume(const Actor& teller, db::Id order_id, bool hand_over) {
  require(teller, Permission::run_order);
  Services& s = c_.services();
  auto order = db::Orders(s.db).by_id(order_id);
  if (!order) throw RuleRefused(codes::not_found, "order", msg(tr("There is no order {}."), order_id));
  if (is_final(order_state_from(order->state)))
    throw RuleRefused(codes::illegal_transition, "order-state",
                      msg(tr("Order {} is {}; there is nothing to resume."), order_id, order->state));
  c_.reconcile_with_ca(teller);
  ServiceRequest r = parse_request(order->request_json);
  return run(teller, r, hand_over);
}

db::ServiceOrder Flows::order_to_roll_back(const Actor& teller, db::Id order_id) {
  require(teller, Permission::run_order);
  auto found = db::Orders(c_.services().db).by_id(order_id);
  if (!found) throw RuleRefused(codes::not_found, "order", msg(tr("There is no order {}."), order_id));
  OrderState st = order_state_from(found->state);
  if (is_final(st))
    throw RuleRefused(codes::illegal_transition, "order-state",
                      msg(tr("Order {} is {}; there is nothing to roll back."), order_id, found->state));
  if (st == OrderState::token_done || st == OrderState::handed_over)
    throw RuleRefused(codes::illegal_transition, "order-state",
                      msg(tr("Order {}: the token work is done; resume it to finish the handover."), order_id));
  steps_of(flow_from(found->flow)).check_rollback(*found);
  return *found;
}

OrderResult Flows::rollback(const Actor& teller, db::Id order_id) {
  Services& s = c_.services();
  db::ServiceOrder found = order_to_roll_back(teller, order_id);
  ServiceRequest r = parse_request(found.request_json);
  const FlowSteps& steps = steps_of(flow_from(found.flow));
  const json planned = OrderBook::data(found);
  c_.reconcile_with_ca(teller);
  FlowRun run{c_, s, teller, r, found, nullptr};
  if (auto fresh = db::Orders(s.db).by_id(order_id)) run.order = *fresh;

  // Undo on the token first: if it is absent this throws and nothing else changes.
  steps.undo_on_token(run);
  close_rolled_back(run, planned.value("cert_serial", ""), "order rolled back");
  return c_.book().result_of(run.order);
}

OrderResult Flows::rollback_without_token(const Actor& teller, db::Id order_id, TokenState gone_as, const std::string& why) {
  Services& s = c_.services();
  if (gone_as != TokenState::lost && gone_as != TokenState::damaged)
    throw InputError(codes::bad_request, tr("A token gone for good is reported lost or damaged."));
  const std::string reason = text::checked(tr("reason"), why, 200);
  db::ServiceOrder found = order_to_roll_back(teller, order_id);
  ServiceRequest r = parse_request(found.request_json);
  const std::string serial = found.token_serial;
  // The token's record must be able to take the new state before anything is done.
  std::optional<db::TokenRecord> rec = db::Tokens(s.db).by_serial(serial);
  if (rec && token_state_from(rec->state) != gone_as) require_token_move(serial, token_state_from(rec->state), gone_as);
  Approval a = c_.approval(teller,
                           msg(tr("roll back order {} without its token: token {} is {} ({})"), order_id, serial,
                               tr_ctx("state", to_string(gone_as)), reason),
                           order_id);
  const json planned = OrderBook::data(found);
  c_.reconcile_with_ca(teller);
  FlowRun run{c_, s, teller, r, found, nullptr};
  if (auto fresh = db::Orders(s.db).by_id(order_id)) run.order = *fresh;

  // What the order issued, and what lives on the token: none of it can be trusted now.
  std::vector<std::string> certs;
  if (std::string issued = planned.value("cert_serial", ""); !issued.empty()) certs.push_back(issued);
  for (const auto& c : valid_certificates_on(s.db, serial))
    if (std::find(certs.begin(), certs.end(), c) == certs.end()) certs.push_back(c);
  const bool lost = gone_as == TokenState::lost;
  for (const auto& serial_of_cert : certs) {
    auto c = db::Certificates(s.db).by_serial(serial_of_cert);
    if (!c || c->status == "valid")
      c_.revoke(run.order, teller, serial_of_cert, lost ? RevocationReason::key_compromise : RevocationReason::superseded,
                "token gone for good; order rolled back without it");
  }
  run.book().record(run.order, teller, "rollback.token_gone", std::nullopt,
                    {.action = "token.state", .token_serial = serial,
                     .details = fmt::format("{} → {}: {} (rolled back without the token; approved by {})",
                                            rec ? rec->state : "-", to_string(gone_as), reason, a.supervisor.name)},
                    [&](db::JournalRecord&) {
                      db::Tokens tokens(s.db);
                      if (tokens.by_serial(serial))
                        tokens.set_state(serial, to_string(gone_as), text::iso_utc(s.clock.now()));
                      else
                        tokens.upsert({.serial = serial, .organisation_id = run.order.organisation_id,
                                       .state = to_string(gone_as), .updated_utc = text::iso_utc(s.clock.now())});
                    });
  close_rolled_back(run, "", "order rolled back without its token");
  return c_.book().result_of(run.order);
}

}  // namespace certdesk::workflows
