#include "workflows/flows.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

namespace certdesk::workflows {

using nlohmann::json;

namespace {

const char* kInvalidNote = "All earlier certificates of this customer are revoked; any backup of them is useless.";

db::Organisation customer_on_record(Services& s, const std::string& uscc) {
  auto org = db::Organisations(s.db).by_uscc(uscc);
  if (!org)
    throw RuleRefused(codes::not_found, "customer",
                      fmt::format(fmt::runtime(tr("There is no record of organisation {}. A customer without a certificate needs a first issuance.")),
                                  uscc));
  return *org;
}

// The token must be on record as this organisation's (SPEC §3).
db::TokenRecord token_of(Services& s, const db::Organisation& org, const std::string& serial) {
  if (serial.empty()) throw InputError(codes::bad_request, tr("Enter the serial printed on the customer's token."));
  auto rec = db::Tokens(s.db).by_serial(serial);
  if (!rec || rec->organisation_id != org.id)
    throw RuleRefused(codes::wrong_token, "token-on-record",
                      fmt::format(fmt::runtime(tr("Token {} is not on record for {}. Check that the customer brought the right key.")),
                                  serial, org.name));
  return *rec;
}

std::vector<std::string> valid_certs_on(Services& s, const std::string& serial) {
  std::vector<std::string> out;
  for (const auto& c : db::Certificates(s.db).on_token(serial))
    if (c.status == "valid") out.push_back(c.serial);
  return out;
}

bool has_object(const std::vector<TokenObjectView>& objs, const std::string& id) {
  return std::any_of(objs.begin(), objs.end(), [&](const auto& o) { return o.id == id; });
}

std::string join(const json& arr) {
  std::string s;
  for (const auto& v : arr) s += (s.empty() ? "" : ",") + v.get<std::string>();
  return s;
}

bool is_live_token_state(const std::string& s) { return s == "active" || s == "locked" || s == "suspended"; }

// The customer's old token for reissue / replace: named in the request, else the only live one.
std::vector<std::string> old_tokens(Services& s, const db::Organisation& org, const ServiceRequest& r, bool need_one) {
  if (!r.old_token_serial.empty()) {
    token_of(s, org, r.old_token_serial);
    return {r.old_token_serial};
  }
  std::vector<std::string> out;
  for (const auto& t : db::Tokens(s.db).of_organisation(org.id))
    if (t.serial != r.token_serial && is_live_token_state(t.state)) out.push_back(t.serial);
  if (need_one && out.size() > 1)
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("{} has {} tokens in use; name the old one in old_token_serial.")), org.name,
                                 out.size()));
  return out;
}

// Opens the customer's token and logs in with the PIN the customer types.
std::unique_ptr<TokenSession> open_logged_in(Services& s, PinPrompt& p, const std::string& serial) {
  auto token = s.tokens.open(serial);
  TokenView info = token->info();
  auto pin = p.current_pin({info.min_pin, info.max_pin}, serial);
  if (!pin || pin->empty())
    throw InputError(codes::bad_request, tr("The customer did not enter the token's PIN; nothing was done."));
  token->login_user(*pin);
  return token;
}

}  // namespace

void Flows::require_renewal_window(const CounterConfig& config, Seconds now, std::int64_t not_after) {
  const std::int64_t t = now.time_since_epoch().count();
  const std::int64_t opens = not_after - std::int64_t{config.renewal_opens_days_before} * 86400;
  const std::int64_t closes = not_after + std::int64_t{config.renewal_closes_days_after} * 86400;
  auto day = [&](std::int64_t s) { return text::business_day(Seconds(std::chrono::seconds(s)), config.utc_offset_minutes); };
  if (t < opens)
    throw RuleRefused(codes::not_in_renewal_window, "renewal-window",
                      fmt::format(fmt::runtime(tr("Too early to update: the certificate is valid until {}; the update window opens on {} ({} days before it expires).")),
                                  day(not_after), day(opens), config.renewal_opens_days_before));
  if (t > closes)
    throw RuleRefused(codes::not_in_renewal_window, "renewal-window",
                      fmt::format(fmt::runtime(tr("Too late to update: the certificate expired on {} and the update window closed on {} ({} days after). The customer needs a token replacement or a new issuance.")),
                                  day(not_after), day(closes), config.renewal_closes_days_after));
}

