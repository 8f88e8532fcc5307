#include "workflows/counter.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "workflows/clock_guard.h"
#include "workflows/states.h"

namespace certdesk::workflows {

using nlohmann::json;

Counter::Counter(Services& s, StaffService& staff, Prompts prompts)
    : s_(s), staff_(staff), prompts_(prompts), book_(s) {}

Approval Counter::approval(const Actor& teller, const std::string& what, std::optional<db::Id> order_id) {
  return staff_.approve(teller, prompts_.approval, what, order_id);
}

std::optional<std::string> Counter::try_journal(const db::JournalRecord& entry) {
  try {
    db::Transaction tx(s_.db);
    s_.journal.append(entry, s_.clock.now());
    tx.commit();
  } catch (const Error& journal_failure) {
    return std::string(journal_failure.what());
  }
  return std::nullopt;
}

namespace {
// The error being handled, or — when the journal could not record it either and
// it is not itself a database error — one that says both (nothing is silent).
[[noreturn]] void rethrow_noting(const Error& e, const std::optional<std::string>& journal_failure) {
  if (journal_failure && !dynamic_cast<const DbError*>(&e))
    throw DbError(codes::journal_unavailable,
                  msg(tr("{} (The journal could not record this either: {})"), e.what(), *journal_failure));
  throw;   // the exception being handled, with its own type (never `throw e`: that slices it to Error)
}
}  // namespace

void Counter::refused(const Actor& teller, const ServiceRequest& r, const Error& e) {
  rethrow_noting(e, try_journal({.staff = teller.name, .action = "order.refused", .organisation = r.uscc,
                                 .token_serial = r.token_serial, .outcome = e.code(),
                                 .details = std::string(e.what()).substr(0, 300), .flow = to_string(r.flow)}));
}

void Counter::interrupted(const db::ServiceOrder& order, const Actor& teller, const Error& e) {
  rethrow_noting(e, try_journal({.staff = teller.name, .action = "order.interrupted", .order_id = order.id,
                                 .token_serial = order.token_serial, .outcome = e.code(),
                                 .details = fmt::format("at {}: {}", order.step, std::string(e.what()).substr(0, 240)),
                                 .flow = order.flow}));
}

Counter::Intake Counter::review(const Actor& teller, const ServiceRequest& r) {
  Intake out;
  require(teller, Permission::run_order);
  require_valid_request(r);   // every field clean before anything is read or written (issue 13.4)
  require_clock_not_behind(s_.db, s_.clock);   // no work booked before the journal's newest entry (13.9)
  std::string key = request_key(r);
  db::Orders orders(s_.db);
  if (auto existing = orders.by_request_key(key)) {
    if (!is_final(order_state_from(existing->state))) {
      out.existing = *existing;
      return out;
    }
    throw RuleRefused(codes::duplicate, "same-request",
                      fmt::format(fmt::runtime(tr("This request was already handled as order {} ({}); nothing was done again.")),
                                  existing->id, existing->state));
  }

  std::string today = text::business_day(s_.clock.now(), s_.config.utc_offset_minutes);
  out.review = review_documents(r, today);
  const DocumentReview& review = out.review;
  std::vector<DocumentProblem> overrides = problems_needing_approval(r, review);
  if (!r.token_serial.empty()) text::checked(tr("token serial"), r.token_serial, 32);

  // Names on the papers must match the records (SPEC §3).
  db::Organisations orgs(s_.db);
  std::optional<db::Organisation> org = orgs.by_uscc(review.uscc);
  if (org && org->name != review.organisation_name)
    throw InputError(codes::name_mismatch,
                     fmt::format(fmt::runtime(tr("The organisation {} is on record as '{}', but the papers say '{}'. Check the business licence; a name change must be recorded first.")),
                                 review.uscc, org->name, review.organisation_name));
  if (org) {
    for (const auto& h : orgs.handlers_of(org->id))
      if (h.id_number == review.handler_id_number && h.name != review.handler_name)
        throw InputError(codes::name_mismatch,
                         fmt::format(fmt::runtime(tr("ID number {} is on record as {}, not {}. Check the handler's ID card.")),
                                     review.handler_id_number, h.name, review.handler_name));
  }

  // Approvals come before anything is written: a refused approval changes nothing.
  for (const auto& p : overrides) {
    std::string reason = p.item == "uscc" ? r.uscc_override_reason : r.document_overrides.at(p.item);
    Approval a = approval(teller, fmt::format(fmt::runtime(tr("override: {} — reason: {}")), p.message, reason));
    out.approved_overrides.push_back(fmt::format("{}: {} ({})", p.item, reason, a.supervisor.name));
  }
  return out;
}

db::ServiceOrder Counter::open_order(const Actor& teller, const ServiceRequest& r, const Intake& intake) {
  if (intake.existing) return *intake.existing;
  const DocumentReview& review = intake.review;
  db::Organisations orgs(s_.db);
  std::optional<db::Organisation> org = orgs.by_uscc(review.uscc);
  db::Orders orders(s_.db);
  Seconds now = s_.clock.now();
  db::ServiceOrder order;
  order.flow = to_string(r.flow);
  // draft → documents_checked in the same transaction: nothing happens between them.
  require_order_move(OrderState::draft, OrderState::documents_checked);
  order.state = to_string(OrderState::documents_checked);
  order.step = "documents_checked";
  order.token_serial = r.token_serial;
  order.staff_id = teller.id;
  order.request_key = request_key(r);
  order.request_json = to_json(r);
  order.created_utc = order.updated_utc = text::iso_utc(now);

  db::Transaction tx(s_.db);
  // Read again under the write lock (BEGIN IMMEDIATE): another counter process on
  // this data folder may have recorded the organisation since the check above.
  if (!org) org = orgs.by_uscc(review.uscc);
  if (!org) {
    db::Organisation o{.name = review.organisation_name, .uscc = review.uscc, .created_utc = text::iso_utc(now)};
    o.id = orgs.insert(o);
    org = o;
  }
  order.organisation_id = org->id;
  order.handler_id = orgs.upsert_handler({.organisation_id = org->id, .name = review.handler_name,
                                          .id_number = review.handler_id_number});
  order.id = orders.insert(order);
  db::DocumentChecks checks(s_.db);
  for (const auto& c : checklist(r.flow, r.reason)) {
    auto it = r.documents.find(c.item);
    DocumentTick t = it == r.documents.end() ? DocumentTick{} : it->second;
    db::DocumentCheck d{.order_id = order.id, .item = c.item, .present = t.present, .stamped = t.stamped};
    if (!t.business_type.empty()) d.values_json = json{{"business_type", t.business_type}}.dump();
    auto ov = r.document_overrides.find(c.item);
    if (ov != r.document_overrides.end()) d.override_reason = ov->second;
    checks.insert(d);
  }
  s_.journal.append({.staff = teller.name, .action = "order.created", .order_id = order.id, .organisation = org->uscc,
                     .token_serial = r.token_serial, .details = review.organisation_name, .flow = order.flow},
                    now);
  if (!intake.approved_overrides.empty())
    s_.journal.append({.staff = teller.name, .action = "override", .order_id = order.id, .organisation = org->uscc,
                       .details = fmt::format("{}", fmt::join(intake.approved_overrides, "; ")), .flow = order.flow},
                      now);
  s_.journal.append({.staff = teller.name, .action = "order.documents_checked", .order_id = order.id,
                     .organisation = org->uscc, .token_serial = r.token_serial,
                     .details = review.notes.empty() ? "all documents present" : review.notes, .flow = order.flow},
                    now);
  tx.commit();
  return order;
}

Counter::PaymentPlan Counter::plan_payment(const Actor& teller, const ServiceRequest& r) {
  db::FeeSchedule schedule(s_.db);
  PaymentPlan plan{quote(schedule, r.flow, r.reason), {}};
  const FeeQuote& q = plan.quote;
  static const std::vector<std::string> methods{"cash", "card", "transfer"};
  if (std::find(methods.begin(), methods.end(), r.payment_method) == methods.end())
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("'{}' is not a payment method; use cash, card or transfer.")), r.payment_method));
  if (r.amount_fen > q.total_fen)
    throw RuleRefused(codes::fee_mismatch, "fee-schedule",
                      fmt::format(fmt::runtime(tr("The fee is {} yuan, but {} yuan was entered. Take exactly the fee.")),
                                  yuan(q.total_fen), yuan(r.amount_fen)));
  if (r.amount_fen < q.total_fen || q.free_by_rule_needs_approval) {
    std::string why = text::trim(r.waiver_reason);
    if (q.free_by_rule_needs_approval && why.empty()) why = tr("quality fault of the token (free reissue)");
    if (why.empty())
      throw RuleRefused(codes::fee_mismatch, "fee-schedule",
                        fmt::format(fmt::runtime(tr("The fee is {} yuan, but {} yuan was entered. A lower amount needs a waiver reason and a supervisor's approval.")),
                                    yuan(q.total_fen), yuan(r.amount_fen)));
    text::checked(tr("waiver reason"), why, kMaxReason);
    Approval a = approval(teller, fmt::format(fmt::runtime(tr("fee waiver: {} yuan instead of the scheduled fee — {}")),
                                              yuan(r.amount_fen), why));
    plan.waiver = fmt::format("waived by {}: {}", a.supervisor.name, why);
  }
  return plan;
}

