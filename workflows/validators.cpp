#include "workflows/validators.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/i18n.h"

namespace certdesk::workflows {

namespace {

// ---------------------------------------------------------------- UTF-8 helpers

// One UTF-8 sequence of s starting at i: its length in bytes (1 when the byte
// does not start a valid sequence) and the code point (the byte itself then).
struct Decoded {
  char32_t cp = 0;
  std::size_t len = 1;
  bool valid = false;
};

Decoded decode_at(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  Decoded d{b0, 1, b0 < 0x80};
  if (b0 < 0x80) return d;
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return d;
  }
  if (i + len > s.size()) return d;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return d;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::array<char32_t, 5> min_for_len{0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return d;
  return Decoded{cp, len, true};
}

// The characters (UTF-8 sequences, or single stray bytes) of s, one string each,
// so that positions and lengths in messages count what the teller sees.
std::vector<std::string> characters(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const Decoded d = decode_at(s, i);
    out.emplace_back(s.substr(i, d.len));
    i += d.len;
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

// ---------------------------------------------------------------- message helpers (msg: common/i18n.h)

// normalised by reference: callers write fail(std::move(code), msg(…, code…)), and a
// by-value parameter could be moved from before the message reads code (clang
// evaluates arguments left to right; found by fuzz/fuzz_validators).
CheckResult fail(const std::string& normalised, std::string problem) {
  CheckResult r;
  r.ok = false;
  r.normalised = normalised;
  r.problem = std::move(problem);
  return r;
}

CheckResult pass(std::string normalised, std::string note = {}) {
  CheckResult r;
  r.ok = true;
  r.normalised = std::move(normalised);
  r.note = std::move(note);
  return r;
}

// ---------------------------------------------------------------- GB 11714 organisation code

constexpr std::array<int, 8> kOrgWeights{3, 7, 9, 10, 5, 8, 4, 2};

int org_value(char c) { return is_digit(c) ? c - '0' : c - 'A' + 10; }

// The MOD 11 check character of an 8-character body of digits and upper-case letters.
char org_check_char(std::string_view body) {
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) sum += org_value(body[i]) * kOrgWeights[i];
  const int c = 11 - sum % 11;
  if (c == 10) return 'X';
  if (c == 11) return '0';
  return static_cast<char>('0' + c);
}

// ---------------------------------------------------------------- GB 32100 USCC

constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// Registration departments: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游,
// 7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他.
constexpr std::string_view kUsccDepartments = "123456789ANY";

int uscc_value(char c) {
  const auto p = kUsccCharset.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

char uscc_check_char(std::string_view code17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += uscc_value(code17[i]) * kUsccWeights[i];
  return kUsccCharset[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

// Province-level prefixes of GB/T 2260 region codes.
bool known_province(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
         (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 || p == 81 || p == 82;
}

// ---------------------------------------------------------------- dates

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && leap_year(y)) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

const char* month_name(int m) {
  switch (m) {
    case 1: return tr("January");
    case 2: return tr("February");
    case 3: return tr("March");
    case 4: return tr("April");
    case 5: return tr("May");
    case 6: return tr("June");
    case 7: return tr("July");
    case 8: return tr("August");
    case 9: return tr("September");
    case 10: return tr("October");
    case 11: return tr("November");
    case 12: return tr("December");
    default: return "";
  }
}

int digits_value(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// "YYYY-MM-DD" when today is that shape, else empty (then no future check).
std::string iso_day(std::string_view today) {
  if (today.size() != 10 || today[4] != '-' || today[7] != '-') return {};
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!is_digit(today[i])) return {};
  return std::string(today);
}

// ---------------------------------------------------------------- GB 11643 ID number

constexpr std::array<int, 17> kIdWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

char id_check_char(std::string_view body17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body17[i] - '0') * kIdWeights[i];
  const int c = (12 - sum % 11) % 11;
  return c == 10 ? 'X' : static_cast<char>('0' + c);
}

// Region and birth date of 17 digits; empty when both are fine.
std::string id_region_and_date_problem(std::string_view body17, std::string_view today) {
  const std::string_view region = body17.substr(0, 6);
  const int province = digits_value(region.substr(0, 2));
  if (province == 83) {
    if (region != "830000")
      return msg(tr("region code {} does not exist (83 is used only by the Taiwan residence permit code 830000)"),
                 std::string(region));
  } else if (!known_province(province)) {
    return msg(tr("region code {} does not exist"), std::string(region.substr(0, 2)));
  }

  const int y = digits_value(body17.substr(6, 4));
  const int m = digits_value(body17.substr(10, 2));
  const int d = digits_value(body17.substr(12, 2));
  const std::string date = fmt::format("{}-{}-{}", body17.substr(6, 4), body17.substr(10, 2), body17.substr(12, 2));
  if (m < 1 || m > 12) return msg(tr("the birth date {} does not exist (there is no month {})"), date, m);
  if (d < 1) return msg(tr("the birth date {} does not exist (there is no day 0)"), date);
  if (d > days_in_month(y, m)) {
    if (m == 2 && d == 29)
      return msg(tr("the birth date {} does not exist (29 February {}: not a leap year)"), date, y);
    return msg(tr("the birth date {0} does not exist ({1} {2})"), date, d, month_name(m));
  }
  if (y < 1900) return msg(tr("the birth date {} is before 1900"), date);
  const std::string day = iso_day(today);
  if (!day.empty() && date > day) return msg(tr("the birth date {} is in the future"), date);
  return {};
}

}  // namespace

// ==================================================================== public

std::string normalise_code(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (std::size_t i = 0; i < input.size();) {
    const Decoded d = decode_at(input, i);
    if (d.valid && d.cp >= 0xFF01 && d.cp <= 0xFF5E) {
      out.push_back(static_cast<char>(d.cp - 0xFEE0));
    } else if (d.valid && d.cp == 0x3000) {
      out.push_back(' ');
    } else if (!d.valid) {
      out.append("\xEF\xBF\xBD");   // U+FFFD: what is not UTF-8 never reaches a JSON or PDF writer
    } else {
      out.append(input.substr(i, d.len));
    }
    i += d.len;
  }
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t b = 0, e = out.size();
  while (b < e && blank(out[b])) ++b;
  while (e > b && blank(out[e - 1])) --e;
  return out.substr(b, e - b);
}

CheckResult check_uscc(std::string_view input) {
  std::string code = normalise_code(input);
  const std::vector<std::string> chars = characters(code);
  if (chars.size() != 18)
    return fail(std::move(code), msg(tr("the USCC must have 18 characters; this has {}"), chars.size()));
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].size() != 1 || uscc_value(chars[i][0]) < 0)
      return fail(std::move(code), msg(tr("character {} '{}' is not used in USCC codes"), i + 1, chars[i]));
  }
  // From here on code is 18 ASCII characters of the code set.
  if (kUsccDepartments.find(code[0]) == std::string_view::npos)
    return fail(std::move(code), msg(tr("character 1 '{}' is not a registration department code"), code[0]));
  for (std::size_t i = 2; i < 8; ++i) {
    if (!is_digit(code[i]))
      return fail(std::move(code),
                  msg(tr("character {} '{}' is not a digit: characters 3 to 8 are the region code"), i + 1, code[i]));
  }
  const int province = digits_value(std::string_view(code).substr(2, 2));
  // 10 = central-level registration (region code 100000, e.g. 12100000400000624D).
  if (province != 10 && !known_province(province))
    return fail(std::move(code), msg(tr("region code {} does not exist"), code.substr(2, 2)));

