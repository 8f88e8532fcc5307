// Amounts in Chinese capitals (SPEC §4) and amounts typed in yuan.
#include <boost/test/unit_test.hpp>

#include <string>

#include "common/error.h"
#include "printing/amount_words.h"

using certdesk::InputError;
using namespace certdesk::printing;

namespace {

// True when f throws InputError(bad_request) whose message contains `part`.
template <typename F>
bool refused_with(F f, const std::string& part) {
  try {
    f();
  } catch (const InputError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.code() == certdesk::codes::bad_request && std::string(e.what()).find(part) != std::string::npos;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(capitals)

BOOST_AUTO_TEST_CASE(spec_examples) {
  BOOST_TEST(amount_in_words(5000) == "人民币伍拾元整");
  BOOST_TEST(amount_in_words(100500) == "人民币壹仟零伍元整");
  BOOST_TEST(amount_in_words(10000050) == "人民币壹拾万元伍角整");
  BOOST_TEST(amount_in_words(1640902) == "人民币壹万陆仟肆佰零玖元零贰分");
  BOOST_TEST(amount_in_words(5) == "人民币伍分");
}

BOOST_AUTO_TEST_CASE(below_one_yuan_and_zero) {
  BOOST_TEST(amount_in_words(0) == "人民币零元整");
  BOOST_TEST(amount_in_words(50) == "人民币伍角整");
  BOOST_TEST(amount_in_words(55) == "人民币伍角伍分");
  BOOST_TEST(amount_in_words(1) == "人民币壹分");
  BOOST_TEST(amount_in_words(10) == "人民币壹角整");
}

BOOST_AUTO_TEST_CASE(leading_ten_is_yi_shi) {
  BOOST_TEST(amount_in_words(1000) == "人民币壹拾元整");
  BOOST_TEST(amount_in_words(1500) == "人民币壹拾伍元整");
  BOOST_TEST(amount_in_words(11000) == "人民币壹佰壹拾元整");
  BOOST_TEST(amount_in_words(100000000000) == "人民币壹拾亿元整");
}

BOOST_AUTO_TEST_CASE(one_zero_for_a_run_of_zeros) {
  BOOST_TEST(amount_in_words(100100) == "人民币壹仟零壹元整");
  BOOST_TEST(amount_in_words(101000) == "人民币壹仟零壹拾元整");
  BOOST_TEST(amount_in_words(10000100) == "人民币壹拾万零壹元整");
  BOOST_TEST(amount_in_words(10010000) == "人民币壹拾万零壹佰元整");
  BOOST_TEST(amount_in_words(100100000) == "人民币壹佰万零壹仟元整");
  BOOST_TEST(amount_in_words(1000010000) == "人民币壹仟万零壹佰元整");
  BOOST_TEST(amount_in_words(1010101) == "人民币壹万零壹佰零壹元零壹分");
}

BOOST_AUTO_TEST_CASE(wan_and_yi_boundaries) {
  BOOST_TEST(amount_in_words(10000) == "人民币壹佰元整");
  BOOST_TEST(amount_in_words(1000000) == "人民币壹万元整");
  BOOST_TEST(amount_in_words(10000000000) == "人民币壹亿元整");           // 100000000 元
  BOOST_TEST(amount_in_words(10001000000) == "人民币壹亿零壹万元整");     // 100010000 元
  BOOST_TEST(amount_in_words(10000000100) == "人民币壹亿零壹元整");       // 100000001 元
  BOOST_TEST(amount_in_words(1000000001) == "人民币壹仟万元零壹分");      // 10000000.01 元
  BOOST_TEST(amount_in_words(10100000000) == "人民币壹亿零壹佰万元整");   // 101000000 元
  BOOST_TEST(amount_in_words(12345678900) == "人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元整");
  BOOST_TEST(amount_in_words(10000001000000) == "人民币壹仟亿零壹万元整");  // 100000010000 元
  BOOST_TEST(amount_in_words(kMaxFen) == "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分");
}

BOOST_AUTO_TEST_CASE(endings) {
  BOOST_TEST(amount_in_words(12300) == "人民币壹佰贰拾叁元整");     // ends in 元
  BOOST_TEST(amount_in_words(12340) == "人民币壹佰贰拾叁元肆角整");  // ends in 角
  BOOST_TEST(amount_in_words(12345) == "人民币壹佰贰拾叁元肆角伍分");  // ends in 分: no 整
  BOOST_TEST(amount_in_words(12305) == "人民币壹佰贰拾叁元零伍分");  // 角 0, 分 not: 零 after 元
  BOOST_TEST(amount_in_words(1000005) == "人民币壹万元零伍分");
}

BOOST_AUTO_TEST_CASE(refuses_negative_and_too_large) {
  BOOST_TEST(refused_with([] { amount_in_words(-1); }, "negative"));
  BOOST_TEST(refused_with([] { amount_in_words(kMaxFen + 1); }, "9999亿"));
}

BOOST_AUTO_TEST_SUITE_END()

// Figures (format_fen / format_yuan) and parsing: tests/common/test_money.cpp.