void Counter::take_payment(db::ServiceOrder& order, const Actor& teller, const ServiceRequest& r, const PaymentPlan& plan) {
  if (order_state_from(order.state) != OrderState::documents_checked) return;   // already paid (resumed order)
  const FeeQuote& q = plan.quote;
  const std::string& waiver = plan.waiver;
  bool receipt_due = q.total_fen > 0 || !waiver.empty() || !q.lines.empty();
  if (!receipt_due) {
    book_.record(order, teller, "paid", OrderState::paid, {.action = "payment", .amount_fen = 0, .details = "no fee due"});
    return;
  }
  auto org = db::Organisations(s_.db).by_id(order.organisation_id.value_or(0));
  db::Payments payments(s_.db);
  db::Payment p;
  p.order_id = order.id;
  p.method = r.amount_fen == 0 ? "waived" : r.payment_method;
  p.payer = org ? org->name : "";
  std::vector<std::string> texts;
  for (const auto& l : q.lines) texts.push_back(l.text);
  if (texts.empty()) texts.push_back(business_type_label(r.flow));
  p.item = fmt::format("{}", fmt::join(texts, " + "));
  p.quantity = q.lines.size() == 1 ? q.lines[0].quantity : 1;
  p.unit_fen = p.quantity ? r.amount_fen / p.quantity : 0;
  p.amount_fen = r.amount_fen;
  p.teller_id = teller.id;
  p.invoice_no = text::checked(tr("invoice number"), r.invoice_no, 40, false);
  int year = int(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(
                     s_.clock.now() + std::chrono::minutes(s_.config.utc_offset_minutes))}.year());
  db::Id payment_id = 0;
  book_.record(order, teller, "paid", OrderState::paid,
               {.action = "payment", .amount_fen = r.amount_fen, .details = waiver.empty() ? p.method : waiver},
               [&](db::JournalRecord& entry) {
                 p.receipt_no = payments.next_receipt_no(s_.config.branch, s_.config.workstation, year);
                 p.created_utc = text::iso_utc(s_.clock.now());
                 payment_id = payments.insert(p);
                 entry.receipt_no = p.receipt_no;
               },
               // The receipt carries the hash of the entry that recorded it (its QR
               // code prints it), and that entry names the receipt: bound both ways.
               [&](const db::JournalEntry& written) { payments.set_journal_hash(payment_id, written.hash); });
}

