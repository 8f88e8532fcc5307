// The PIN lockout path (SPEC §2: a user PIN locks after 10 wrong tries; only an
// on-site unlock restores it). SoftHSM2 never locks, so customer tokens go
// through tests/p11wrap, which wraps SoftHSM2 and locks like a real USB key.

#include "tests/app/flow_fixture.h"

using namespace certdesk;
using namespace certdesk::test;
using workflows::Flow;

namespace {

// The fixture's counter, with customer tokens and the CA behind the wrapper.
struct LockoutFixture : FlowFixture {
  LockoutFixture() {
    flows.reset();
    counter.reset();
    db::Settings(ctx->db()).set("pkcs11_module", P11WRAP_PATH);
    db::Settings(ctx->db()).set("ca_pkcs11_module", P11WRAP_PATH);
    ctx.reset();
    ctx = std::make_unique<desk::AppContext>(tmp / "data", clock, 10);
    counter = std::make_unique<workflows::Counter>(ctx->services(), ctx->staff(),
                                                   workflows::Prompts{pins, approval, progress});
    flows = std::make_unique<workflows::Flows>(*counter);
  }
  workflows::TokenView view(const std::string& serial) {
    for (const auto& t : ctx->tokens().list())
      if (t.serial == serial) return t;
    BOOST_FAIL("token not present");
    return {};
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(ten_wrong_pins_lock_and_the_counter_unlocks, LockoutFixture) {
  const std::string serial = "2132000044";
  blank(serial);
  auto issued = issue(serial, "135790");
  BOOST_REQUIRE((issued.state == workflows::OrderState::completed));

  auto session = ctx->tokens().open(serial);
  for (int wrong = 1; wrong <= 10; ++wrong) {
    // The tenth wrong PIN already reports the lock (the token says so right after it).
    BOOST_TEST(error_code_of<TokenError>([&] { session->login_user(Secret("000000")); }) ==
               (wrong < 10 ? codes::wrong_pin : codes::pin_locked));
    workflows::TokenView t = view(serial);
    int left = 10 - wrong;
    BOOST_TEST(t.pin_count_low == (left <= 3), "after " << wrong << " wrong PINs");
    BOOST_TEST(t.pin_final_try == (left == 1), "after " << wrong << " wrong PINs");
    BOOST_TEST(t.pin_locked == (left == 0), "after " << wrong << " wrong PINs");
  }
  // Locked: even the right PIN is refused, with a message that says what to do.
  try {
    session->login_user(Secret("135790"));
    BOOST_FAIL("a locked PIN logged in");
  } catch (const TokenError& e) {
    BOOST_TEST(e.code() == codes::pin_locked);
    BOOST_TEST(std::string(e.what()).find("unlock") != std::string::npos, e.what());
  }
  session.reset();

  // certdesk-cli shows the state the module reports.
  RunResult list = test::run({bin("certdesk-cli").string(), "--data-dir", (tmp / "data").string(), "--json", "token", "list"});
  BOOST_TEST(list.exit_code == 0, list.err);
  BOOST_TEST(list.out.find("\"pin_state\": \"locked\"") != std::string::npos, list.out);

  // On-site unlock: SO login with the derived SO PIN, C_InitPIN with the new PIN typed twice.
  pins.new_pins.push_back("864200");
  auto unlocked = run(request(Flow::unlock, serial));
  BOOST_TEST((unlocked.state == workflows::OrderState::completed));
  BOOST_TEST(token_state(serial) == "active");
  workflows::TokenView after = view(serial);
  BOOST_TEST(!after.pin_locked);
  BOOST_TEST(!after.pin_count_low);
  bool said_unlocked = false;
  for (const auto& e : ctx->journal().entries_of_order(unlocked.order_id)) {
    said_unlocked |= e.record.details == "PIN unlocked";
    BOOST_TEST(e.record.details.find("864200") == std::string::npos);
  }
  BOOST_TEST(said_unlocked);
  auto again = ctx->tokens().open(serial);
  BOOST_CHECK_NO_THROW(again->login_user(Secret("864200")));
  again->logout();
  BOOST_TEST(error_code_of<TokenError>([&] { again->login_user(Secret("135790")); }) == codes::wrong_pin);
}
