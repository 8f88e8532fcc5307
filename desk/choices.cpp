#include "desk/choices.h"

#include <cctype>
#include <string>

#include "common/text.h"
#include "workflows/validators.h"

namespace certdesk::desk {

const std::vector<const char*>& reissue_reasons() {
  static const std::vector<const char*> reasons{"lost", "damaged_customer", "damaged_quality"};
  return reasons;
}

const std::vector<const char*>& payment_methods() {
  static const std::vector<const char*> methods{"cash", "card", "transfer"};
  return methods;
}

std::optional<std::int64_t> typed_amount_fen(std::string_view typed) {
  const std::string s = text::trim(workflows::normalise_code(std::string(typed)));
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t yuan = 0, fen = 0;
  std::size_t i = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) yuan = yuan * 10 + (s[i] - '0');
  if (i == 0) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    std::size_t digits = 0;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && digits < 2; ++i, ++digits)
      fen = fen * 10 + (s[i] - '0');
    if (digits == 1) fen *= 10;
    if (i != s.size()) return std::nullopt;
  }
  return yuan * 100 + fen;
}

}  // namespace certdesk::desk