PinRules Counter::require_blank_token(const std::string& serial, std::optional<db::Id> owner) {
  if (serial.empty()) throw InputError(codes::bad_request, tr("Enter the serial printed on the blank token."));
  auto rec = db::Tokens(s_.db).by_serial(serial);
  const bool ours = owner && rec && rec->state == to_string(TokenState::blank) && rec->organisation_id == owner;
  if (rec && rec->state != to_string(TokenState::blank))
    throw RuleRefused(codes::token_not_blank, "token-state",
                      fmt::format(fmt::runtime(tr("Token {} is on record as {}; a new certificate needs a blank token.")), serial,
                                  rec->state));
  TokenSession& session = *[&]() -> std::unique_ptr<TokenSession>& {
    if (!kept_ || kept_serial_ != serial) {
      kept_ = s_.tokens.open(serial);
      kept_serial_ = serial;
    }
    return kept_;
  }();
  TokenView info = session.info();
  if (!ours && (info.user_pin_initialized || !info.initialized))
    throw RuleRefused(codes::token_not_blank, "token-state",
                      fmt::format(fmt::runtime(tr("Token {} is not a factory-blank token (it is already personalised). Use a new blank token, or the unlock / update flow for this one.")),
                                  serial));
  PinRules rules = new_pin_rules(info, s_.config);
  prompts_.pin.check_ahead(rules, serial);   // a PIN file outside the rules is refused before the payment
  return rules;
}

