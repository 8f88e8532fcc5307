// common/money: the one parser and formatter of amounts (typed yuan ↔ integer fen).
#include <boost/test/unit_test.hpp>

#include <climits>
#include <string>

#include "common/error.h"
#include "common/money.h"

using namespace certdesk;
using namespace certdesk::money;

namespace {
std::int64_t fen(const char* text) {
  ParsedAmount p = try_parse_yuan(text);
  BOOST_REQUIRE_MESSAGE(p.fen, text);
  return *p.fen;
}
bool refused_as(const char* text, ParseProblem want) {
  ParsedAmount p = try_parse_yuan(text);
  return !p.fen && p.problem == want;
}
}  // namespace

BOOST_AUTO_TEST_CASE(accepts_what_a_teller_types) {
  BOOST_TEST(fen("50") == 5000);
  BOOST_TEST(fen("50.5") == 5050);
  BOOST_TEST(fen("50.05") == 5005);
  BOOST_TEST(fen("¥50.00") == 5000);
  BOOST_TEST(fen("￥50") == 5000);
  BOOST_TEST(fen("1005.00") == 100500);
  BOOST_TEST(fen("0.5") == 50);
  BOOST_TEST(fen("0.05") == 5);
  BOOST_TEST(fen("0") == 0);
  BOOST_TEST(fen("0.00") == 0);
  BOOST_TEST(fen("  12.3 ") == 1230);
  BOOST_TEST(fen("007") == 700);
  BOOST_TEST(fen("999999999.99") == kMaxTypedFen);
  BOOST_TEST(fen("000999999999") == 99999999900);   // leading zeros are not digits of the amount
}

// An input method in full-width mode types "５０．５"; the teller sees 50.5.
BOOST_AUTO_TEST_CASE(reads_full_width_digits_and_point) {
  BOOST_TEST(fen("５０") == 5000);
  BOOST_TEST(fen("５０．０５") == 5005);
  BOOST_TEST(fen("￥１２３.４") == 12340);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_an_amount) {
  for (const char* text : {"abc", "1,000", "1e3", ".5", "1.", "1.2.3", "12 3", "五十", "0x10", "+1", "+-1", "５０，５", "¥¥5"})
    BOOST_TEST(refused_as(text, ParseProblem::not_a_number), text);
  BOOST_TEST(refused_as("", ParseProblem::empty));
  BOOST_TEST(refused_as("   ", ParseProblem::empty));
  BOOST_TEST(refused_as("¥", ParseProblem::empty));
  BOOST_TEST(refused_as("-1", ParseProblem::negative));
  BOOST_TEST(refused_as("-0.01", ParseProblem::negative));
  BOOST_TEST(refused_as("1.234", ParseProblem::too_many_decimals));
  BOOST_TEST(refused_as("50.005", ParseProblem::too_many_decimals));
  BOOST_TEST(refused_as("1000000000", ParseProblem::too_large));   // ten digits of yuan
  BOOST_TEST(refused_as("99999999999999999999999999", ParseProblem::too_large));
}

BOOST_AUTO_TEST_CASE(the_throwing_twin_says_what_is_wrong) {
  BOOST_TEST(parse_yuan("50.05") == 5005);
  auto code_of = [](const char* text) -> std::string {
    try {
      parse_yuan(text);
    } catch (const InputError& e) {
      BOOST_TEST(std::string(e.what()).find(text) != std::string::npos, "the message quotes " << text);
      return e.code();
    }
    return "accepted";
  };
  BOOST_TEST(code_of("abc") == codes::bad_request);
  BOOST_TEST(code_of("1.234") == codes::bad_request);
  BOOST_TEST(code_of("1234567890") == codes::bad_request);
}

BOOST_AUTO_TEST_CASE(figures) {
  BOOST_TEST(format_fen(100500) == "1005.00");
  BOOST_TEST(format_fen(5) == "0.05");
  BOOST_TEST(format_fen(0) == "0.00");
  BOOST_TEST(format_fen(-150) == "-1.50");
  BOOST_TEST(format_fen(INT64_MIN) == "-92233720368547758.08");
  BOOST_TEST(format_yuan(5000) == "¥50.00");
  BOOST_TEST(format_yuan(-150) == "-¥1.50");
  // What is printed parses back to the same fen.
  for (std::int64_t f : {0LL, 5LL, 50LL, 5005LL, 100500LL, 99999999999LL}) BOOST_TEST(parse_yuan(format_yuan(f)) == f);
}
