#include "printing/amount_words.h"

#include <array>
#include <cstdlib>

#include "common/error.h"

namespace certdesk::printing {
namespace {

constexpr std::array<const char*, 10> kDigit = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
constexpr std::array<const char*, 4> kPlace = {"", "拾", "佰", "仟"};
constexpr std::array<const char*, 3> kGroup = {"", "万", "亿"};

// The integer yuan in capitals, without 元. yuan > 0 and < 10^12.
std::string integer_words(std::int64_t yuan) {
  std::array<int, 12> digits{};  // digits[p] = digit at 10^p
  for (int p = 0; p < 12; ++p) {
    digits[p] = static_cast<int>(yuan % 10);
    yuan /= 10;
  }
  std::string out;
  bool zero_pending = false;  // a run of zeros after a written digit, waiting for the next non-zero digit
  for (int g = 2; g >= 0; --g) {
    bool group_has_digit = false;
    for (int place = 3; place >= 0; --place) {
      const int d = digits[g * 4 + place];
      if (d == 0) {
        if (!out.empty()) zero_pending = true;
        continue;
      }
      if (zero_pending) out += kDigit[0];
      zero_pending = false;
      out += kDigit[d];
      out += kPlace[place];
      group_has_digit = true;
    }
    // An all-zero group writes no 万/亿; the zeros stay pending for the next digit.
    if (group_has_digit) out += kGroup[g];
  }
  return out;
}

[[noreturn]] void refuse(const std::string& message) { throw InputError(codes::bad_request, message); }

}  // namespace

std::string amount_in_words(std::int64_t fen) {
  if (fen < 0) refuse("a negative amount cannot be written on a receipt");
  if (fen > kMaxFen) refuse("the amount is larger than a receipt can carry (9999亿)");
  const std::int64_t yuan = fen / 100;
  const int jiao = static_cast<int>(fen / 10 % 10);
  const int fen_digit = static_cast<int>(fen % 10);

  std::string out = "人民币";
  if (fen == 0) return out + "零元整";
  if (yuan > 0) {
    out += integer_words(yuan);
    out += "元";
  }
  if (jiao == 0 && fen_digit == 0) return out + "整";
  if (jiao > 0) {
    out += kDigit[jiao];
    out += "角";
    if (fen_digit == 0) return out + "整";
  } else if (yuan > 0) {
    out += kDigit[0];  // 元 followed by 分: 零 is required
  }
  out += kDigit[fen_digit];
  out += "分";
  return out;
}

}  // namespace certdesk::printing