std::unique_ptr<TokenSession> Counter::open_token(const std::string& serial) {
  if (kept_ && kept_serial_ == serial) {
    kept_serial_.clear();
    return std::move(kept_);
  }
  return s_.tokens.open(serial);
}

Secret Counter::ask_new_pin(db::ServiceOrder& order, const Actor& teller, const PinRules& rules) {
  auto pin = prompts_.pin.new_pin(rules, order.token_serial);
  if (!pin || pin->empty()) {
    book_.record(order, teller, order.step, std::nullopt,
                 {.action = "order.waiting", .details = "customer cancelled the PIN entry"});
    return Secret();
  }
  check_pin_rules(rules, *pin);
  return std::move(*pin);
}

db::Organisation Counter::organisation_of(const db::ServiceOrder& order) {
  auto org = db::Organisations(s_.db).by_id(order.organisation_id.value_or(0));
  if (!org) throw RuleRefused(codes::not_found, "order", tr("The order has no organisation on record."));
  return *org;
}

std::unique_ptr<TokenSession> Counter::prepare_blank(db::ServiceOrder& order, const Actor& teller,
                                                     const db::Organisation& org) {
  const std::string serial = order.token_serial;
  json d = OrderBook::data(order);
  if (!d.contains("key_id")) {
    // Intent first: the key id is durable before the token is touched.
    OrderBook::set_data(order, "key_id", crypto::to_hex(crypto::random_bytes(16)));
    book_.record(order, teller, "token.personalising", std::nullopt, {.action = "token.personalising"},
                 [&](db::JournalRecord&) {
                   db::Tokens(s_.db).upsert({.serial = serial, .organisation_id = org.id,
                                             .state = to_string(TokenState::blank),
                                             .updated_utc = text::iso_utc(s_.clock.now())});
                 });
  }
  auto token = open_token(serial);
  const std::string label = org.uscc;
  Secret so_pin = s_.so_pins.for_token(serial);
  bool fresh = true;
  {
    Secret transport = s_.so_pins.transport();
    if (token->try_reinitialise(transport, label) == PinOutcome::wrong_pin) {
      // An interrupted attempt already set the derived SO PIN.
      token->reinitialise(so_pin, label);
      fresh = false;
    }
    if (fresh) token->change_so_pin(transport, so_pin);
  }
  TokenView info = token->info();
  book_.record(order, teller, "token.initialised", std::nullopt,
               {.action = "token.initialised", .details = fresh ? label : label + " (again, after an interruption)"},
               [&](db::JournalRecord&) {
                 db::Tokens(s_.db).upsert({.serial = serial, .organisation_id = org.id,
                                           .state = to_string(TokenState::blank), .label = info.label,
                                           .vendor = info.vendor, .updated_utc = text::iso_utc(s_.clock.now())});
               });
  return token;
}

void Counter::set_user_pin(db::ServiceOrder& order, const Actor& teller, TokenSession& token, Secret pin, bool record) {
  token.login_so(s_.so_pins.for_token(order.token_serial));
  token.init_user_pin(pin);
  token.logout();
  token.login_user(pin);
  pin.wipe();
  if (record)
    book_.record(order, teller, "token.pin_set", std::nullopt, {.action = "token.pin_set"});
  else
    pin_set_pending_ = true;   // journaled with the key generation: a crash in between re-initialises the token anyway
}

