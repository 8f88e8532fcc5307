#pragma once
// Money as it is printed: integer fen (分) to the amount in Chinese capitals
// (人民币大写) (SPEC §4); figures and parsing live in common/money.h.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/money.h"

namespace certdesk::printing {

// The largest amount a receipt can carry: 9999亿9999万9999元9角9分 (99 999 999 999 999 fen).
inline constexpr std::int64_t kMaxFen = 99'999'999'999'999;

// The amount in capitals per the People's Bank voucher rules plus 整 after 元 or 角:
// 5000 → "人民币伍拾元整", 100500 → "人民币壹仟零伍元整", 10000050 → "人民币壹拾万元伍角整",
// 1640902 → "人民币壹万陆仟肆佰零玖元零贰分", 5 → "人民币伍分", 0 → "人民币零元整".
// One 零 stands for any run of zeros inside the integer part (across 万/亿 too); an
// all-zero 万 group writes no 万. Throws InputError(bad_request) for fen < 0 or fen > kMaxFen.
std::string amount_in_words(std::int64_t fen);

// Figures and the yuan sign come from the one money formatter (common/money.h):
// format_fen(100500) → "1005.00", format_yuan(5000) → "¥50.00". Typed yuan text
// is parsed by money::parse_yuan / money::try_parse_yuan.
using money::format_fen;
using money::format_yuan;

}  // namespace certdesk::printing
