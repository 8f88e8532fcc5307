#pragma once
// Money as it is printed: integer fen (分) to the amount in Chinese capitals
// (人民币大写) and to figures, and teller-typed yuan text to fen (SPEC §4).

#include <cstdint>
#include <string>
#include <string_view>

namespace certdesk::printing {

// The largest amount a receipt can carry: 9999亿9999万9999元9角9分 (99 999 999 999 999 fen).
inline constexpr std::int64_t kMaxFen = 99'999'999'999'999;

// The amount in capitals per the People's Bank voucher rules plus 整 after 元 or 角:
// 5000 → "人民币伍拾元整", 100500 → "人民币壹仟零伍元整", 10000050 → "人民币壹拾万元伍角整",
// 1640902 → "人民币壹万陆仟肆佰零玖元零贰分", 5 → "人民币伍分", 0 → "人民币零元整".
// One 零 stands for any run of zeros inside the integer part (across 万/亿 too); an
// all-zero 万 group writes no 万. Throws InputError(bad_request) for fen < 0 or fen > kMaxFen.
std::string amount_in_words(std::int64_t fen);

// Parses yuan as a teller types it: "1005.00", "50", "0.5", "  12.3 " (surrounding
// spaces allowed; an optional leading ¥/￥). Returns fen. Throws InputError(bad_request)
// with a teller-readable message for a negative amount, more than two decimals,
// anything that is not a number (thousands separators, exponents, "1.", ".5"),
// and amounts above kMaxFen (9999亿).
std::int64_t parse_amount(std::string_view yuan_text);

// Figures without separators: 100500 → "1005.00", 5 → "0.05", -150 → "-1.50".
std::string format_fen(std::int64_t fen);

// format_fen with the yuan sign: 5000 → "¥50.00", -150 → "-¥1.50".
std::string format_yuan(std::int64_t fen);

}  // namespace certdesk::printing