IssuedCert Counter::issue_to_token(db::ServiceOrder& order, const Actor& teller, TokenSession& token,
                                   const db::Organisation& org, bool personalised) {
  Progress& progress = prompts_.progress;
  const std::string serial = order.token_serial;
  std::string key_hex = OrderBook::data(order).value("key_id", "");
  if (key_hex.empty()) {
    key_hex = crypto::to_hex(crypto::random_bytes(16));
    OrderBook::set_data(order, "key_id", key_hex);
    book_.record(order, teller, "token.key_planned", std::nullopt, {.action = "token.key_planned", .details = key_hex});
  }
  Bytes key_id = crypto::from_hex(key_hex);

  progress.step(tr("Generating the key pair on the token"), 3, 6);
  token.generate_key(s_.config.key_algorithm, key_id, org.name);
  book_.record(order, teller, "token.key_generated", std::nullopt,
               {.action = "token.keygen",
                .details = s_.config.key_algorithm == KeyAlgorithm::ec_p256 ? "ECDSA P-256" : "RSA-2048"},
               [&](db::JournalRecord&) {
                 if (!pin_set_pending_) return;
                 s_.journal.append({.staff = teller.name, .action = "token.pin_set", .order_id = order.id,
                                    .token_serial = serial, .details = "token.pin_set", .flow = order.flow},
                                   s_.clock.now());
                 pin_set_pending_ = false;
               });

  progress.step(tr("Signing the certificate request"), 4, 6);
  Bytes csr = token.make_csr(key_id, org.name, org.uscc);
  IssuedCert cert = s_.ca.issue(csr, org.name, org.uscc, s_.clock.now(), s_.config.cert_days);
  OrderBook::set_data(order, "cert_serial", cert.serial);
  OrderBook::set_data(order, "not_before", cert.not_before);
  OrderBook::set_data(order, "not_after", cert.not_after);
  book_.record(order, teller, "cert.issued", std::nullopt,
               {.action = "cert.issued", .cert_serial = cert.serial, .details = cert.subject}, [&](db::JournalRecord&) {
                 db::Certificates(s_.db).insert({.serial = cert.serial, .organisation_id = org.id, .token_serial = serial,
                                                 .subject = cert.subject, .not_before = cert.not_before,
                                                 .not_after = cert.not_after, .key_id = key_hex, .status = "valid",
                                                 .order_id = order.id, .der = cert.der});
               });

  progress.step(tr("Writing the certificate to the token"), 5, 6);
  token.store_certificate(cert.der, key_id, org.name);
  if (personalised) {
    require_token_move(serial, TokenState::blank, TokenState::active);
    book_.record(order, teller, "token_done", OrderState::token_done,
                 {.action = "token.cert_stored", .cert_serial = cert.serial, .details = "token personalised, active"},
                 [&](db::JournalRecord&) {
                   db::Tokens(s_.db).set_state(serial, to_string(TokenState::active), text::iso_utc(s_.clock.now()));
                 });
  } else {
    book_.record(order, teller, "token.cert_stored", std::nullopt, {.action = "token.cert_stored", .cert_serial = cert.serial});
  }
  return cert;
}

void Counter::revoke(db::ServiceOrder& order, const Actor& teller, const std::string& cert_serial, RevocationReason reason,
                     const std::string& why) {
  s_.ca.revoke(cert_serial, reason, s_.clock.now());
  book_.record(order, teller, "cert.revoked:" + cert_serial, std::nullopt,
               {.action = "cert.revoked", .cert_serial = cert_serial,
                .details = fmt::format("{}: {}", reason_name(reason), why)},
               [&](db::JournalRecord&) {
                 db::Certificates certs(s_.db);
                 auto c = certs.by_serial(cert_serial);
                 if (c && c->status != "revoked")
                   certs.mark_revoked(cert_serial, s_.clock.now().time_since_epoch().count(), reason_name(reason));
               });
}

void Counter::move_token(db::ServiceOrder& order, const Actor& teller, const std::string& serial, TokenState to,
                         const std::string& why) {
  db::Tokens tokens(s_.db);
  auto rec = tokens.by_serial(serial);
  if (!rec) throw RuleRefused(codes::not_found, "token", fmt::format(fmt::runtime(tr("Token {} is not on record.")), serial));
  TokenState from = token_state_from(rec->state);
  if (from == to) return;
  require_token_move(serial, from, to);
  book_.record(order, teller, fmt::format("token.{}:{}", to_string(to), serial), std::nullopt,
               {.action = "token.state", .token_serial = serial,
                .details = fmt::format("{} → {}: {}", to_string(from), to_string(to), why)},
               [&](db::JournalRecord&) { tokens.set_state(serial, to_string(to), text::iso_utc(s_.clock.now())); });
}

