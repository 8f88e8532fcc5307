#pragma once
// Money as integer fen (分), the one parser and formatter of amounts a person
// types or reads (SPEC §4): the CLI, the window's fee field and the printed
// receipt all go through here.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certdesk::money {

// The most a teller can type: nine digits of yuan (999 999 999.99 yuan). A
// counter fee is a few hundred yuan; anything longer is a slip of the keyboard.
inline constexpr std::int64_t kMaxTypedFen = 99'999'999'999;

// Why a typed amount was refused (try_parse_yuan's miss).
enum class ParseProblem { empty, negative, not_a_number, too_many_decimals, too_large };

struct ParsedAmount {
  std::optional<std::int64_t> fen;   // set when the text is an amount
  ParseProblem problem = ParseProblem::empty;
};

// Parses yuan as a teller types it: "50", "50.5", "50.05", "¥50.00", "￥50",
// "  12.3 " (surrounding blanks allowed; one leading ¥ or ￥). Full-width digits
// and the full-width point (an input method's "５０．００") are read as their
// ASCII twins. Refused: empty text, a sign ("-1", "+1"), anything that is not a
// plain decimal number ("abc", "1,000", "1e3", "1.", ".5"), more than two
// decimals, more than nine digits of yuan. Never throws.
ParsedAmount try_parse_yuan(std::string_view text);

// The same, throwing InputError(bad_request) with a message a teller can act
// on (it quotes the text, translated).
std::int64_t parse_yuan(std::string_view text);

// A refusal's message, translated: what parse_yuan throws for the problem.
std::string describe(ParseProblem problem, std::string_view text);

// Figures without separators: 100500 → "1005.00", 5 → "0.05", -150 → "-1.50".
std::string format_fen(std::int64_t fen);

// format_fen with the yuan sign: 5000 → "¥50.00", -150 → "-¥1.50".
std::string format_yuan(std::int64_t fen);

}  // namespace certdesk::money
