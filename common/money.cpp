#include "common/money.h"

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::money {
namespace {

// Folds full-width digits (U+FF10..FF19) and the full-width point (U+FF0E)
// into ASCII; everything else is kept byte for byte.
std::string fold_full_width(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    // U+FF0E..U+FF19 are EF BC 8E..99 in UTF-8.
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBC) {
      const unsigned char c = static_cast<unsigned char>(s[i + 2]);
      if (c == 0x8E) {
        out.push_back('.');
        i += 3;
        continue;
      }
      if (c >= 0x90 && c <= 0x99) {
        out.push_back(static_cast<char>('0' + (c - 0x90)));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

ParsedAmount miss(ParseProblem p) { return ParsedAmount{std::nullopt, p}; }

}  // namespace

ParsedAmount try_parse_yuan(std::string_view input) {
  const std::string folded = fold_full_width(input);
  std::string_view text = folded;
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  for (std::string_view sign : {std::string_view("¥"), std::string_view("￥")}) {
    if (text.substr(0, sign.size()) == sign) {
      text.remove_prefix(sign.size());
      break;
    }
  }
  if (text.empty()) return miss(ParseProblem::empty);
  if (text.front() == '-') return miss(ParseProblem::negative);

  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view decimals = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || !all_digits(whole) || !all_digits(decimals) || (dot != std::string_view::npos && decimals.empty()))
    return miss(ParseProblem::not_a_number);
  if (decimals.size() > 2) return miss(ParseProblem::too_many_decimals);
  std::string_view significant = whole;
  while (significant.size() > 1 && significant.front() == '0') significant.remove_prefix(1);
  if (significant.size() > 9) return miss(ParseProblem::too_large);

  std::int64_t fen = 0;
  for (char c : significant) fen = fen * 10 + (c - '0');
  fen *= 100;
  if (decimals.size() >= 1) fen += (decimals[0] - '0') * 10;
  if (decimals.size() == 2) fen += decimals[1] - '0';
  return ParsedAmount{fen, ParseProblem::empty};
}

std::string describe(ParseProblem problem, std::string_view text) {
  switch (problem) {
    case ParseProblem::empty: return tr("No amount was entered.");
    case ParseProblem::negative: return tr("A negative amount cannot be charged or written on a receipt.");
    case ParseProblem::not_a_number:
      return msg(tr("\"{}\" is not an amount in yuan (write it like 1005.00)."), text);
    case ParseProblem::too_many_decimals:
      return msg(tr("\"{}\" has more than two decimals; amounts are counted in fen (0.01)."), text);
    case ParseProblem::too_large:
      return msg(tr("\"{}\" has more than nine digits of yuan; check the amount."), text);
  }
  return tr("No amount was entered.");
}

std::int64_t parse_yuan(std::string_view text) {
  ParsedAmount p = try_parse_yuan(text);
  if (!p.fen) throw InputError(codes::bad_request, describe(p.problem, text));
  return *p.fen;
}

std::string format_fen(std::int64_t fen) {
  const bool negative = fen < 0;
  // Work in unsigned so INT64_MIN has a magnitude too.
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
}

std::string format_yuan(std::int64_t fen) {
  std::string figures = format_fen(fen);
  if (fen < 0) return "-¥" + figures.substr(1);
  return "¥" + figures;
}

}  // namespace certdesk::money
