#pragma once
// The closed lists a teller picks from at the counter, each with the code the
// request file and the journal use and the label a person reads (msgids in
// the "certdesk" catalogue: tr(label) in the core, _() / wxGetTranslation in
// the window). The one place these lists exist (the window's choices, the
// request parser, the fee schedule and the flows ask here).

#include <array>
#include <optional>
#include <string_view>

#include "workflows/request.h"

namespace certdesk::workflows {

// True for the flows that personalise a new blank token (issue, reissue,
// replace): they plan a key id before payment, need a blank token, and a roll
// back wipes that token back to factory-blank.
bool personalises_new_token(Flow flow);

// ---- reissue reasons ----------------------------------------------------------
enum class ReissueReason { lost, damaged_customer, damaged_quality };

struct ReissueReasonInfo {
  ReissueReason reason;
  const char* code;    // the request's "reason": lost | damaged_customer | damaged_quality
  const char* label;   // msgid: "Lost", "Damaged by the customer", "Damaged: quality fault"
};
// In the order the window offers them.
const std::array<ReissueReasonInfo, 3>& reissue_reasons();
const char* to_string(ReissueReason r);
const char* label_of(ReissueReason r);
// Nothing for a code that is not a reissue reason.
std::optional<ReissueReason> find_reissue_reason(std::string_view code);
// Lost: the old key may be in someone else's hands (keyCompromise, the old
// token becomes lost); damaged: superseded, the old token becomes damaged.
inline bool is_lost(ReissueReason r) { return r == ReissueReason::lost; }

// ---- payment methods ----------------------------------------------------------
enum class PaymentMethod { cash, card, transfer };

struct PaymentMethodInfo {
  PaymentMethod method;
  const char* code;    // the request's "payment.method": cash | card | transfer
  const char* label;   // msgid: "Cash", "Card", "Bank transfer"
};
const std::array<PaymentMethodInfo, 3>& payment_methods();
const char* to_string(PaymentMethod m);
const char* label_of(PaymentMethod m);
std::optional<PaymentMethod> find_payment_method(std::string_view code);

}  // namespace certdesk::workflows