  const std::string_view org = std::string_view(code).substr(8, 9);
  const char org_expected = org_check_char(org.substr(0, 8));
  if (org[8] != org_expected)
    return fail(std::move(code),
                msg(tr("the embedded organisation code {}-{} fails its check: its check character should be {}"),
                    org.substr(0, 8), org[8], org_expected));

  const char expected = uscc_check_char(std::string_view(code).substr(0, 17));
  if (code[17] != expected)
    return fail(std::move(code), msg(tr("check character should be {}, not {}"), expected, code[17]));
  return pass(std::move(code));
}

CheckResult check_org_code(std::string_view input) {
  std::string code = normalise_code(input);
  const std::vector<std::string> chars = characters(code);
  const bool hyphen = chars.size() == 10 && chars[8] == "-";
  if (chars.size() != 9 && !hyphen)
    return fail(std::move(code),
                msg(tr("the organisation code must have 9 characters (10 with the hyphen); this has {}"), chars.size()));
  for (std::size_t i = 0; i < 8; ++i) {
    if (chars[i].size() != 1 || !(is_digit(chars[i][0]) || is_upper(chars[i][0])))
      return fail(std::move(code),
                  msg(tr("character {} '{}' is not used in organisation codes (digits and letters only)"), i + 1,
                      chars[i]));
  }
  const std::size_t check_pos = hyphen ? 9 : 8;
  const std::string& check = chars[check_pos];
  if (check.size() != 1 || !(is_digit(check[0]) || check[0] == 'X'))
    return fail(std::move(code),
                msg(tr("character {} '{}' cannot be a check character: it must be a digit or X"), check_pos + 1, check));
  const char expected = org_check_char(code);
  if (check[0] != expected)
    return fail(std::move(code), msg(tr("check character should be {}, not {}"), expected, check[0]));
  return pass(std::move(code));
}

