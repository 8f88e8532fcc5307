// Document-number checks (SPEC §3): USCC (GB 32100), organisation code
// (GB 11714), resident ID number (GB 11643), with input normalisation.
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

#include "workflows/validators.h"

using namespace certdesk::workflows;

namespace {

constexpr std::string_view kToday = "2026-03-15";
constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::string_view kDigits = "0123456789";

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

int org_value(char c) { return c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10; }

}  // namespace

// ------------------------------------------------------------------ normalisation

BOOST_AUTO_TEST_SUITE(normalisation)

BOOST_AUTO_TEST_CASE(trims_and_widths) {
  BOOST_TEST(normalise_code("  91350100m000100y43  ") == "91350100M000100Y43");
  BOOST_TEST(normalise_code("\xE3\x80\x80" "abc\xE3\x80\x80") == "ABC");  // U+3000 either side
  BOOST_TEST(normalise_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43");
  BOOST_TEST(normalise_code("ｄ２１４３５６９－ｘ") == "D2143569-X");  // full-width lower case and hyphen
  BOOST_TEST(normalise_code("") == "");
  BOOST_TEST(normalise_code("   ") == "");
  BOOST_TEST(normalise_code("中文") == "中文");  // other characters are left alone
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------ USCC

BOOST_AUTO_TEST_SUITE(uscc)

BOOST_AUTO_TEST_CASE(valid_samples) {
  for (const char* code : {"91350100M000100Y43", "91110108MA01C8D24U", "12100000400000624D", "1210000042500615X0",
                           "911100006000650192"}) {
    const CheckResult r = check_uscc(code);
    BOOST_TEST(r.ok, code << ": " << r.problem);
    BOOST_TEST(r.normalised == code);
    BOOST_TEST(r.problem.empty());
  }
}

BOOST_AUTO_TEST_CASE(normalised_input_accepted) {
  const CheckResult r = check_uscc("９１３５０１００Ｍ０００１００Ｙ４３");
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.normalised == "91350100M000100Y43");
  BOOST_TEST(check_uscc("  91110108ma01c8d24u \xE3\x80\x80").ok);
  BOOST_TEST(check_uscc("\t91350100M000100Y43\n").ok);
}

BOOST_AUTO_TEST_CASE(every_single_character_corruption_is_invalid) {
  for (std::string good : {"91350100M000100Y43", "91110108MA01C8D24U"}) {
    int tried = 0;
    for (std::size_t pos = 0; pos < good.size(); ++pos) {
      for (char c : kUsccCharset) {
        if (c == good[pos]) continue;
        std::string bad = good;
        bad[pos] = c;
        const CheckResult r = check_uscc(bad);
        BOOST_TEST(!r.ok, bad << " accepted");
        BOOST_TEST(!r.problem.empty());
        ++tried;
      }
    }
    BOOST_TEST(tried == 18 * 30);
  }
}

BOOST_AUTO_TEST_CASE(length) {
  const CheckResult r = check_uscc("91350100M000100Y4");
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem == "the USCC must have 18 characters; this has 17");
  BOOST_TEST(check_uscc("91350100M000100Y433").problem == "the USCC must have 18 characters; this has 19");
  BOOST_TEST(check_uscc("").problem == "the USCC must have 18 characters; this has 0");
}

BOOST_AUTO_TEST_CASE(characters_outside_the_code_set) {
  BOOST_TEST(check_uscc("9135O100M000100Y43").problem == "character 5 'O' is not used in USCC codes");
  for (char c : std::string_view("IOZSV")) {
    std::string bad = "91350100M000100Y43";
    bad[10] = c;
    BOOST_TEST(contains(check_uscc(bad).problem, std::string("character 11 '") + c + "' is not used"));
  }
  // A Chinese character counts as one character in the position.
  BOOST_TEST(check_uscc("913501中0M000100Y43").problem == "character 7 '中' is not used in USCC codes");
}

BOOST_AUTO_TEST_CASE(department_and_region) {
  // 'B' is in the code set but no registration department.
  BOOST_TEST(contains(check_uscc("B1350100M000100Y43").problem, "registration department"));
  BOOST_TEST(contains(check_uscc("9135A100M000100Y43").problem, "region code"));
  BOOST_TEST(check_uscc("91990100M000100Y43").problem == "region code 99 does not exist");
}

BOOST_AUTO_TEST_CASE(mod31_check_character_named) {
  const CheckResult r = check_uscc("91350100M000100Y4Y");
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem == "check character should be 3, not Y");
  BOOST_TEST(check_uscc("91110108MA01C8D243").problem == "check character should be U, not 3");
}

