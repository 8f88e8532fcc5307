// Every counter flow, resume and roll back over scripted fake ports
// (tests/workflows/fake_ports.h) on an in-memory database: state transitions,
// journal entries, receipts, revocations and refusals, in milliseconds. The
// same flows on SoftHSM2 and the local CA: tests/app/test_flows.cpp.

#include <boost/test/unit_test.hpp>


#include <algorithm>

#include "db/testing.h"
#include "common/error.h"
#include "tests/workflows/flow_desk.h"
#include "workflows/receipts.h"
#include "workflows/renewal.h"

using namespace certdesk;
using namespace certdesk::workflows;
using certdesk::test::code_of;
using certdesk::test::FlowDesk;
using namespace std::chrono;

namespace {
const std::int64_t kDay = 86400;

std::int64_t receipt_seq(const std::string& receipt_no) { return std::stoll(receipt_no.substr(receipt_no.rfind('-') + 1)); }

// Key ids on a fake token.
std::vector<std::string> key_ids(const certdesk::test::FakeToken& t) {
  std::vector<std::string> out;
  for (const auto& [id, label] : t.keys) out.push_back(id);
  return out;
}
}  // namespace

namespace certdesk::pki {
// Boost.Test prints a failed comparison of revocation reasons by name.
inline std::ostream& operator<<(std::ostream& o, RevocationReason r) { return o << reason_name(r); }
}  // namespace certdesk::pki

BOOST_AUTO_TEST_SUITE(issue)

BOOST_FIXTURE_TEST_CASE(a_first_issuance_personalises_the_blank_token, FlowDesk) {
  OrderResult res = issue("T1");
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(!res.waiting);
  BOOST_TEST(receipt_seq(res.receipt_no) == 1);
  BOOST_TEST(token_state("T1") == "active");
  auto c = cert(res.cert_serial);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->status == "valid");
  BOOST_TEST(c->not_after - c->not_before == 365 * kDay);
  auto t = tokens.token("T1");
  BOOST_TEST(t->so_pin == "so-T1");                       // the transport SO PIN was replaced by the derived one
  BOOST_TEST(t->user_pin.value_or("") == kPin);
  BOOST_TEST(t->label == kUscc);
  BOOST_TEST(t->keys.size() == 1u);
  BOOST_TEST(t->certs.size() == 1u);
  BOOST_TEST(t->certs.begin()->first == c->key_id);        // the certificate sits beside its key
  BOOST_TEST(ca.issued() == 1);
  std::vector<std::string> want{"order.created", "order.documents_checked", "payment", "token.initialised",
                                "token.pin_set", "token.keygen", "cert.issued", "token.cert_stored",
                                "order.handed_over", "order.completed"};
  auto got = actions_of(res.order_id);
  for (const auto& a : want) BOOST_TEST((std::find(got.begin(), got.end(), a) != got.end()), "journal has " << a);
  auto pay = payments(res.order_id);
  BOOST_REQUIRE(pay.size() == 1u);
  BOOST_TEST(pay[0].status == "issued");
  BOOST_TEST(!pay[0].journal_hash.empty());
}

BOOST_FIXTURE_TEST_CASE(a_personalised_token_is_refused_and_nothing_is_written, FlowDesk) {
  issue("T1");
  const std::int64_t before = journal_size();
  const db::Id orders_before = last_order_id();
  auto t = tokens.token("T1");
  db::Tokens(db).set_state("T1", "blank", "2026-11-22T01:00:00Z");   // the records would allow it; the token does not
  pins.new_pins.push_back(kPin);
  auto r = request(Flow::issue, "T1");
  r.organisation_name = "北京另一家科技有限公司";
  r.uscc = "91110000100000000D";
  std::string code = code_of<Error>([&] { run(r); });
  BOOST_TEST((code == codes::token_not_blank || code == codes::invalid_uscc));
  BOOST_TEST(last_order_id() == orders_before);
  BOOST_TEST(journal_size() == before + 1);   // only order.refused
  BOOST_TEST(t->reinitialised == 1);          // untouched since its own issuance
}