OrderResult Flows::finish(db::ServiceOrder& order, const Actor& teller, bool hand_over) {
  if (hand_over) c_.hand_over(order, teller);
  return c_.book().result_of(order);
}

OrderResult Flows::run(const Actor& teller, const ServiceRequest& r, bool hand_over) {
  Services& s = c_.services();
  db::ServiceOrder order;
  Counter::PaymentPlan plan;
  std::unique_ptr<TokenSession> held;   // update: the token with the customer logged in
  try {
    require(teller, Permission::run_order);
    Counter::Intake in = c_.review(teller, r);
    if (!in.existing) {
      const std::string& uscc = in.review.uscc;
      switch (r.flow) {
        case Flow::issue:
          c_.require_blank_token(r.token_serial);
          break;
        case Flow::reissue: {
          db::Organisation org = customer_on_record(s, uscc);
          if (db::Certificates(s.db).valid_of_organisation(org.id).empty())
            throw RuleRefused(codes::not_found, "reissue",
                              fmt::format(fmt::runtime(tr("{} has no valid certificate to reissue. Use a first issuance.")),
                                          org.name));
          if (r.reason != "lost" && r.reason != "damaged_customer" && r.reason != "damaged_quality")
            throw InputError(codes::bad_request, tr("A reissue needs a reason: lost, damaged_customer or damaged_quality."));
          old_tokens(s, org, r, false);
          c_.require_blank_token(r.token_serial);
          break;
        }
        case Flow::unlock: {
          db::Organisation org = customer_on_record(s, uscc);
          db::TokenRecord rec = token_of(s, org, r.token_serial);
          if (rec.state != "active" && rec.state != "locked")
            throw RuleRefused(codes::token_state_refused, "token-state",
                              fmt::format(fmt::runtime(tr("Token {} is {}; only an active or locked token can be unlocked.")),
                                          rec.serial, rec.state));
          if (!s.tokens.open(r.token_serial)->info().user_pin_initialized)
            throw RuleRefused(codes::token_state_refused, "token-state",
                              fmt::format(fmt::runtime(tr("Token {} has no user PIN yet; it was never personalised.")), rec.serial));
          break;
        }
        case Flow::update: {
          db::Organisation org = customer_on_record(s, uscc);
          db::TokenRecord rec = token_of(s, org, r.token_serial);
          if (rec.state == "locked")
            throw RuleRefused(codes::token_state_refused, "token-state",
                              fmt::format(fmt::runtime(tr("Token {} is locked: unlock it first, then update.")), rec.serial));
          if (rec.state != "active")
            throw RuleRefused(codes::token_state_refused, "token-state",
                              fmt::format(fmt::runtime(tr("Token {} is {}; only an active token can be updated.")), rec.serial,
                                          rec.state));
          std::optional<db::CertificateRecord> current;
          for (const auto& c : db::Certificates(s.db).on_token(rec.serial))
            if (c.status == "valid" && (!current || c.not_after > current->not_after)) current = c;
          if (!current)
            throw RuleRefused(codes::not_found, "update",
                              fmt::format(fmt::runtime(tr("Token {} holds no valid certificate to update.")), rec.serial));
          require_renewal_window(s.config, s.clock.now(), current->not_after);
          held = open_logged_in(s, c_.pin_prompt(), rec.serial);
          break;
        }
        case Flow::replace: {
          db::Organisation org = customer_on_record(s, uscc);
          if (old_tokens(s, org, r, true).empty())
            throw RuleRefused(codes::not_found, "replace",
                              fmt::format(fmt::runtime(tr("{} has no token in use to replace. Use a first issuance.")), org.name));
          c_.require_blank_token(r.token_serial);
          break;
        }
        case Flow::cancel: {
          db::Organisation org = customer_on_record(s, uscc);
          db::TokenRecord rec = token_of(s, org, r.token_serial);
          if (valid_certs_on(s, rec.serial).empty())
            throw RuleRefused(codes::not_found, "cancel",
                              fmt::format(fmt::runtime(tr("Token {} holds no valid certificate; there is nothing to cancel.")),
                                          rec.serial));
          if (r.wipe_token) s.tokens.open(rec.serial);   // must be inserted to be wiped
          break;
        }
      }
    }
    if (!in.existing || order_state_from(in.existing->state) == OrderState::documents_checked)
      plan = c_.plan_payment(teller, r);
    order = c_.open_order(teller, r, in);
  } catch (const Error& e) {
    c_.refused(teller, r, e);
  }
  // Flows that personalise a new token plan its key id in the payment's
  // transaction: durable before the token is touched, without a step of its own.
  if ((r.flow == Flow::issue || r.flow == Flow::reissue || r.flow == Flow::replace) &&
      !OrderBook::data(order).contains("key_id"))
    OrderBook::set_data(order, "key_id", crypto::to_hex(crypto::random_bytes(16)));
  c_.take_payment(order, teller, r, plan);

  try {
    db::Organisation org = c_.organisation_of(order);
    OrderBook& book = c_.book();
    auto waiting = [&] {
      OrderResult res = book.result_of(order);
      res.waiting = true;
      return res;
    };
    auto state = [&] { return order_state_from(order.state); };

    switch (r.flow) {
      case Flow::issue:
        if (state() == OrderState::paid && !c_.personalise(order, teller)) return waiting();
        break;

      case Flow::reissue: {
        if (state() == OrderState::paid) {
          json d = OrderBook::data(order);
          if (!d.contains("old_certs")) {
            json certs = json::array(), toks = json::array();
            for (const auto& c : db::Certificates(s.db).valid_of_organisation(org.id)) certs.push_back(c.serial);
            for (const auto& t : old_tokens(s, org, r, false)) toks.push_back(t);
            OrderBook::set_data(order, "old_certs", certs);
            OrderBook::set_data(order, "old_tokens", toks);
            OrderBook::set_data(order, "notes", kInvalidNote);
            book.record(order, teller, "reissue.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("revoke {}; tokens {}", join(certs), join(toks))});
            d = OrderBook::data(order);
          }
          const bool lost = r.reason == "lost";
          for (const auto& serial : d["old_certs"]) {
            auto c = db::Certificates(s.db).by_serial(serial.get<std::string>());
            if (c && c->status == "valid")
              c_.revoke(order, teller, c->serial, lost ? RevocationReason::key_compromise : RevocationReason::superseded,
                        lost ? "token reported lost (reissue)" : "token damaged (reissue)");
          }
          for (const auto& t : d["old_tokens"]) {
            std::string serial = t.get<std::string>();
            c_.move_token(order, teller, serial, lost ? TokenState::lost : TokenState::damaged, "reissue");
            auto doc = r.documents.find("token");
            if (!lost && doc != r.documents.end() && doc->second.present)
              c_.move_token(order, teller, serial, TokenState::retired, "damaged token handed in");
          }
          if (!c_.personalise(order, teller)) return waiting();
        }
        break;
      }

      case Flow::unlock: {
        if (state() == OrderState::paid) {
          auto token = s.tokens.open(order.token_serial);
          TokenView info = token->info();
          auto rec = db::Tokens(s.db).by_serial(order.token_serial);
          bool was_locked = info.pin_locked || (rec && rec->state == "locked");
          if (info.pin_locked && rec && rec->state == "active")
            c_.move_token(order, teller, order.token_serial, TokenState::locked, "the token reports its PIN locked");
          PinRules rules = new_pin_rules(info, s.config);
          Secret pin = c_.ask_new_pin(order, teller, rules);
          if (pin.empty()) return waiting();
          c_.set_user_pin(order, teller, *token, std::move(pin));
          token->logout();
          c_.move_token(order, teller, order.token_serial, TokenState::active, "PIN unlocked at the counter");
          book.record(order, teller, "token_done", OrderState::token_done,
                      {.action = "token.unlocked",
                       .details = was_locked ? "PIN unlocked" : "PIN reset (the PIN was not locked; same documents)"});
        }
        break;
      }

      case Flow::update: {
        if (state() == OrderState::paid) {
          json d = OrderBook::data(order);
          if (!d.contains("old_cert")) {
            std::optional<db::CertificateRecord> current;
            for (const auto& c : db::Certificates(s.db).on_token(order.token_serial))
              if (c.status == "valid" && (!current || c.not_after > current->not_after)) current = c;
            if (!current) throw RuleRefused(codes::not_found, "update", tr("The token holds no valid certificate to update."));
            OrderBook::set_data(order, "old_cert", current->serial);
            OrderBook::set_data(order, "old_key_id", current->key_id);
            OrderBook::set_data(order, "key_id", crypto::to_hex(crypto::random_bytes(16)));
            OrderBook::set_data(order, "notes", kInvalidNote);
            book.record(order, teller, "update.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("replace {}", current->serial)});
            d = OrderBook::data(order);
          }
          if (!held) held = open_logged_in(s, c_.pin_prompt(), order.token_serial);
          const std::string old_key = d.value("old_key_id", "");
          if (order.step != "token.cert_stored" && order.step != "token.old_removed" &&
              order.step.rfind("cert.revoked", 0) != 0) {
            // An interrupted attempt may have left a new key or certificate: remove them and begin again.
            if (std::string stale = d.value("cert_serial", ""); !stale.empty()) {
              c_.revoke(order, teller, stale, RevocationReason::superseded, "issued in an interrupted update, never delivered");
              OrderBook::set_data(order, "cert_serial", "");
            }
            std::string new_key = d.value("key_id", "");
            Bytes new_id = crypto::from_hex(new_key);
            if (has_object(held->certificates(), new_key)) held->remove_certificate(new_id);
            if (has_object(held->private_keys(), new_key)) held->remove_key_pair(new_id);
            c_.issue_to_token(order, teller, *held, org);
          }
          if (order.step == "token.cert_stored") {
            Bytes old_id = crypto::from_hex(old_key);
            if (has_object(held->certificates(), old_key)) held->remove_certificate(old_id);
            if (has_object(held->private_keys(), old_key)) held->remove_key_pair(old_id);
            book.record(order, teller, "token.old_removed", std::nullopt,
                        {.action = "token.old_removed", .cert_serial = d.value("old_cert", "")});
          }
          held->logout();
          auto old = db::Certificates(s.db).by_serial(d.value("old_cert", ""));
          if (old && old->status == "valid")
            c_.revoke(order, teller, old->serial, RevocationReason::superseded, "certificate updated");
          book.record(order, teller, "token_done", OrderState::token_done,
                      {.action = "token.updated", .cert_serial = OrderBook::data(order).value("cert_serial", "")});
        }
        break;
      }

      case Flow::replace: {
        if (state() == OrderState::paid) {
          json d = OrderBook::data(order);
          if (!d.contains("old_tokens")) {
            json toks = json::array(), certs = json::array();
            for (const auto& t : old_tokens(s, org, r, true)) {
              toks.push_back(t);
              for (const auto& c : valid_certs_on(s, t)) certs.push_back(c);
            }
            OrderBook::set_data(order, "old_tokens", toks);
            OrderBook::set_data(order, "old_certs", certs);
            OrderBook::set_data(order, "notes", kInvalidNote);
            book.record(order, teller, "replace.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("retire {}; revoke {}", join(toks), join(certs))});
          }
          if (!c_.personalise(order, teller)) return waiting();
        }
        if (state() == OrderState::token_done) {
          // After the new token works: the old certificate goes, the old token retires. Idempotent on resume.
          json d = OrderBook::data(order);
          for (const auto& serial : d.value("old_certs", json::array())) {
            auto c = db::Certificates(s.db).by_serial(serial.get<std::string>());
            if (c && c->status == "valid")
              c_.revoke(order, teller, c->serial, RevocationReason::superseded, "token replaced");
          }
          for (const auto& t : d.value("old_tokens", json::array()))
            c_.move_token(order, teller, t.get<std::string>(), TokenState::retired, "replaced by " + order.token_serial);
        }
        break;
      }

      case Flow::cancel: {
        if (state() == OrderState::paid) {
          json d = OrderBook::data(order);
          if (!d.contains("certs")) {
            json certs = json::array();
            for (const auto& c : valid_certs_on(s, order.token_serial)) certs.push_back(c);
            OrderBook::set_data(order, "certs", certs);
            book.record(order, teller, "cancel.planned", std::nullopt,
                        {.action = "order.plan", .details = fmt::format("revoke {}", join(certs))});
            d = OrderBook::data(order);
          }
          for (const auto& serial : d["certs"]) {
            auto c = db::Certificates(s.db).by_serial(serial.get<std::string>());
            if (c && c->status == "valid")
              c_.revoke(order, teller, c->serial, RevocationReason::cessation_of_operation, "certificate cancelled (注销)");
          }
          if (r.wipe_token && order.step != "token.wiped") {
            auto token = s.tokens.open(order.token_serial);
            token->reinitialise(s.so_pins.for_token(order.token_serial), "RETIRED");
            book.record(order, teller, "token.wiped", std::nullopt, {.action = "token.wiped"});
          }
          c_.move_token(order, teller, order.token_serial, TokenState::retired, "certificate cancelled");
          book.record(order, teller, "token_done", OrderState::token_done, {.action = "order.cancelled_certificate"});
        }
        break;
      }
    }
  } catch (const Error& e) {
    // The order stays at its last durable step, listed as unfinished.
    try {
      db::Transaction tx(s.db);
      s.journal.append({.staff = teller.name, .action = "order.interrupted", .order_id = order.id,
                        .token_serial = order.token_serial, .outcome = e.code(),
                        .details = fmt::format("at {}: {}", order.step, std::string(e.what()).substr(0, 240)),
                        .flow = order.flow},
                       s.clock.now());
      tx.commit();
    } catch (const Error&) {
    }
    throw;
  }
  return finish(order, teller, hand_over);
}

OrderResult Flows::resume(const Actor& teller, db::Id order_id, bool hand_over) {
  require(teller, Permission::run_order);
  Services& s = c_.services();
  auto order = db::Orders(s.db).by_id(order_id);
  if (!order) throw RuleRefused(codes::not_found, "order", fmt::format(fmt::runtime(tr("There is no order {}.")), order_id));
  if (is_final(order_state_from(order->state)))
    throw RuleRefused(codes::illegal_transition, "order-state",
                      fmt::format(fmt::runtime(tr("Order {} is {}; there is nothing to resume.")), order_id, order->state));
  c_.reconcile_with_ca(teller);
  ServiceRequest r = parse_request(order->request_json);
  return run(teller, r, hand_over);
}

OrderResult Flows::rollback(const Actor& teller, db::Id order_id) {
  require(teller, Permission::run_order);
  Services& s = c_.services();
  auto found = db::Orders(s.db).by_id(order_id);
  if (!found) throw RuleRefused(codes::not_found, "order", fmt::format(fmt::runtime(tr("There is no order {}.")), order_id));
  db::ServiceOrder order = *found;
  OrderState st = order_state_from(order.state);
  if (is_final(st))
    throw RuleRefused(codes::illegal_transition, "order-state",
                      fmt::format(fmt::runtime(tr("Order {} is {}; there is nothing to roll back.")), order_id, order.state));
  if (st == OrderState::token_done || st == OrderState::handed_over)
    throw RuleRefused(codes::illegal_transition, "order-state",
                      fmt::format(fmt::runtime(tr("Order {}: the token work is done; resume it to finish the handover.")), order_id));
  ServiceRequest r = parse_request(order.request_json);
  json d = OrderBook::data(order);
  Flow flow = flow_from(order.flow);
  if (flow == Flow::cancel && order.step.rfind("cert.revoked", 0) == 0)
    throw RuleRefused(codes::illegal_transition, "rollback",
                      tr("A revocation cannot be undone; resume the cancellation to finish it."));
  // Once the new certificate is on the token, removing the old key may have begun.
  if (flow == Flow::update &&
      (order.step == "token.cert_stored" || order.step == "token.old_removed" || order.step.rfind("cert.revoked", 0) == 0))
    throw RuleRefused(codes::illegal_transition, "rollback",
                      tr("The new certificate is on the token and the old one is being removed; resume the update to finish it."));
  c_.reconcile_with_ca(teller);
  if (auto fresh = db::Orders(s.db).by_id(order_id)) order = *fresh;

  // Undo on the token first: if it is absent this throws and nothing else changes.
  std::string key = d.value("key_id", "");
  if (!key.empty() && (flow == Flow::issue || flow == Flow::reissue || flow == Flow::replace) &&
      order.step != "documents_checked") {
    // At "paid" the token may have been re-initialised by a run killed before it
    // could record that; if it is not here, nothing was written to it that matters
    // (re-initialising erases every object), so only then is its absence allowed.
    std::unique_ptr<TokenSession> maybe;
    try {
      maybe = s.tokens.open(order.token_serial);
    } catch (const TokenError& e) {
      if (e.code() != codes::no_token || order.step != "paid") throw;
    }
    if (maybe) {
    auto token = std::move(maybe);
    Secret derived = s.so_pins.for_token(order.token_serial);
    Secret transport = s.so_pins.transport();
    try {
      token->reinitialise(derived, "BLANK");
      token->change_so_pin(derived, transport);
    } catch (const TokenError& e) {
      if (e.code() != codes::wrong_pin) throw;
      token->reinitialise(transport, "BLANK");
    }
    c_.book().record(order, teller, "rollback.token_wiped", std::nullopt,
                     {.action = "token.wiped", .details = "back to factory-blank (rollback)"}, [&](db::JournalRecord&) {
                       if (db::Tokens(s.db).by_serial(order.token_serial))
                         db::Tokens(s.db).set_state(order.token_serial, to_string(TokenState::blank),
                                                    text::iso_utc(s.clock.now()));
                     });
    }
  } else if (!key.empty() && flow == Flow::update) {
    auto token = open_logged_in(s, c_.pin_prompt(), order.token_serial);
    Bytes id = crypto::from_hex(key);
    if (has_object(token->certificates(), key)) token->remove_certificate(id);
    if (has_object(token->private_keys(), key)) token->remove_key_pair(id);
    token->logout();
    c_.book().record(order, teller, "rollback.new_key_removed", std::nullopt,
                     {.action = "token.new_key_removed", .details = "rollback of the update"});
  }
  if (std::string cert = d.value("cert_serial", ""); !cert.empty()) {
    auto c = db::Certificates(s.db).by_serial(cert);
    if (!c || c->status == "valid")
      c_.revoke(order, teller, cert, RevocationReason::superseded, "order rolled back, never delivered");
  }
  // A refund voids the receipt; it keeps its number. A supervisor approves it.
  for (const auto& p : db::Payments(s.db).of_order(order.id)) {
    if (p.status != "issued") continue;
    Approval a = c_.approval(teller,
                             fmt::format(fmt::runtime(tr("refund {} yuan: void receipt {} (order {} rolled back)")),
                                         yuan(p.amount_fen), p.receipt_no, order.id),
                             order.id);
    c_.book().record(order, teller, "receipt.voided:" + p.receipt_no, std::nullopt,
                     {.action = "receipt.voided", .amount_fen = p.amount_fen, .receipt_no = p.receipt_no,
                      .details = fmt::format("order rolled back; approved by {}", a.supervisor.name)},
                     [&](db::JournalRecord&) {
                       db::Payments(s.db).mark_voided(p.receipt_no, "order rolled back", a.supervisor.id);
                     });
  }
  c_.book().record(order, teller, "cancelled", OrderState::cancelled, {.action = "order.rolled_back"});
  return c_.book().result_of(order);
}

void TokenStatus::move(const std::string& serial, TokenState to, const std::string& action, const std::string& why) {
  require(who_, Permission::run_order);
  db::Tokens tokens(s_.db);
  auto rec = tokens.by_serial(serial);
  if (!rec) throw RuleRefused(codes::not_found, "token", fmt::format(fmt::runtime(tr("Token {} is not on record.")), serial));
  require_token_move(serial, token_state_from(rec->state), to);
  std::string reason = text::checked(tr("reason"), why, 200, false);
  db::Transaction tx(s_.db);
  tokens.set_state(serial, to_string(to), text::iso_utc(s_.clock.now()));
  std::string org;
  if (rec->organisation_id)
    if (auto o = db::Organisations(s_.db).by_id(*rec->organisation_id)) org = o->uscc;
  s_.journal.append({.staff = who_.name, .action = action, .organisation = org, .token_serial = serial,
                     .details = fmt::format("{} → {}{}{}", rec->state, to_string(to), reason.empty() ? "" : ": ", reason)},
                    s_.clock.now());
  tx.commit();
}

void TokenStatus::suspend(const std::string& serial, const std::string& reason) {
  move(serial, TokenState::suspended, "token.suspended", reason);
}
void TokenStatus::found(const std::string& serial) { move(serial, TokenState::active, "token.found", ""); }
void TokenStatus::lost(const std::string& serial, const std::string& reason) {
  move(serial, TokenState::lost, "token.lost", reason);
}

}  // namespace certdesk::workflows
