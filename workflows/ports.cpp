#include "workflows/ports.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::workflows {

void check_pin_rules(const PinRules& rules, const Secret& pin) {
  if (pin.size() < rules.min_len || pin.size() > rules.max_len)
    throw InputError(codes::pin_length,
                     fmt::format(fmt::runtime(tr("The PIN must have {} to {} characters; the customer must choose another. Nothing was done on the token.")),
                                 rules.min_len, rules.max_len));
}

}  // namespace certdesk::workflows