// Issue 13.15: a PIN shorter than the hall's minimum (6) is refused outside
// the window too, before the token is touched.
BOOST_FIXTURE_TEST_CASE(a_five_character_pin_is_refused_before_the_token_is_touched, FlowDesk) {
  auto t = tokens.insert_blank("T1");
  pins.new_pins.push_back("13579");
  BOOST_TEST(code_of<InputError>([&] { run(request(Flow::issue, "T1")); }) == codes::pin_length);
  BOOST_TEST(t->reinitialised == 0);
  BOOST_TEST(t->so_pin == certdesk::test::kTransportSoPin);
  BOOST_TEST(!t->user_pin);
  BOOST_TEST(ca.issued() == 0);
  db::Id id = last_order_id();
  BOOST_TEST(order(id).state == "paid");      // resumable: the customer chooses another PIN
  pins.new_pins.push_back(kPin);
  BOOST_TEST(flows.resume(teller, id).state == OrderState::completed);
  BOOST_TEST(t->user_pin.value_or("") == kPin);
}

BOOST_FIXTURE_TEST_CASE(a_cancelled_pin_prompt_leaves_the_order_waiting, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(std::nullopt);
  OrderResult res = run(request(Flow::issue, "T1"));
  BOOST_TEST(res.waiting);
  BOOST_TEST(res.state == OrderState::paid);
  BOOST_TEST(has_action(res.order_id, "order.waiting"));
  pins.new_pins.push_back(kPin);
  BOOST_TEST(flows.resume(teller, res.order_id).state == OrderState::completed);
}