BOOST_AUTO_TEST_CASE(passing_mod31_with_a_bad_organisation_code_is_invalid) {
  // Organisation-code check character changed 4 → 5 and the MOD 31 character
  // recomputed (6): the MOD 31 check alone would pass.
  CheckResult r = check_uscc("91350100M000100Y56");
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem ==
             "the embedded organisation code M000100Y-5 fails its check: its check character should be 4");
  r = check_uscc("91110108MA01C8D25Y");
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem ==
             "the embedded organisation code MA01C8D2-5 fails its check: its check character should be 4");
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------ organisation code

BOOST_AUTO_TEST_SUITE(org_code)

BOOST_AUTO_TEST_CASE(valid_samples) {
  for (const char* code : {"D2143569-X", "D2143569X", "d2143569-x", "M000100Y4", "MA01C8D2-4", "40000062-4",
                           "42500615-X", "60006501-9", " ｄ２１４３５６９－ｘ "}) {
    const CheckResult r = check_org_code(code);
    BOOST_TEST(r.ok, code << ": " << r.problem);
  }
  BOOST_TEST(check_org_code("d2143569-x").normalised == "D2143569-X");
}

BOOST_AUTO_TEST_CASE(problems_named) {
  BOOST_TEST(check_org_code("D2143569-4").problem == "check character should be X, not 4");
  BOOST_TEST(check_org_code("D21435694").problem == "check character should be X, not 4");
  BOOST_TEST(contains(check_org_code("D2143569-A").problem, "must be a digit or X"));
  BOOST_TEST(contains(check_org_code("D2143569").problem, "this has 8"));
  BOOST_TEST(contains(check_org_code("D2143569_X").problem, "this has 10"));  // not a hyphen
  BOOST_TEST(contains(check_org_code("D21435-9X").problem, "character 7 '-'"));
}

BOOST_AUTO_TEST_CASE(single_character_corruptions) {
  // MOD 11 catches every changed digit, and every changed letter except one whose
  // value differs by a multiple of 11 (e.g. 0 ↔ B) — a limit of GB 11714 itself.
  const std::string good = "D2143569X";
  const std::string_view set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int undetectable = 0;
  for (std::size_t pos = 0; pos < 8; ++pos) {
    for (char c : set) {
      if (c == good[pos]) continue;
      std::string bad = good;
      bad[pos] = c;
      const int diff = org_value(c) - org_value(good[pos]);
      if (diff % 11 == 0) {
        ++undetectable;
        continue;
      }
      BOOST_TEST(!check_org_code(bad).ok, bad << " accepted");
    }
  }
  BOOST_TEST(undetectable > 0);
  for (char c : std::string_view("0123456789")) {
    std::string bad = good;
    bad[8] = c;
    BOOST_TEST(!check_org_code(bad).ok, bad << " accepted");
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------ organisation number

BOOST_AUTO_TEST_SUITE(organisation_number)

BOOST_AUTO_TEST_CASE(uscc_or_legacy_code) {
  CheckResult r = check_organisation_number("91110108MA01C8D24U");
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.note == "USCC");
  r = check_organisation_number("D2143569X");
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.note == "organisation code");
  r = check_organisation_number("D2143569-X");
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.note == "organisation code");
  r = check_organisation_number("９１３５０１００Ｍ０００１００Ｙ４３");
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.normalised == "91350100M000100Y43");

  BOOST_TEST(!check_organisation_number("91350100M000100Y4Y").ok);
  BOOST_TEST(!check_organisation_number("D2143569-4").ok);
  r = check_organisation_number("12345");
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.problem, "this has 5 characters"));
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------------ ID number

BOOST_AUTO_TEST_SUITE(id_number)

BOOST_AUTO_TEST_CASE(valid_samples) {
  for (const char* id : {"11010519491231002X", "110105199001010010", "810000199001010019", "820000199001010010",
                         "830000199001010012", "710000199001010015"}) {
    const CheckResult r = check_id_number(id, kToday);
    BOOST_TEST(r.ok, id << ": " << r.problem);
    BOOST_TEST(r.normalised == id);
  }
}

BOOST_AUTO_TEST_CASE(normalised_input_accepted) {
  CheckResult r = check_id_number(" 11010519491231002x ", kToday);
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.normalised == "11010519491231002X");
  r = check_id_number("１１０１０５１９４９１２３１００２ｘ", kToday);
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.normalised == "11010519491231002X");
}