CheckResult check_organisation_number(std::string_view input) {
  const std::string code = normalise_code(input);
  const std::size_t n = characters(code).size();
  CheckResult r;
  if (n == 18) {
    r = check_uscc(code);
    r.note = tr("USCC");
  } else if (n == 9 || n == 10) {
    r = check_org_code(code);
    r.note = tr("organisation code");
  } else {
    r = fail(code, msg(tr("an organisation number is an 18-character USCC or a 9-character organisation code; "
                       "this has {} characters"),
                       n));
  }
  return r;
}

CheckResult check_id_number(std::string_view input, std::string_view today) {
  std::string code = normalise_code(input);
  const std::vector<std::string> chars = characters(code);

  if (chars.size() == 15) {
    for (std::size_t i = 0; i < chars.size(); ++i) {
      if (chars[i].size() != 1 || !is_digit(chars[i][0]))
        return fail(std::move(code), msg(tr("character {} '{}' is not a digit"), i + 1, chars[i]));
    }
    const std::string body = code.substr(0, 6) + "19" + code.substr(6, 9);
    if (std::string p = id_region_and_date_problem(body, today); !p.empty()) return fail(std::move(code), p);
    std::string upgraded = body + id_check_char(body);
    std::string note = msg(tr("15-digit ID number upgraded to 18 digits: {}"), upgraded);
    return pass(std::move(upgraded), std::move(note));
  }

  if (chars.size() != 18)
    return fail(std::move(code), msg(tr("the ID number must have 18 digits (or 15 for the old format); this has {}"),
                                     chars.size()));
  for (std::size_t i = 0; i < 17; ++i) {
    if (chars[i].size() != 1 || !is_digit(chars[i][0]))
      return fail(std::move(code), msg(tr("character {} '{}' is not a digit"), i + 1, chars[i]));
  }
  if (chars[17].size() != 1 || !(is_digit(chars[17][0]) || chars[17][0] == 'X'))
    return fail(std::move(code),
                msg(tr("character 18 '{}' cannot be a check character: it must be a digit or X"), chars[17]));
  if (std::string p = id_region_and_date_problem(code, today); !p.empty()) return fail(std::move(code), p);
  const char expected = id_check_char(code);
  if (code[17] != expected)
    return fail(std::move(code), msg(tr("check character should be {}, not {}"), expected, code[17]));
  return pass(std::move(code));
}

}  // namespace certdesk::workflows
