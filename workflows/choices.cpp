#include "workflows/choices.h"

#include "common/i18n.h"

namespace certdesk::workflows {

bool personalises_new_token(Flow flow) {
  return flow == Flow::issue || flow == Flow::reissue || flow == Flow::replace;
}

const std::array<ReissueReasonInfo, 3>& reissue_reasons() {
  static const std::array<ReissueReasonInfo, 3> all{{
      {ReissueReason::lost, "lost", tr_noop("Lost")},
      {ReissueReason::damaged_customer, "damaged_customer", tr_noop("Damaged by the customer")},
      {ReissueReason::damaged_quality, "damaged_quality", tr_noop("Damaged: quality fault")},
  }};
  return all;
}

const char* to_string(ReissueReason r) { return reissue_reasons()[static_cast<std::size_t>(r)].code; }
const char* label_of(ReissueReason r) { return reissue_reasons()[static_cast<std::size_t>(r)].label; }

std::optional<ReissueReason> find_reissue_reason(std::string_view code) {
  for (const auto& i : reissue_reasons())
    if (code == i.code) return i.reason;
  return std::nullopt;
}

const std::array<PaymentMethodInfo, 3>& payment_methods() {
  static const std::array<PaymentMethodInfo, 3> all{{
      {PaymentMethod::cash, "cash", tr_noop("Cash")},
      {PaymentMethod::card, "card", tr_noop("Card")},
      {PaymentMethod::transfer, "transfer", tr_noop("Bank transfer")},
  }};
  return all;
}

const char* to_string(PaymentMethod m) { return payment_methods()[static_cast<std::size_t>(m)].code; }
const char* label_of(PaymentMethod m) { return payment_methods()[static_cast<std::size_t>(m)].label; }

std::optional<PaymentMethod> find_payment_method(std::string_view code) {
  for (const auto& i : payment_methods())
    if (code == i.code) return i.method;
  return std::nullopt;
}

}  // namespace certdesk::workflows