BOOST_AUTO_TEST_CASE(every_single_digit_corruption_is_invalid) {
  for (std::string good : {"11010519491231002X", "810000199001010019", "830000199001010012"}) {
    for (std::size_t pos = 0; pos < 18; ++pos) {
      const std::string_view set = pos == 17 ? std::string_view("0123456789X") : kDigits;
      for (char c : set) {
        if (c == good[pos]) continue;
        std::string bad = good;
        bad[pos] = c;
        const CheckResult r = check_id_number(bad, kToday);
        BOOST_TEST(!r.ok, bad << " accepted");
        BOOST_TEST(!r.problem.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(check_character_named) {
  BOOST_TEST(check_id_number("110105194912310023", kToday).problem == "check character should be X, not 3");
  BOOST_TEST(contains(check_id_number("110105199001010019", kToday).problem, "check character should be 0"));
  BOOST_TEST(contains(check_id_number("11010519491231002A", kToday).problem, "must be a digit or X"));
  BOOST_TEST(contains(check_id_number("1101051949123100X2", kToday).problem, "character 17 'X' is not a digit"));
}

BOOST_AUTO_TEST_CASE(region_code) {
  // Region checked before the check character: a wrong region is named even
  // when the check character does not fit.
  BOOST_TEST(check_id_number("990105199001010012", kToday).problem == "region code 99 does not exist");
  BOOST_TEST(check_id_number("000105199001010012", kToday).problem == "region code 00 does not exist");
  BOOST_TEST(check_id_number("160105199001010012", kToday).problem == "region code 16 does not exist");
  // 83 exists only as the Taiwan residence permit code 830000.
  BOOST_TEST(contains(check_id_number("830100199001010012", kToday).problem, "region code 830100 does not exist"));
  // County part not checked: a made-up county in Beijing passes (check computed).
  BOOST_TEST(check_id_number("119999199001010012", kToday).ok);
}

BOOST_AUTO_TEST_CASE(birth_date) {
  BOOST_TEST(check_id_number("110105199002310012", kToday).problem ==
             "the birth date 1990-02-31 does not exist (31 February)");
  BOOST_TEST(check_id_number("110105199004310012", kToday).problem ==
             "the birth date 1990-04-31 does not exist (31 April)");
  BOOST_TEST(contains(check_id_number("110105199002290012", kToday).problem, "not a leap year"));
  BOOST_TEST(contains(check_id_number("110105190002290012", kToday).problem, "not a leap year"));  // 1900
  BOOST_TEST(check_id_number("110105200002290013", kToday).ok);  // 2000 is a leap year
  BOOST_TEST(contains(check_id_number("110105199013010012", kToday).problem, "no month 13"));
  BOOST_TEST(contains(check_id_number("110105199000010012", kToday).problem, "no month 0"));
  BOOST_TEST(contains(check_id_number("110105199001000012", kToday).problem, "no day 0"));
  BOOST_TEST(check_id_number("110105209001010012", kToday).problem == "the birth date 2090-01-01 is in the future");
  BOOST_TEST(check_id_number("110105202603160012", kToday).problem == "the birth date 2026-03-16 is in the future");
  BOOST_TEST(check_id_number("110105202603150015", kToday).ok);  // born today
  BOOST_TEST(check_id_number("110105189912310012", kToday).problem == "the birth date 1899-12-31 is before 1900");
}

BOOST_AUTO_TEST_CASE(length_and_characters) {
  BOOST_TEST(contains(check_id_number("1101051949123100", kToday).problem, "this has 16"));
  BOOST_TEST(contains(check_id_number("", kToday).problem, "this has 0"));
  BOOST_TEST(contains(check_id_number("11010A19491231002X", kToday).problem, "character 6 'A' is not a digit"));
}

BOOST_AUTO_TEST_CASE(legacy_15_digits_upgraded) {
  CheckResult r = check_id_number("110105491231002", kToday);
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.normalised == "11010519491231002X");
  BOOST_TEST(r.note == "15-digit ID number upgraded to 18 digits: 11010519491231002X");
  r = check_id_number(" １１０１０５４９１２３１００２ ", kToday);
  BOOST_TEST(r.ok, r.problem);
  BOOST_TEST(r.normalised == "11010519491231002X");
  // The upgraded number is itself valid.
  BOOST_TEST(check_id_number(r.normalised, kToday).ok);

  r = check_id_number("110105900231001", kToday);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.problem == "the birth date 1990-02-31 does not exist (31 February)");
  BOOST_TEST(r.normalised == "110105900231001");
  BOOST_TEST(check_id_number("990105900101001", kToday).problem == "region code 99 does not exist");
  BOOST_TEST(contains(check_id_number("11010590010100X", kToday).problem, "is not a digit"));
}

BOOST_AUTO_TEST_SUITE_END()
