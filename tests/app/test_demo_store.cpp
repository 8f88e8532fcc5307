// Issue 14.10: the embedded default behaves like real USB keys, so a trainer can show every
// flow by hand. No module setting is changed here: the data folder is the one `init` makes,
// and its SoftHSM2 store goes through the shipped lock module (pki/p11lock).

#include <nlohmann/json.hpp>

#include "desk/day_signing.h"
#include "pki/softhsm.h"
#include "tests/app/flow_fixture.h"

using namespace certdesk;
using namespace certdesk::test;
using workflows::Flow;

namespace {

struct DemoStore : FlowFixture {
  workflows::TokenView view(const std::string& serial) {
    for (const auto& t : ctx->tokens().list())
      if (t.serial == serial) return t;
    BOOST_FAIL("token not present");
    return {};
  }
  // A new process on the same data folder (what the next certdesk-cli command is).
  void reopen() {
    flows.reset();
    counter.reset();
    ctx.reset();
    ctx = std::make_unique<desk::AppContext>(tmp / "data", clock, 10);
    counter = std::make_unique<workflows::Counter>(ctx->services(), ctx->staff(),
                                                   workflows::Prompts{pins, approval, progress});
    flows = std::make_unique<workflows::Flows>(*counter);
  }
  std::int64_t now_s() const { return clock.now().time_since_epoch().count(); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(demo_store, DemoStore)

BOOST_AUTO_TEST_CASE(a_key_locks_after_ten_wrong_pins_the_ca_works_beside_it_and_the_counter_unlocks_it) {
  BOOST_TEST(ctx->module_path() == pki::softhsm::default_module);   // the embedded default, untouched
  const std::string serial = "2132000071";
  blank(serial);
  BOOST_REQUIRE((issue(serial, "135790").state == workflows::OrderState::completed));

  {
    auto session = ctx->tokens().open(serial);
    for (int wrong = 1; wrong <= 10; ++wrong) {
      BOOST_TEST(error_code_of<TokenError>([&] { session->login_user(Secret("000000")); }) ==
                 (wrong < 10 ? codes::wrong_pin : codes::pin_locked));
      const int left = 10 - wrong;
      workflows::TokenView t = view(serial);
      BOOST_TEST(t.pin_count_low == (left <= 3), "after " << wrong << " wrong PINs");
      BOOST_TEST(t.pin_locked == (left == 0), "after " << wrong << " wrong PINs");
    }
    BOOST_TEST(error_code_of<TokenError>([&] { session->login_user(Secret("135790")); }) == codes::pin_locked);
  }

  // Another process sees the lock too (the counter is kept in the store, not in memory).
  reopen();
  BOOST_TEST(view(serial).pin_locked);

  // A flow that needs the CA, right after: a new key issued in the same store.
  const std::string other = "2132000072";
  blank(other);
  auto second = issue(other, "246810");
  BOOST_TEST((second.state == workflows::OrderState::completed));
  BOOST_TEST(token_state(other) == "active");
  BOOST_TEST(verify_with_crl(second.cert_serial) == 0);

  // The counter's unlock (SO login, a new PIN typed twice) opens the locked key.
  pins.new_pins.push_back("864200");
  auto unlocked = run(request(Flow::unlock, serial));
  BOOST_TEST((unlocked.state == workflows::OrderState::completed));
  workflows::TokenView after = view(serial);
  BOOST_TEST(!after.pin_locked);
  BOOST_TEST(!after.pin_count_low);
  auto session = ctx->tokens().open(serial);
  BOOST_CHECK_NO_THROW(session->login_user(Secret("864200")));
}

BOOST_AUTO_TEST_CASE(a_demo_key_expiring_in_20_days_reaches_the_update_flow_without_moving_the_clock) {
  const std::string serial = "2132000081";
  ctx->demo_certificates_valid_for(20);
  blank(serial);
  auto first = issue(serial, "135790");
  BOOST_REQUIRE((first.state == workflows::OrderState::completed));
  BOOST_TEST(first.not_after - now_s() <= 20 * 86400);
  BOOST_TEST(first.not_after - now_s() > 19 * 86400);
  BOOST_TEST(verify_with_crl(first.cert_serial) == 0);

  // The next process issues full-length certificates again; today is inside the renewal window.
  reopen();
  pins.current_pins.push_back("135790");
  auto upd = run(request(Flow::update, serial));
  BOOST_TEST((upd.state == workflows::OrderState::completed));
  BOOST_TEST(upd.cert_serial != first.cert_serial);
  BOOST_TEST(cert(first.cert_serial)->status == "revoked");
  BOOST_TEST(upd.not_after - now_s() > 364 * 86400);
}

BOOST_AUTO_TEST_CASE(demo_expiry_outside_1_to_3650_days_or_off_the_embedded_store_is_refused) {
  BOOST_TEST(error_code_of<InputError>([&] { ctx->demo_certificates_valid_for(0); }) == codes::bad_request);
  BOOST_TEST(error_code_of<InputError>([&] { ctx->demo_certificates_valid_for(3651); }) == codes::bad_request);
  db::Settings(ctx->db()).set("pkcs11_module", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");
  BOOST_TEST(error_code_of<RuleRefused>([&] { ctx->demo_certificates_valid_for(20); }) == codes::rule_refused);
}

// certdesk-cli token insert-demo: one command inserts the key and issues it; token list shows the expiry.
BOOST_AUTO_TEST_CASE(cli_insert_demo_issues_a_key_expiring_in_n_days) {
  write_file(tmp / "teller.pw", "teller-password");
  write_file(tmp / "pin", "135790");
  nlohmann::json req = {
      {"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", "91110108MA01C8D24U"}}},
      {"handler", {{"name", "张三"}, {"id_number", "11010519491231002X"}}},
      {"documents",
       {{"application_form", {{"present", true}, {"stamped", true}, {"business_type", "issue"}}},
        {"org_code_copy", {{"present", true}, {"stamped", true}}},
        {"handler_id_copy", {{"present", true}, {"stamped", true}}},
        {"token", {{"present", true}}}}},
      {"token_serial", "2132000091"},
      {"reason", ""},
      {"payment", {{"method", "cash"}, {"amount_fen", 5000}}}};
  write_file(tmp / "req.json", req.dump());
  ctx.reset();   // the CLI is another process on the store
  const std::string cli = bin("certdesk-cli").string(), data = (tmp / "data").string();
  RunResult r = test::run({cli, "--data-dir", data, "--json", "token", "insert-demo", "--expires-in-days", "12",
                           "--request", (tmp / "req.json").string(), "--as", "teller1", "--as-password-file",
                           (tmp / "teller.pw").string(), "--new-pin-file", (tmp / "pin").string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("135790") == std::string::npos);
  RunResult bad = test::run({cli, "--data-dir", data, "token", "insert-demo", "--expires-in-days", "0", "--request",
                             (tmp / "req.json").string(), "--as", "teller1", "--as-password-file",
                             (tmp / "teller.pw").string(), "--new-pin-file", (tmp / "pin").string()});
  BOOST_TEST(bad.exit_code == 4, bad.err);
  ctx = std::make_unique<desk::AppContext>(tmp / "data", clock, 10);
  auto token = db::Tokens(ctx->db()).by_serial("2132000091");
  BOOST_REQUIRE(token.has_value());
  BOOST_TEST(token->state == "active");
  bool found = false;
  for (const auto& c : db::Certificates(ctx->db()).on_token("2132000091")) {
    found = true;
    BOOST_TEST(c.not_after - now_s() <= 12 * 86400 + 120);
    BOOST_TEST(c.not_after - now_s() > 11 * 86400);
  }
  BOOST_TEST(found);
}

// Issue 14 loose end: a supervisor's demo signing token locks after 10 wrong PINs like a
// customer's; `certdesk-cli staff unlock-token NAME --as ADMIN` gives it a new PIN through
// its SO PIN (journaled), the same key stays enrolled, and a close signs with the new PIN.
BOOST_AUTO_TEST_CASE(a_locked_demo_signing_token_is_unlocked_by_an_admin) {
  const std::string serial = blank("4100066666");
  desk::enroll_staff_token(*ctx, admin, "sup1", serial, Secret("Sup-PIN-2468"));
  const std::string fingerprint = db::StaffTokens(ctx->db()).by_serial(serial)->key_fingerprint;
  auto wrong = [] { return std::optional<Secret>(Secret("Wrong-PIN-000")); };
  for (int i = 1; i <= 10; ++i) static_cast<void>(error_code_of<TokenError>([&] { desk::signer_for(*ctx, sup, wrong); }));
  BOOST_TEST(error_code_of<TokenError>([&] {
               desk::signer_for(*ctx, sup, [] { return std::optional<Secret>(Secret("Sup-PIN-2468")); });
             }) == codes::pin_locked);

  // A teller may not; the admin's bad PIN file changes nothing.
  BOOST_TEST(error_code_of<AuthError>([&] { desk::unlock_staff_token(*ctx, teller, "sup1", Secret("New-PIN-1357")); }) ==
             codes::permission_denied);
  BOOST_TEST(error_code_of<InputError>([&] { desk::unlock_staff_token(*ctx, admin, "sup1", Secret("12")); }) ==
             codes::pin_length);
  BOOST_TEST(error_code_of<RuleRefused>([&] { desk::unlock_staff_token(*ctx, admin, "teller1", Secret("New-PIN-1357")); }) ==
             codes::not_found);

  write_file(tmp / "admin.pw", "admin-password");
  write_file(tmp / "new.pin", "New-PIN-1357\n");
  ctx.reset();   // the CLI is another process on the store
  const std::string cli = bin("certdesk-cli").string(), data = (tmp / "data").string();
  RunResult r = test::run({cli, "--data-dir", data, "--json", "staff", "unlock-token", "sup1", "--new-pin-file",
                           (tmp / "new.pin").string(), "--as", "admin", "--as-password-file", (tmp / "admin.pw").string()});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.out.find("New-PIN-1357") == std::string::npos);
  BOOST_TEST(r.err.find("New-PIN-1357") == std::string::npos);
  reopen();
  auto signer = desk::signer_for(*ctx, sup, [] { return std::optional<Secret>(Secret("New-PIN-1357")); });
  BOOST_TEST(desk::key_fingerprint(signer->certificate()) == fingerprint);   // the same enrolled key
  bool journaled = false;
  for (const auto& e : ctx->journal().entries_of_day(text::business_day(clock.now(), ctx->config().utc_offset_minutes)))
    journaled = journaled || (e.record.action == "staff.token_unlocked" && e.record.token_serial == serial &&
                              e.record.staff == "admin" && e.record.details.find("New-PIN") == std::string::npos);
  BOOST_TEST(journaled);

  // Off the embedded store it is refused: a real key gets a new enrolment instead.
  db::Settings(ctx->db()).set("pkcs11_module", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");
  BOOST_TEST(error_code_of<RuleRefused>([&] { desk::unlock_staff_token(*ctx, admin, "sup1", Secret("New-PIN-1357")); }) ==
             codes::rule_refused);
}

BOOST_AUTO_TEST_SUITE_END()
