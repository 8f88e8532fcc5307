// Free text a teller types (issue 13.4) and messages that are safe to print
// (issue 13.10): NFC, control characters, noncharacters, bad UTF-8, lengths;
// escapes, ellipses, NUL and line breaks in certdesk::Error.
#include <boost/test/unit_test.hpp>

#include <string>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

using namespace certdesk;

namespace {
std::string refusal(std::string_view value, std::size_t max = 40) {
  try {
    text::checked("name", value, max);
  } catch (const InputError& e) {
    BOOST_TEST(e.code() == codes::invalid_text);
    return e.what();
  }
  return {};
}
bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_SUITE(checked_text)

BOOST_AUTO_TEST_CASE(normalised_to_nfc) {
  // "é" as e + COMBINING ACUTE ACCENT becomes the one code point U+00E9.
  BOOST_TEST(text::checked("name", "Caf" "e\xCC\x81", 40) == "Caf\xC3\xA9");
  BOOST_TEST(text::nfc("e\xCC\x81") == "\xC3\xA9");
  // Hangul jamo compose; CJK and ASCII are unchanged.
  BOOST_TEST(text::nfc("\xE1\x84\x80\xE1\x85\xA1") == "\xEA\xB0\x80");
  BOOST_TEST(text::checked("name", "北京示例科技有限公司", 40) == "北京示例科技有限公司");
  BOOST_TEST(text::nfc("") == "");
  // The length is counted after composing: 40 decomposed é (80 code points) fit in 40.
  std::string decomposed;
  for (int i = 0; i < 40; ++i) decomposed += "e\xCC\x81";
  BOOST_TEST(text::utf8_length(text::checked("name", decomposed, 40)) == 40u);
}

BOOST_AUTO_TEST_CASE(refuses_controls_noncharacters_and_bad_utf8) {
  BOOST_TEST(contains(refusal("a\x1B[31mb"), "U+001B"));
  BOOST_TEST(contains(refusal(std::string("a\0b", 3)), "U+0000"));
  BOOST_TEST(contains(refusal("a\nb"), "U+000A"));
  BOOST_TEST(contains(refusal("a\xC2\x85" "b"), "U+0085"));      // NEL
  BOOST_TEST(contains(refusal("a\xE2\x80\xA8" "b"), "U+2028"));  // line separator
  BOOST_TEST(contains(refusal("a\xEF\xBF\xBF" "b"), "U+FFFF"));
  BOOST_TEST(contains(refusal("a\xEF\xBF\xBE" "b"), "U+FFFE"));
  BOOST_TEST(contains(refusal("a\xEF\xB7\x90" "b"), "U+FDD0"));
  BOOST_TEST(contains(refusal("a\xF0\x9F\xBF\xBF" "b"), "U+1FFFF"));
  BOOST_TEST(contains(refusal("a\xED\xA0\x80" "b"), "UTF-8"));      // an unpaired surrogate (CESU / WTF-8)
  BOOST_TEST(contains(refusal("a\xC0\xAF" "b"), "UTF-8"));          // overlong '/'
  BOOST_TEST(contains(refusal("a\xFF" "b"), "UTF-8"));
  BOOST_TEST(contains(refusal("a\xE4\xB8"), "UTF-8"));              // cut in the middle of 中
  BOOST_TEST(contains(refusal(std::string(41, 'x')), "41 characters"));
  BOOST_TEST(contains(refusal(std::string(100000, 'x')), "100000 characters"));
  BOOST_TEST(contains(refusal("   "), "must not be empty"));
  BOOST_TEST(text::checked("name", "", 10, false) == "");
  // Private use and other assigned characters are text.
  BOOST_TEST(text::checked("name", "\xEE\x80\x80", 10) == "\xEE\x80\x80");
}

BOOST_AUTO_TEST_CASE(noncharacters_are_exactly_the_66) {
  int n = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) n += text::is_noncharacter(cp);
  BOOST_TEST(n == 66);
  BOOST_TEST(!text::is_noncharacter(0xFDCF));
  BOOST_TEST(!text::is_noncharacter(0xFDF0));
  BOOST_TEST(!text::is_noncharacter(0xFFFD));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(safe_messages)

BOOST_AUTO_TEST_CASE(printable_escapes_and_cuts) {
  BOOST_TEST(text::printable("a\x1B[2Jb") == "a\\x1B[2Jb");
  BOOST_TEST(text::printable(std::string("a\0b", 3)) == "a\\x00b");
  BOOST_TEST(text::printable("a\nb\tc") == "a\\x0Ab\\x09c");
  BOOST_TEST(text::printable("a\xFF" "b") == "a\\xFFb");
  BOOST_TEST(text::printable("a\xEF\xBF\xBF") == "a\\u{FFFF}");
  BOOST_TEST(text::printable("a\xC2\x9B" "b") == "a\\u{009B}b");   // C1 CSI
  BOOST_TEST(text::printable("张三") == "张三");
  std::string cut = text::printable(std::string(1000, 'x'), 10);
  BOOST_TEST(cut == std::string(9, 'x') + "\xE2\x80\xA6");
  // Cuts whole code points, never in the middle of one.
  BOOST_TEST(text::printable("北京示例科技有限公司", 4) == "北京示\xE2\x80\xA6");
  BOOST_TEST(text::printable("abcd", 4) == "abcd");
}

BOOST_AUTO_TEST_CASE(one_line_keeps_start_and_end) {
  BOOST_TEST(text::one_line("Missing: form.\nNot stamped: copy.") == "Missing: form. Not stamped: copy.");
  BOOST_TEST(text::one_line("a\r\nb") == "a b");
  std::string m = "Start " + std::string(5000, 'x') + " do this next.";
  std::string shown = text::one_line(m, 100);
  BOOST_TEST(text::utf8_length(shown) == 100u);
  BOOST_TEST(shown.substr(0, 6) == "Start ");
  BOOST_TEST(contains(shown, "\xE2\x80\xA6"));
  BOOST_TEST(shown.substr(shown.size() - 14) == " do this next.");
}

BOOST_AUTO_TEST_CASE(error_messages_are_one_safe_line) {
  std::string evil = std::string("bad\0name", 8) + "\x1B]0;pwned\x07\nSECOND LINE";
  InputError e(codes::bad_request, "The name '" + evil + "' is wrong; type it again.");
  std::string w = e.what();
  BOOST_TEST(!contains(w, "\n"));
  BOOST_TEST(!contains(w, "\x1B"));
  BOOST_TEST(contains(w, "bad\\x00name"));                 // NUL no longer cuts the message
  BOOST_TEST(contains(w, "is wrong; type it again."));
  for (unsigned char c : w) BOOST_TEST((c >= 0x20 && c != 0x7F), "byte " << int(c));
  // Every subclass goes through the same constructor.
  DbError d(codes::database_error, "x\ny");
  BOOST_TEST(std::string(d.what()) == "x y");
  // A huge value keeps the advice at the end.
  RuleRefused r(codes::rule_refused, "r", "'" + std::string(200000, 'A') + "' is not a flow; use issue.");
  std::string rw = r.what();
  BOOST_TEST(rw.size() < 2000u);
  BOOST_TEST(rw.substr(rw.size() - 10) == "use issue.");
}

BOOST_AUTO_TEST_CASE(msg_cuts_each_value) {
  std::string m = msg("'{}' is not a flow; use issue.", std::string(10000, 'z'));
  BOOST_TEST(text::utf8_length(m) < 200u);
  BOOST_TEST(contains(m, "\xE2\x80\xA6' is not a flow; use issue."));
  BOOST_TEST(msg("{} and {}", "a\nb", 42) == "a\\x0Ab and 42");
  BOOST_TEST(msg("{}", std::string_view("\x1B")) == "\\x1B");
}

BOOST_AUTO_TEST_SUITE_END()