BOOST_FIXTURE_TEST_CASE(the_same_request_twice_is_refused_as_a_duplicate, FlowDesk) {
  OrderResult res = issue("T1");
  pins.new_pins.push_back(kPin);
  BOOST_TEST(code_of<RuleRefused>([&] { run(request(Flow::issue, "T1")); }) == codes::duplicate);
  BOOST_TEST(payments(res.order_id).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reissue)

BOOST_FIXTURE_TEST_CASE(lost_revokes_as_key_compromise_and_marks_the_old_token_lost, FlowDesk) {
  OrderResult first = issue("T1");
  tokens.insert_blank("T2");
  pins.new_pins.push_back(kPin);
  OrderResult res = run(request(Flow::reissue, "T2"));
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(ca.record(first.cert_serial)->reason == RevocationReason::key_compromise);
  BOOST_TEST(token_state("T1") == "lost");
  BOOST_TEST(token_state("T2") == "active");
  BOOST_TEST(cert(res.cert_serial)->status == "valid");
  BOOST_TEST(!res.notes.empty());
  BOOST_TEST(receipt_seq(res.receipt_no) == 2);
}

BOOST_FIXTURE_TEST_CASE(damaged_and_handed_in_supersedes_and_retires_the_old_token, FlowDesk) {
  OrderResult first = issue("T1");
  tokens.insert_blank("T2");
  pins.new_pins.push_back(kPin);
  auto r = certdesk::test::sample_request(Flow::reissue, "T2", kUscc, kName, "damaged_customer");
  r.documents["token"].present = true;
  db::FeeSchedule fees(db);
  r.amount_fen = quote(fees, r.flow, r.reason).total_fen;
  OrderResult res = flows.run(teller, r);
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(ca.record(first.cert_serial)->reason == RevocationReason::superseded);
  BOOST_TEST(token_state("T1") == "retired");
}

BOOST_FIXTURE_TEST_CASE(a_reissue_without_a_reason_is_refused, FlowDesk) {
  issue("T1");
  tokens.insert_blank("T2");
  auto r = request(Flow::reissue, "T2");
  r.reason = "stolen";
  BOOST_TEST(code_of<InputError>([&] { flows.run(teller, r); }) == codes::bad_request);
  BOOST_TEST(token_state("T1") == "active");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unlock)

BOOST_FIXTURE_TEST_CASE(a_locked_pin_is_replaced_by_a_new_one, FlowDesk) {
  issue("T1");
  auto t = tokens.token("T1");
  t->locked = true;
  pins.new_pins.push_back("246801");
  OrderResult res = run(request(Flow::unlock, "T1"));
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(!t->locked);
  BOOST_TEST(t->user_pin.value_or("") == "246801");
  BOOST_TEST(token_state("T1") == "active");
  BOOST_TEST(has_action(res.order_id, "token.unlocked"));
  BOOST_TEST(t->keys.size() == 1u);   // the key and certificate stay
}

BOOST_FIXTURE_TEST_CASE(an_unknown_token_is_refused, FlowDesk) {
  issue("T1");
  tokens.insert_blank("T9");
  BOOST_TEST(code_of<RuleRefused>([&] { run(request(Flow::unlock, "T9")); }) == codes::wrong_token);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(update)

namespace {
// Issues T1, moves the clock to `at` seconds relative to its notAfter and tries an update.
OrderResult update_at(FlowDesk& d, std::int64_t offset_from_not_after, std::string* old_serial = nullptr) {
  OrderResult first = d.issue("T1");
  if (old_serial) *old_serial = first.cert_serial;
  d.clock.set(Seconds(seconds(first.not_after + offset_from_not_after)));
  d.pins.current_pins.push_back(FlowDesk::kPin);
  return d.run(FlowDesk::request(Flow::update, "T1"));
}
}  // namespace

BOOST_FIXTURE_TEST_CASE(an_update_replaces_key_and_certificate_on_the_same_token, FlowDesk) {
  std::string old;
  OrderResult res = update_at(*this, -10 * kDay, &old);
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(cert(old)->status == "revoked");
  BOOST_TEST(ca.record(old)->reason == RevocationReason::superseded);
  auto t = tokens.token("T1");
  BOOST_TEST(t->keys.size() == 1u);
  BOOST_TEST(t->certs.size() == 1u);
  BOOST_TEST(t->certs.begin()->first == cert(res.cert_serial)->key_id);
  BOOST_TEST(token_state("T1") == "active");
  BOOST_TEST(has_action(res.order_id, "token.old_removed"));
}

// Issue 13.15: the window's exact bounds (30 days before notAfter, 90 after, both included).
BOOST_FIXTURE_TEST_CASE(exactly_thirty_days_before_is_accepted, FlowDesk) {
  BOOST_TEST(update_at(*this, -30 * kDay).state == OrderState::completed);
}
BOOST_FIXTURE_TEST_CASE(one_second_earlier_is_refused, FlowDesk) {
  const std::int64_t before = journal_size();
  BOOST_TEST(code_of<RuleRefused>([&] { update_at(*this, -30 * kDay - 1); }) == codes::not_in_renewal_window);
  BOOST_TEST(tokens.token("T1")->keys.size() == 1u);
  BOOST_TEST(journal_size() > before);
}
BOOST_FIXTURE_TEST_CASE(exactly_ninety_days_after_is_accepted, FlowDesk) {
  BOOST_TEST(update_at(*this, 90 * kDay).state == OrderState::completed);
}
BOOST_FIXTURE_TEST_CASE(one_second_later_is_refused, FlowDesk) {
  BOOST_TEST(code_of<RuleRefused>([&] { update_at(*this, 90 * kDay + 1); }) == codes::not_in_renewal_window);
}

BOOST_AUTO_TEST_CASE(the_window_itself) {
  RenewalWindow w = RenewalWindow::from(CounterConfig{});
  const std::int64_t na = 1'800'000'000;
  auto at = [](std::int64_t t) { return Seconds(seconds(t)); };
  BOOST_TEST(w.opens(na) == na - 30 * kDay);
  BOOST_TEST(w.closes(na) == na + 90 * kDay);
  BOOST_TEST(w.contains(at(na - 30 * kDay), na));
  BOOST_TEST(!w.contains(at(na - 30 * kDay - 1), na));
  BOOST_TEST(w.contains(at(na + 90 * kDay), na));
  BOOST_TEST(!w.contains(at(na + 90 * kDay + 1), na));
  BOOST_TEST(w.too_early(at(na - 30 * kDay - 1), na));
  BOOST_TEST(w.too_late(at(na + 90 * kDay + 1), na));
}

BOOST_FIXTURE_TEST_CASE(a_wrong_pin_refuses_the_update_before_payment, FlowDesk) {
  OrderResult first = issue("T1");
  clock.set(Seconds(seconds(first.not_after - 5 * kDay)));
  pins.current_pins.push_back("000000");
  BOOST_TEST(code_of<TokenError>([&] { run(request(Flow::update, "T1")); }) == codes::wrong_pin);
  BOOST_TEST(last_order_id() == first.order_id);   // no order opened, nothing charged
  BOOST_TEST(tokens.token("T1")->tries_left == 9);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replace)

BOOST_FIXTURE_TEST_CASE(the_old_token_retires_after_the_new_one_works, FlowDesk) {
  OrderResult first = issue("T1");
  tokens.insert_blank("T2");
  pins.new_pins.push_back(kPin);
  OrderResult res = run(request(Flow::replace, "T2"));
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(token_state("T1") == "retired");
  BOOST_TEST(token_state("T2") == "active");
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(ca.record(first.cert_serial)->reason == RevocationReason::superseded);
}

BOOST_FIXTURE_TEST_CASE(a_customer_without_a_token_in_use_is_refused, FlowDesk) {
  OrderResult first = issue("T1");
  db::Tokens(db).set_state("T1", "retired", "2026-11-22T01:00:00Z");
  tokens.insert_blank("T2");
  BOOST_TEST(code_of<RuleRefused>([&] { run(request(Flow::replace, "T2")); }) == codes::not_found);
  BOOST_TEST(tokens.token("T2")->reinitialised == 0);
  (void)first;
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cancel)

BOOST_FIXTURE_TEST_CASE(a_cancellation_revokes_and_retires_and_may_wipe, FlowDesk) {
  OrderResult first = issue("T1");
  auto r = request(Flow::cancel, "T1");
  r.wipe_token = true;
  OrderResult res = run(r);
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(ca.record(first.cert_serial)->reason == RevocationReason::cessation_of_operation);
  BOOST_TEST(token_state("T1") == "retired");
  BOOST_TEST(tokens.token("T1")->label == "RETIRED");
  BOOST_TEST(tokens.token("T1")->keys.empty());
}

BOOST_FIXTURE_TEST_CASE(nothing_to_cancel_is_refused, FlowDesk) {
  issue("T1");
  run(request(Flow::cancel, "T1"));
  auto r = request(Flow::cancel, "T1");
  r.invoice_no = "again";   // another request
  BOOST_TEST(!code_of<Error>([&] { run(r); }).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(resume)

BOOST_FIXTURE_TEST_CASE(a_token_pulled_before_the_certificate_is_stored_is_resumed, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(kPin);
  faults.arm("token.store_certificate");
  BOOST_TEST(code_of<TokenError>([&] { run(request(Flow::issue, "T1")); }) == codes::token_removed);
  db::Id id = last_order_id();
  BOOST_TEST(order(id).state == "paid");
  BOOST_TEST(order(id).step == "cert.issued");
  BOOST_TEST(has_action(id, "order.interrupted"));
  std::string stale = OrderBook::data(order(id)).value("cert_serial", "");
  pins.new_pins.push_back(kPin);
  OrderResult res = flows.resume(teller, id);
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(cert(stale)->status == "revoked");   // issued in the interrupted attempt, never delivered
  BOOST_TEST(res.cert_serial != stale);
  BOOST_TEST(tokens.token("T1")->certs.size() == 1u);
  BOOST_TEST(payments(id).size() == 1u);        // paid once
}

// The CA recorded the certificate, the process died before the database did.
BOOST_FIXTURE_TEST_CASE(a_certificate_the_database_never_heard_of_is_revoked_on_resume, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(kPin);
  faults.arm("ca.issue.after");
  BOOST_TEST(!code_of<Error>([&] { run(request(Flow::issue, "T1")); }).empty());
  db::Id id = last_order_id();
  BOOST_REQUIRE(ca.records().size() == 1u);
  std::string orphan = ca.records()[0].serial;
  BOOST_TEST(!cert(orphan));
  pins.new_pins.push_back(kPin);
  OrderResult res = flows.resume(teller, id);
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(ca.record(orphan)->revoked);
  BOOST_TEST(cert(orphan)->status == "revoked");
}

BOOST_FIXTURE_TEST_CASE(an_update_stopped_while_removing_the_old_key_is_finished_by_resume, FlowDesk) {
  OrderResult first = issue("T1");
  clock.set(Seconds(seconds(first.not_after - 5 * kDay)));
  pins.current_pins.push_back(kPin);
  faults.arm("token.remove_certificate");
  BOOST_TEST(code_of<TokenError>([&] { run(request(Flow::update, "T1")); }) == codes::token_removed);
  db::Id id = last_order_id();
  BOOST_TEST(order(id).step == "token.cert_stored");
  // Roll back is refused now: the old key may be going.
  BOOST_TEST(code_of<RuleRefused>([&] { flows.rollback(teller, id); }) == codes::illegal_transition);
  pins.current_pins.push_back(kPin);
  OrderResult res = flows.resume(teller, id);
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(tokens.token("T1")->keys.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_finished_order_is_not_resumed, FlowDesk) {
  OrderResult res = issue("T1");
  BOOST_TEST(code_of<RuleRefused>([&] { flows.resume(teller, res.order_id); }) == codes::illegal_transition);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rollback)

BOOST_FIXTURE_TEST_CASE(an_interrupted_issuance_is_wiped_revoked_refunded_and_cancelled, FlowDesk) {
  auto t = tokens.insert_blank("T1");
  pins.new_pins.push_back(kPin);
  faults.arm("token.store_certificate");
  BOOST_TEST(!code_of<TokenError>([&] { run(request(Flow::issue, "T1")); }).empty());
  db::Id id = last_order_id();
  std::string issued = OrderBook::data(order(id)).value("cert_serial", "");
  OrderResult res = flows.rollback(teller, id);
  BOOST_TEST(res.state == OrderState::cancelled);
  BOOST_TEST(t->so_pin == certdesk::test::kTransportSoPin);   // factory-blank again
  BOOST_TEST(t->keys.empty());
  BOOST_TEST(t->label == "BLANK");
  BOOST_TEST(token_state("T1") == "blank");
  BOOST_TEST(cert(issued)->status == "revoked");
  BOOST_TEST(ca.record(issued)->revoked);
  auto pay = payments(id);
  BOOST_REQUIRE(pay.size() == 1u);
  BOOST_TEST(pay[0].status == "voided");
  BOOST_TEST(approval.asked.size() == 1u);   // the supervisor approved the refund
  for (const char* a : {"token.wiped", "cert.revoked", "receipt.voided", "order.rolled_back"})
    BOOST_TEST(has_action(id, a), "journal has " << a);
}

// Issue 13.15: a refund voids the receipt, and the next receipt number follows without a gap.
BOOST_FIXTURE_TEST_CASE(the_receipt_counter_does_not_skip_after_a_rollback_refund, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(std::nullopt);   // waits at paid
  OrderResult waiting = run(request(Flow::issue, "T1"));
  BOOST_TEST(receipt_seq(waiting.receipt_no) == 1);
  flows.rollback(teller, waiting.order_id);
  BOOST_TEST(payments(waiting.order_id)[0].status == "voided");
  OrderResult next = issue("T2");
  BOOST_TEST(receipt_seq(next.receipt_no) == 2);
}

BOOST_FIXTURE_TEST_CASE(the_receipt_counter_does_not_skip_after_a_direct_void, FlowDesk) {
  OrderResult first = issue("T1");
  Receipts(services).void_receipt(sup, first.receipt_no, "wrong payer");
  BOOST_TEST(db::Payments(db).of_order(first.order_id)[0].status == "voided");
  OrderResult second = issue("T2");
  BOOST_TEST(receipt_seq(second.receipt_no) == receipt_seq(first.receipt_no) + 1);
  OrderResult third = issue("T3");
  BOOST_TEST(receipt_seq(third.receipt_no) == receipt_seq(second.receipt_no) + 1);
}

BOOST_FIXTURE_TEST_CASE(an_absent_token_refuses_the_rollback_and_changes_nothing, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(kPin);
  faults.arm("token.store_certificate");
  BOOST_TEST(!code_of<TokenError>([&] { run(request(Flow::issue, "T1")); }).empty());
  db::Id id = last_order_id();
  tokens.pull("T1");
  const std::int64_t before = journal_size();
  BOOST_TEST(code_of<TokenError>([&] { flows.rollback(teller, id); }) == codes::no_token);
  BOOST_TEST(order(id).state == "paid");
  BOOST_TEST(payments(id)[0].status == "issued");
  BOOST_TEST(journal_size() == before);
  BOOST_TEST(approval.asked.empty());
}

BOOST_FIXTURE_TEST_CASE(an_update_before_its_certificate_is_stored_keeps_the_old_key, FlowDesk) {
  OrderResult first = issue("T1");
  clock.set(Seconds(seconds(first.not_after - 5 * kDay)));
  pins.current_pins.push_back(kPin);
  faults.arm("token.store_certificate");
  BOOST_TEST(!code_of<TokenError>([&] { run(request(Flow::update, "T1")); }).empty());
  db::Id id = last_order_id();
  BOOST_TEST(tokens.token("T1")->keys.size() == 2u);   // the new key beside the old
  pins.current_pins.push_back(kPin);
  OrderResult res = flows.rollback(teller, id);
  BOOST_TEST(res.state == OrderState::cancelled);
  auto keys = key_ids(*tokens.token("T1"));
  BOOST_TEST(keys.size() == 1u);
  BOOST_TEST(keys[0] == cert(first.cert_serial)->key_id);
  BOOST_TEST(cert(first.cert_serial)->status == "valid");
  BOOST_TEST(has_action(id, "token.new_key_removed"));
}

BOOST_FIXTURE_TEST_CASE(a_cancellation_after_a_revocation_cannot_be_rolled_back, FlowDesk) {
  issue("T1");
  auto r = request(Flow::cancel, "T1");
  r.wipe_token = true;
  faults.arm("token.reinitialise");
  BOOST_TEST(!code_of<TokenError>([&] { run(r); }).empty());
  db::Id id = last_order_id();
  BOOST_TEST(order(id).step.rfind("cert.revoked", 0) == 0u);
  BOOST_TEST(code_of<RuleRefused>([&] { flows.rollback(teller, id); }) == codes::illegal_transition);
  BOOST_TEST(flows.resume(teller, id).state == OrderState::completed);
}

BOOST_FIXTURE_TEST_CASE(an_unlock_is_rolled_back_without_touching_the_token, FlowDesk) {
  issue("T1");
  auto t = tokens.token("T1");
  t->locked = true;
  pins.new_pins.push_back(std::nullopt);
  OrderResult res = run(request(Flow::unlock, "T1"));
  BOOST_TEST(res.waiting);
  const int reinit = t->reinitialised;
  BOOST_TEST(flows.rollback(teller, res.order_id).state == OrderState::cancelled);
  BOOST_TEST(t->reinitialised == reinit);
  BOOST_TEST(t->user_pin.value_or("") == kPin);
}

BOOST_FIXTURE_TEST_CASE(a_finished_order_is_not_rolled_back, FlowDesk) {
  OrderResult res = issue("T1");
  BOOST_TEST(code_of<RuleRefused>([&] { flows.rollback(teller, res.order_id); }) == codes::illegal_transition);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(journal)

// Issue 13.15: with a journal that cannot be written the request is refused,
// and neither the order tables nor the token changed.
BOOST_FIXTURE_TEST_CASE(an_unwritable_journal_refuses_with_order_and_token_untouched, FlowDesk) {
  auto t = tokens.insert_blank("T1");
  pins.new_pins.push_back(kPin);
  db::testing::exec(db, "CREATE TEMP TRIGGER journal_full BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  const std::int64_t before = journal_size();
  std::string code = code_of<DbError>([&] { run(request(Flow::issue, "T1")); });
  BOOST_TEST(code == codes::journal_unavailable);
  BOOST_TEST(last_order_id() == 0);
  BOOST_TEST(journal_size() == before);
  BOOST_TEST(db::Tokens(db).by_serial("T1").has_value() == false);
  BOOST_TEST(t->reinitialised == 0);
  BOOST_TEST(t->so_pin == certdesk::test::kTransportSoPin);
  BOOST_TEST(ca.issued() == 0);
  // Once the journal works again the same request goes through, with receipt number 1.
  db::testing::exec(db, "DROP TRIGGER journal_full");
  pins.new_pins.push_back(kPin);
  OrderResult res = run(request(Flow::issue, "T1"));
  BOOST_TEST(res.state == OrderState::completed);
  BOOST_TEST(receipt_seq(res.receipt_no) == 1);
}

// A refusal the journal cannot record is not swallowed: the teller sees both.
BOOST_FIXTURE_TEST_CASE(a_refusal_the_journal_cannot_record_says_so, FlowDesk) {
  db::testing::exec(db, "CREATE TEMP TRIGGER journal_full BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  auto r = request(Flow::unlock, "T404");   // refused: no customer on record
  try {
    run(r);
    BOOST_FAIL("accepted");
  } catch (const DbError& e) {
    BOOST_TEST(e.code() == codes::journal_unavailable);
    BOOST_TEST(std::string(e.what()).find("91110108MA01C8D24U") != std::string::npos);   // the refusal itself
    BOOST_TEST(std::string(e.what()).find("journal") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(token_status)

BOOST_FIXTURE_TEST_CASE(found_only_for_a_suspended_token, FlowDesk) {
  issue("T1");
  TokenStatus status(services, teller);
  BOOST_TEST(code_of<RuleRefused>([&] { status.found("T1"); }) == codes::token_state_refused);
  BOOST_TEST(token_state("T1") == "active");
  status.suspend("T1", "left in a taxi");
  BOOST_TEST(token_state("T1") == "suspended");
  BOOST_TEST(code_of<RuleRefused>([&] { status.suspend("T1", ""); }) == codes::token_state_refused);
  status.found("T1");
  BOOST_TEST(token_state("T1") == "active");
  status.suspend("T1", "again");
  status.lost("T1", "not found");
  BOOST_TEST(token_state("T1") == "lost");
  BOOST_TEST(code_of<RuleRefused>([&] { status.found("T1"); }) == codes::token_state_refused);
}

BOOST_AUTO_TEST_CASE(the_report_table) {
  BOOST_TEST((reports_allowed(TokenState::active) == std::vector<TokenReport>{TokenReport::suspend, TokenReport::lost}));
  BOOST_TEST((reports_allowed(TokenState::suspended) == std::vector<TokenReport>{TokenReport::found, TokenReport::lost}));
  BOOST_TEST(reports_allowed(TokenState::retired).empty());
  BOOST_TEST(reports_allowed(TokenState::blank).empty());
  for (const auto& m : token_reports()) BOOST_TEST(token_move_allowed(m.from, m.to));
}

BOOST_AUTO_TEST_SUITE_END()

// Issue 13.7: an order whose token is gone for good can be closed.
BOOST_AUTO_TEST_SUITE(rollback_without_token)

BOOST_FIXTURE_TEST_CASE(a_lost_token_is_closed_with_revocation_refund_and_record, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(kPin);
  faults.arm("token.store_certificate");
  BOOST_TEST(!code_of<TokenError>([&] { run(request(Flow::issue, "T1")); }).empty());
  db::Id id = last_order_id();
  std::string issued = OrderBook::data(order(id)).value("cert_serial", "");
  tokens.pull("T1");   // the customer left with it, or it broke in the reader
  BOOST_TEST(code_of<TokenError>([&] { flows.rollback(teller, id); }) == codes::no_token);
  OrderResult res = flows.rollback_without_token(teller, id, TokenState::lost, "the customer lost it on the way back");
  BOOST_TEST(res.state == OrderState::cancelled);
  BOOST_TEST(cert(issued)->status == "revoked");
  BOOST_TEST(ca.record(issued)->reason == RevocationReason::key_compromise);
  BOOST_TEST(token_state("T1") == "lost");
  BOOST_TEST(payments(id)[0].status == "voided");
  BOOST_TEST(approval.asked.size() == 2u);   // the roll back itself and the refund
  BOOST_TEST(has_action(id, "order.rolled_back"));
}

BOOST_FIXTURE_TEST_CASE(a_damaged_customer_token_loses_its_certificates_as_superseded, FlowDesk) {
  OrderResult first = issue("T1");
  tokens.token("T1")->locked = true;
  pins.new_pins.push_back(std::nullopt);   // the unlock waits; then the key breaks
  OrderResult res = run(request(Flow::unlock, "T1"));
  BOOST_TEST(res.waiting);
  tokens.pull("T1");
  BOOST_TEST(flows.rollback_without_token(teller, res.order_id, TokenState::damaged, "cracked casing").state ==
             OrderState::cancelled);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(ca.record(first.cert_serial)->reason == RevocationReason::superseded);
  BOOST_TEST(token_state("T1") == "damaged");
}

BOOST_FIXTURE_TEST_CASE(without_a_supervisor_nothing_changes, FlowDesk) {
  tokens.insert_blank("T1");
  pins.new_pins.push_back(std::nullopt);
  OrderResult res = run(request(Flow::issue, "T1"));
  approval.name.clear();   // nobody approves
  const std::int64_t before = journal_size();
  BOOST_TEST(code_of<AuthError>([&] { flows.rollback_without_token(teller, res.order_id, TokenState::lost, "gone"); }) ==
             codes::approval_required);
  BOOST_TEST(order(res.order_id).state == "paid");
  BOOST_TEST(payments(res.order_id)[0].status == "issued");
  BOOST_TEST(journal_size() == before + 1);   // only approval.refused
  BOOST_TEST(code_of<InputError>([&] { flows.rollback_without_token(teller, res.order_id, TokenState::retired, "x"); }) ==
             codes::bad_request);
  BOOST_TEST(!code_of<InputError>([&] { flows.rollback_without_token(teller, res.order_id, TokenState::lost, ""); }).empty());
}

BOOST_FIXTURE_TEST_CASE(a_revocation_already_made_still_refuses, FlowDesk) {
  issue("T1");
  auto r = request(Flow::cancel, "T1");
  r.wipe_token = true;
  faults.arm("token.reinitialise");
  BOOST_TEST(!code_of<TokenError>([&] { run(r); }).empty());
  BOOST_TEST(code_of<RuleRefused>([&] { flows.rollback_without_token(teller, last_order_id(), TokenState::lost, "gone"); }) ==
             codes::illegal_transition);
}

BOOST_AUTO_TEST_SUITE_END()