bool Counter::personalise(db::ServiceOrder& order, const Actor& teller) {
  db::Organisation org = organisation_of(order);
  Progress& progress = prompts_.progress;
  auto finish = [&] {
    require_token_move(order.token_serial, TokenState::blank, TokenState::active);
    book_.record(order, teller, "token_done", OrderState::token_done,
                 {.action = "token.active", .cert_serial = OrderBook::data(order).value("cert_serial", "")},
                 [&](db::JournalRecord&) {
                   db::Tokens(s_.db).set_state(order.token_serial, to_string(TokenState::active),
                                               text::iso_utc(s_.clock.now()));
                 });
    progress.step(tr("Done"), 6, 6);
  };
  // Interrupted after the certificate was written: only the bookkeeping is left.
  if (order.step == "token.cert_stored") {
    finish();
    return true;
  }
  PinRules rules = require_blank_token(order.token_serial, org.id);

  // A certificate issued in an interrupted attempt but never written to the
  // token is revoked: it was never delivered, and its key is about to be erased.
  json d = OrderBook::data(order);
  if (std::string stale = d.value("cert_serial", ""); !stale.empty()) {
    revoke(order, teller, stale, RevocationReason::superseded, "issued in an interrupted attempt, never delivered");
    OrderBook::set_data(order, "cert_serial", "");
    OrderBook::set_data(order, "key_id", crypto::to_hex(crypto::random_bytes(16)));
    book_.record(order, teller, "token.personalising", std::nullopt, {.action = "token.personalising", .details = "again"});
  }

  progress.step(tr("The customer sets the PIN"), 1, 6);
  Secret pin = ask_new_pin(order, teller, rules);
  if (pin.empty()) return false;
  progress.step(tr("Preparing the token"), 2, 6);
  auto token = prepare_blank(order, teller, org);
  set_user_pin(order, teller, *token, std::move(pin), /*record=*/false);
  issue_to_token(order, teller, *token, org, /*personalised=*/true);
  token->logout();
  progress.step(tr("Done"), 6, 6);
  return true;
}

void Counter::reconcile_with_ca(const Actor& who) {
  db::Certificates certs(s_.db);
  for (const auto& rec : s_.ca.records()) {
    auto row = certs.by_serial(rec.serial);
    if (row && (row->status == "revoked") == rec.revoked) continue;
    Seconds now = s_.clock.now();
    if (row) {
      if (rec.revoked) {
        db::Transaction tx(s_.db);
        certs.mark_revoked(rec.serial, rec.revoked_at, reason_name(rec.reason));
        s_.journal.append({.staff = who.name, .action = "cert.revoked", .order_id = row->order_id,
                           .cert_serial = rec.serial,
                           .details = fmt::format("{}: recorded from the CA's index (the process had stopped)",
                                                  reason_name(rec.reason))},
                          now);
        tx.commit();
      } else {
        // The database says revoked, so the CA must too (it is always told first).
        s_.ca.revoke(rec.serial, RevocationReason::superseded, now);
      }
      continue;
    }
    // Issued by the CA, never recorded: never delivered. Revoke it and record it.
    std::string uscc;
    if (auto p = rec.subject.find("serialNumber="); p != std::string::npos)
      uscc = rec.subject.substr(p + 13, rec.subject.find(',', p) == std::string::npos ? std::string::npos
                                                                                       : rec.subject.find(',', p) - p - 13);
    auto org = db::Organisations(s_.db).by_uscc(uscc);
    if (!rec.revoked) s_.ca.revoke(rec.serial, RevocationReason::superseded, now);
    db::Transaction tx(s_.db);
    if (org)
      certs.insert({.serial = rec.serial, .organisation_id = org->id, .subject = rec.subject, .not_before = rec.not_before,
                    .not_after = rec.not_after, .status = "revoked", .revoked_at = now.time_since_epoch().count(),
                    .revocation_reason = reason_name(RevocationReason::superseded)});
    s_.journal.append({.staff = who.name, .action = "cert.revoked", .organisation = uscc, .cert_serial = rec.serial,
                       .details = "superseded: issued but never recorded (the process had stopped); never delivered"},
                      now);
    tx.commit();
  }
}

void Counter::hand_over(db::ServiceOrder& order, const Actor& teller) {
  if (order_state_from(order.state) == OrderState::token_done)
    book_.advance(order, teller, {{OrderState::handed_over, {.action = "order.handed_over"}},
                                  {OrderState::completed, {.action = "order.completed"}}});
  else if (order_state_from(order.state) == OrderState::handed_over)
    book_.record(order, teller, "completed", OrderState::completed, {.action = "order.completed"});
}

}  // namespace certdesk::workflows
