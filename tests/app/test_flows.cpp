// Every counter flow of SPEC §2 on the real parts (SoftHSM2, the local CA,
// SQLite), through the same workflow code the window and the CLI use; the CRL
// and the certificates checked with openssl.

#include "tests/app/flow_fixture.h"
#include "common/crypto.h"
#include "workflows/unlock_codes.h"

using namespace certdesk;
using namespace certdesk::test;
using workflows::Flow;

BOOST_FIXTURE_TEST_SUITE(flows, FlowFixture)

BOOST_AUTO_TEST_CASE(update_only_inside_the_renewal_window) {
  blank("2101200101");
  auto first = issue("2101200101", "135790");
  BOOST_REQUIRE(first.state == workflows::OrderState::completed);
  auto before = db::Orders(ctx->db()).recent().size();

  // Too early: the message names the date the window opens.
  pins.current_pins.push_back("135790");
  auto r = request(Flow::update, "2101200101");
  std::string opens = text::business_day(Seconds(std::chrono::seconds(first.not_after - 30 * 86400)), 480);
  try {
    run(r);
    BOOST_FAIL("update accepted a year early");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::not_in_renewal_window);
    BOOST_TEST(std::string(e.what()).find(opens) != std::string::npos, e.what());
  }
  BOOST_TEST(db::Orders(ctx->db()).recent().size() == before);

  // Inside the window (10 days before expiry): new key and certificate on the same token.
  clock.set(Seconds(std::chrono::seconds(first.not_after - 10 * 86400)));
  pins.current_pins.push_back("135790");
  auto upd = run(r);
  BOOST_TEST((upd.state == workflows::OrderState::completed));
  BOOST_TEST(upd.amount_fen == 10000);
  BOOST_TEST(upd.cert_serial != first.cert_serial);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(cert(first.cert_serial)->revocation_reason == "superseded");
  BOOST_TEST(token_state("2101200101") == "active");
  // Only the new key and certificate remain on the token.
  std::string objs = objects("2101200101", "135790");
  BOOST_TEST(objs.find(cert(upd.cert_serial)->key_id) != std::string::npos, objs);
  BOOST_TEST(objs.find(cert(first.cert_serial)->key_id) == std::string::npos, objs);
  // The CRL rejects the old certificate and accepts the new one.
  BOOST_TEST(verify_with_crl(first.cert_serial) != 0);
  BOOST_TEST(verify_with_crl(upd.cert_serial) == 0);
  RunResult crl = test::run({"openssl", "crl", "-in", crl_pem().string(), "-CAfile", ca_pem().string(), "-noout"});
  BOOST_TEST(crl.exit_code == 0, crl.err);

  // Too late: 91 days after the new certificate expires.
  clock.set(Seconds(std::chrono::seconds(upd.not_after + 91 * 86400)));
  pins.current_pins.push_back("135790");
  auto late = request(Flow::update, "2101200101");
  late.invoice_no = "again";   // a different request
  try {
    run(late);
    BOOST_FAIL("update accepted too late");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::not_in_renewal_window);
    BOOST_TEST(std::string(e.what()).find("replacement") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(unlock_sets_a_new_pin_and_a_wrong_token_is_refused) {
  blank("2101200201");
  issue("2101200201", "135790");
  blank("2101200202");
  issue("2101200202", "246802", "91350100M000100Y43", "福州示例有限公司");

  // The token of another organisation: refused, nothing changed.
  pins.new_pins.push_back("975310");
  BOOST_TEST(error_code_of<RuleRefused>([&] { run(request(Flow::unlock, "2101200202")); }) == codes::wrong_token);
  // A token not on record at all.
  BOOST_TEST(error_code_of<RuleRefused>([&] { run(request(Flow::unlock, "2101209999")); }) == codes::wrong_token);

  auto r = run(request(Flow::unlock, "2101200201"));
  BOOST_TEST((r.state == workflows::OrderState::completed));
  BOOST_TEST(r.receipt_no.empty());   // free: no receipt
  // The new PIN works, the old one does not (pkcs11-tool logs in).
  BOOST_TEST(objects("2101200201", "975310").find("Private Key Object") != std::string::npos);
  BOOST_TEST(objects("2101200201", "135790").find("CKR_PIN_INCORRECT") != std::string::npos);
  // It was not locked: journaled as a PIN reset.
  bool reset = false;
  for (const auto& e : ctx->journal().entries_of_order(r.order_id))
    reset |= e.record.details.find("PIN reset") != std::string::npos;
  BOOST_TEST(reset);
}

BOOST_AUTO_TEST_CASE(a_pin_outside_the_rules_is_refused_before_the_token_is_touched) {
  blank("2101200301");
  pins.new_pins.push_back("123");
  auto r = request(Flow::issue, "2101200301");
  r.amount_fen = 5000;
  BOOST_TEST(error_code_of<InputError>([&] { flows->run(teller, r); }) == codes::pin_length);
  // The token is still factory-blank; the paid order waits and completes on resume.
  for (const auto& t : ctx->tokens().list())
    if (t.serial == "2101200301") BOOST_TEST(!t.user_pin_initialized);
  auto unfinished = db::Orders(ctx->db()).unfinished();
  BOOST_REQUIRE(unfinished.size() == 1u);
  pins.new_pins.push_back("135790");
  auto done = flows->resume(teller, unfinished[0].id);
  BOOST_TEST((done.state == workflows::OrderState::completed));
  BOOST_TEST(db::Payments(ctx->db()).of_order(done.order_id).size() == 1u);   // charged once
}

BOOST_AUTO_TEST_CASE(reissue_after_loss_revokes_every_earlier_certificate) {
  // No certificate yet: nothing to reissue.
  blank("2101200401");
  auto none = request(Flow::reissue, "2101200401");
  none.reason = "lost";
  BOOST_TEST(error_code_of<RuleRefused>([&] { run(none); }) == codes::not_found);

  auto first = issue("2101200401");
  blank("2101200402");
  auto r = request(Flow::reissue, "2101200402");
  r.reason = "lost";
  pins.new_pins.push_back("112233");
  auto re = run(r);
  BOOST_TEST((re.state == workflows::OrderState::completed));
  BOOST_TEST(re.amount_fen == 5000);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(cert(first.cert_serial)->revocation_reason == "keyCompromise");
  BOOST_TEST(token_state("2101200401") == "lost");
  BOOST_TEST(token_state("2101200402") == "active");
  BOOST_TEST(re.notes.find("backup") != std::string::npos);
  BOOST_TEST(verify_with_crl(first.cert_serial) != 0);
  BOOST_TEST(verify_with_crl(re.cert_serial) == 0);
}

BOOST_AUTO_TEST_CASE(reissue_after_a_quality_fault_is_free_with_another_persons_approval) {
  auto first = issue(blank("2101200501"));
  blank("2101200502");
  auto r = request(Flow::reissue, "2101200502");
  r.reason = "damaged_quality";
  r.documents["token"] = {true, false, ""};
  // No approver: refused, nothing written.
  BOOST_TEST(error_code_of<AuthError>([&] { run(r); }) == codes::approval_required);
  BOOST_TEST(token_state("2101200501") == "active");
  // The teller cannot approve their own waiver.
  approval.name = "teller1";
  approval.password = "teller-password";
  BOOST_TEST(error_code_of<AuthError>([&] { run(r); }) == codes::self_approval);
  approval.name = "sup1";
  approval.password = "sup1-password";
  pins.new_pins.push_back("112233");
  auto re = run(r);
  BOOST_TEST((re.state == workflows::OrderState::completed));
  BOOST_TEST(re.amount_fen == 0);
  BOOST_TEST(cert(first.cert_serial)->revocation_reason == "superseded");
  BOOST_TEST(token_state("2101200501") == "retired");   // damaged, handed in
}

BOOST_AUTO_TEST_CASE(replace_retires_the_old_token_and_revokes_its_certificate) {
  auto first = issue(blank("2101200601"));
  blank("2101200602");
  pins.new_pins.push_back("112233");
  auto re = run(request(Flow::replace, "2101200602"));
  BOOST_TEST((re.state == workflows::OrderState::completed));
  BOOST_TEST(token_state("2101200601") == "retired");
  BOOST_TEST(cert(first.cert_serial)->revocation_reason == "superseded");
  BOOST_TEST(verify_with_crl(re.cert_serial) == 0);
}

BOOST_AUTO_TEST_CASE(cancel_revokes_and_wipes) {
  auto first = issue(blank("2101200701"), "135790");
  auto r = request(Flow::cancel, "2101200701");
  r.wipe_token = true;
  auto c = run(r);
  BOOST_TEST((c.state == workflows::OrderState::completed));
  BOOST_TEST(cert(first.cert_serial)->revocation_reason == "cessationOfOperation");
  BOOST_TEST(token_state("2101200701") == "retired");
  BOOST_TEST(objects("2101200701").find("Certificate Object") == std::string::npos);
  BOOST_TEST(verify_with_crl(first.cert_serial) != 0);
  // Nothing left to cancel.
  auto again = request(Flow::cancel, "2101200701");
  again.invoice_no = "x";
  BOOST_TEST(error_code_of<RuleRefused>([&] { run(again); }) == codes::not_found);
}

BOOST_AUTO_TEST_CASE(suspend_found_lost_follow_the_token_table) {
  issue(blank("2101200801"));
  workflows::TokenStatus status(ctx->services(), teller);
  status.suspend("2101200801", "customer cannot find it");
  BOOST_TEST(token_state("2101200801") == "suspended");
  status.found("2101200801");
  BOOST_TEST(token_state("2101200801") == "active");
  status.suspend("2101200801", "again");
  status.lost("2101200801", "confirmed lost");
  BOOST_TEST(token_state("2101200801") == "lost");
  BOOST_TEST(error_code_of<RuleRefused>([&] { status.found("2101200801"); }) == codes::token_state_refused);
  BOOST_TEST(ctx->journal().verify().ok);
}

BOOST_AUTO_TEST_CASE(a_cancelled_pin_entry_waits_and_rollback_leaves_a_blank_token) {
  blank("2101200901");
  pins.new_pins.push_back(std::nullopt);   // the customer walks away
  auto r = issue("2101200901");
  BOOST_TEST(r.waiting);
  BOOST_TEST((r.state == workflows::OrderState::paid));
  // Roll back: the receipt is voided with a supervisor's approval, the order cancelled.
  BOOST_TEST(error_code_of<AuthError>([&] { flows->rollback(teller, r.order_id); }) == codes::approval_required);
  approval.name = "sup1";
  approval.password = "sup1-password";
  auto rb = flows->rollback(teller, r.order_id);
  BOOST_TEST((rb.state == workflows::OrderState::cancelled));
  auto pay = db::Payments(ctx->db()).of_order(r.order_id);
  BOOST_REQUIRE(pay.size() == 1u);
  BOOST_TEST(pay[0].status == "voided");
  BOOST_TEST(pay[0].receipt_no == r.receipt_no);   // keeps its number
  // The same token serves the next customer.
  auto again = issue("2101200901", "135790", "91350100M000100Y43", "福州示例有限公司");
  BOOST_TEST((again.state == workflows::OrderState::completed));
}

BOOST_AUTO_TEST_CASE(rollback_after_the_key_was_made_leaves_no_orphan) {
  blank("2101201001");
  // A token pulled right after key generation: simulate by stopping the flow at the
  // CA (an unknown CSR signature is impossible here), so drive the steps by hand.
  auto r = request(Flow::issue, "2101201001");
  r.amount_fen = 5000;
  auto in = counter->review(teller, r);
  auto plan = counter->plan_payment(teller, r);
  auto order = counter->open_order(teller, r, in);
  counter->take_payment(order, teller, r, plan);
  auto org = counter->organisation_of(order);
  auto token = counter->prepare_blank(order, teller, org);
  counter->set_user_pin(order, teller, *token, Secret("135790"));
  auto key = workflows::OrderBook::data(order)["key_id"].get<std::string>();
  token->generate_key(workflows::KeyAlgorithm::ec_p256, crypto::from_hex(key), "orphan");
  token.reset();   // "crash": the key exists, the order says only token.pin_set
  BOOST_TEST(objects("2101201001", "135790").find(key) != std::string::npos);
  approval.name = "sup1";
  approval.password = "sup1-password";
  auto rb = flows->rollback(teller, order.id);
  BOOST_TEST((rb.state == workflows::OrderState::cancelled));
  BOOST_TEST(objects("2101201001").find("Object") == std::string::npos);   // nothing left on it
  for (const auto& t : ctx->tokens().list())
    if (t.serial == "2101201001") BOOST_TEST(!t.user_pin_initialized);
  BOOST_TEST(ctx->journal().verify().ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(remote_unlock, FlowFixture)

BOOST_AUTO_TEST_CASE(a_code_unlocks_once_for_its_token_until_it_expires) {
  issue(blank("2101201101"), "135790");
  issue(blank("2101201102"), "246802", "91350100M000100Y43", "福州示例有限公司");
  workflows::UnlockCodeService codes_for_tellers(ctx->services(), pins);
  // Only a supervisor issues codes.
  BOOST_TEST(error_code_of<AuthError>([&] { codes_for_tellers.issue(teller, "2101201101", 24); }) == codes::permission_denied);
  auto code = codes_for_tellers.issue(sup, "2101201101", 24);
  BOOST_TEST(code.code.size() == 11u);   // XXXXX-XXXXX
  // Stored only as a salted hash.
  BOOST_TEST(files_containing(tmp / "data", code.code).empty());
  BOOST_TEST(files_containing(tmp / "data", code.code.substr(0, 5) + code.code.substr(6)).empty());
  // Not for another token.
  pins.new_pins.push_back("975310");
  BOOST_TEST(error_code_of<AuthError>([&] { codes_for_tellers.redeem(teller, "2101201102", Secret(code.code)); }) ==
             codes::bad_credentials);
  // Redeemed (typed loosely: lower case, no dash): the new PIN works.
  std::string loose = code.code.substr(0, 5) + code.code.substr(6);
  for (auto& c : loose) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  pins.new_pins.clear();
  pins.new_pins.push_back("975310");
  codes_for_tellers.redeem(teller, "2101201101", Secret(loose));
  BOOST_TEST(objects("2101201101", "975310").find("Private Key Object") != std::string::npos);
  // Single use.
  pins.new_pins.push_back("975311");
  try {
    codes_for_tellers.redeem(teller, "2101201101", Secret(code.code));
    BOOST_FAIL("a code worked twice");
  } catch (const AuthError& e) {
    BOOST_TEST(std::string(e.what()).find("already used") != std::string::npos, e.what());
  }
  // Expired after its hours.
  auto second = codes_for_tellers.issue(sup, "2101201101", 24);
  clock.advance(std::chrono::hours(25));
  try {
    codes_for_tellers.redeem(teller, "2101201101", Secret(second.code));
    BOOST_FAIL("an expired code worked");
  } catch (const AuthError& e) {
    BOOST_TEST(std::string(e.what()).find("expired") != std::string::npos, e.what());
  }
  // A made-up code.
  BOOST_TEST(error_code_of<AuthError>([&] { codes_for_tellers.redeem(teller, "2101201101", Secret("AAAAA-BBBBB")); }) ==
             codes::bad_credentials);
  BOOST_TEST(ctx->journal().verify().ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(settings_on_disk, FlowFixture)

// Issue 13.6: a data folder whose database holds a bad value (an older version
// stored "abc") still opens, runs an order, and names the setting to fix.
BOOST_AUTO_TEST_CASE(a_bad_stored_setting_does_not_brick_the_data_folder) {
  {
    db::Settings settings(ctx->db());
    settings.set("utc_offset_minutes", "abc");
  }
  ctx.reset();
  counter.reset();
  flows.reset();
  ctx = std::make_unique<desk::AppContext>(tmp / "data", clock, 10);
  BOOST_REQUIRE(ctx->setting_problems().size() == 1u);
  BOOST_TEST(ctx->setting_problems()[0].find("utc_offset_minutes") != std::string::npos);
  BOOST_TEST(ctx->config().utc_offset_minutes == 480);
  counter = std::make_unique<workflows::Counter>(ctx->services(), ctx->staff(), workflows::Prompts{pins, approval, progress});
  flows = std::make_unique<workflows::Flows>(*counter);
  BOOST_TEST((issue(blank("2101201201")).state == workflows::OrderState::completed));
}

BOOST_AUTO_TEST_SUITE_END()
