#include "desk/choices.h"

#include "common/money.h"
#include "workflows/choices.h"

namespace certdesk::desk {

// The lists and the parser live in workflows/choices.h and common/money.h; the
// window takes their codes in their order from here.
const std::vector<const char*>& reissue_reasons() {
  static const std::vector<const char*> codes = [] {
    std::vector<const char*> v;
    for (const auto& r : workflows::reissue_reasons()) v.push_back(r.code);
    return v;
  }();
  return codes;
}

const std::vector<const char*>& payment_methods() {
  static const std::vector<const char*> codes = [] {
    std::vector<const char*> v;
    for (const auto& m : workflows::payment_methods()) v.push_back(m.code);
    return v;
  }();
  return codes;
}

std::optional<std::int64_t> typed_amount_fen(std::string_view typed) { return money::try_parse_yuan(typed).fen; }

}  // namespace certdesk::desk
