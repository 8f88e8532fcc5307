// The rules the token panel asks (workflows' renewal window and newest valid
// certificate, as the desk calls them), the branch's local time, and what the
// counter offers to choose or type: no token, no database (label unit).

#include <boost/test/unit_test.hpp>

#include <string>

#include "desk/choices.h"
#include "desk/desk.h"
#include "workflows/certificates.h"
#include "workflows/renewal.h"

using namespace certdesk;

BOOST_AUTO_TEST_SUITE(desk_rules)

BOOST_AUTO_TEST_CASE(rules_kept_in_one_place) {
  workflows::CounterConfig c;   // 30 days before, 90 after
  const std::int64_t end = 1'800'000'000;
  const auto window = workflows::RenewalWindow::from(c);
  const auto at = [](std::int64_t t) { return Seconds(std::chrono::seconds(t)); };
  BOOST_TEST(!window.contains(at(end - 31 * 86400), end));
  BOOST_TEST(window.contains(at(end - 30 * 86400), end));
  BOOST_TEST(window.contains(at(end + 90 * 86400), end));
  BOOST_TEST(!window.contains(at(end + 90 * 86400 + 1), end));
  std::vector<db::CertificateRecord> certs(3);
  certs[0].serial = "a", certs[0].not_after = 10;
  certs[1].serial = "b", certs[1].not_after = 30, certs[1].status = "revoked";
  certs[2].serial = "c", certs[2].not_after = 20;
  BOOST_REQUIRE(workflows::newest_valid_certificate(certs));
  BOOST_TEST(workflows::newest_valid_certificate(certs)->serial == "c");
  c.utc_offset_minutes = 0;
  BOOST_TEST(desk::local_time(0, c) == "1970-01-01 00:00");
  c.utc_offset_minutes = 480;
  BOOST_TEST(desk::local_time(0, c) == "1970-01-01 08:00");
}

BOOST_AUTO_TEST_CASE(typed_amounts_in_fen) {
  BOOST_TEST(desk::typed_amount_fen("50").value_or(-1) == 5000);
  BOOST_TEST(desk::typed_amount_fen(" 50.0 ").value_or(-1) == 5000);
  BOOST_TEST(desk::typed_amount_fen("50.05").value_or(-1) == 5005);
  BOOST_TEST(desk::typed_amount_fen("５０").value_or(-1) == 5000);   // full-width digits, as an IME types them
  for (const char* bad : {"", "abc", "50.005", "-5", "5,000", ".5", "50 yuan"})
    BOOST_TEST(!desk::typed_amount_fen(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(choices_in_the_windows_order) {
  BOOST_REQUIRE_EQUAL(desk::reissue_reasons().size(), 3u);
  BOOST_TEST(std::string(desk::reissue_reasons()[0]) == "lost");
  BOOST_TEST(std::string(desk::reissue_reasons()[2]) == "damaged_quality");
  BOOST_REQUIRE_EQUAL(desk::payment_methods().size(), 3u);
  BOOST_TEST(std::string(desk::payment_methods()[0]) == "cash");
  BOOST_TEST(desk::is_editable_setting("paper"));
  BOOST_TEST(!desk::is_editable_setting("branch"));   // shown, not editable
}

BOOST_AUTO_TEST_SUITE_END()
