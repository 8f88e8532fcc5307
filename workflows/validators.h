#pragma once
// Document numbers (SPEC §3). Each check normalises its input first (surrounding
// spaces trimmed, full-width letters and digits made half-width, lower-case
// letters upper-cased — so a trailing x becomes X) and then names what is wrong.

#include <string>
#include <string_view>

namespace certdesk::workflows {

struct CheckResult {
  bool ok = false;
  std::string normalised;   // the input after normalisation (also when not ok)
  std::string problem;      // empty when ok; else one sentence naming what is wrong
  std::string note;         // extra information when ok, e.g. "15-digit ID upgraded to 18 digits"
};

// Trim, full-width → half-width (U+FF01–U+FF5E, U+3000), upper-case ASCII letters;
// a byte that is not UTF-8 becomes U+FFFD, so the result is always valid UTF-8.
std::string normalise_code(std::string_view input);

// Unified Social Credit Code, GB 32100-2015: 18 characters from the code set
// 0-9 A-H J-N P-R T-U W-Y; registration department + organisation type pair;
// 6-digit region code; embedded 9-character organisation code with its GB 11714
// MOD 11 check; the MOD 31 check character.
CheckResult check_uscc(std::string_view input);

// Organisation code, GB 11714: 8 characters (digits, upper-case letters) and a
// check character (0-9 or X) by MOD 11. Accepts "XXXXXXXX-X" with the hyphen.
CheckResult check_org_code(std::string_view input);

// A USCC, or a legacy 9-character organisation code (SPEC §3). Which one it is
// shows in note ("USCC" / "organisation code").
CheckResult check_organisation_number(std::string_view input);

// Resident ID number, GB 11643-1999: 18 characters; a known province in the
// region code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71 Taiwan, 81 Hong
// Kong, 82 Macao, and the residence permits 810000/820000/830000); a real birth
// date not after `today` ("YYYY-MM-DD"); ISO 7064 MOD 11-2 check character.
// A 15-digit legacy number (birth year 19yy, no check character) is accepted
// and upgraded to 18 digits in normalised.
CheckResult check_id_number(std::string_view input, std::string_view today);

}  // namespace certdesk::workflows
