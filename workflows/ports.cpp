#include "workflows/ports.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::workflows {

PinOutcome TokenSession::try_reinitialise(const Secret& so_pin, const std::string& label) {
  try {
    reinitialise(so_pin, label);
  } catch (const TokenError& e) {
    if (e.code() != codes::wrong_pin) throw;
    return PinOutcome::wrong_pin;
  }
  return PinOutcome::accepted;
}

PinOutcome TokenSession::try_login_user(const Secret& user_pin) {
  try {
    login_user(user_pin);
  } catch (const TokenError& e) {
    if (e.code() != codes::wrong_pin) throw;
    return PinOutcome::wrong_pin;
  }
  return PinOutcome::accepted;
}

std::unique_ptr<TokenSession> TokenPort::try_open(const std::string& serial) {
  for (const auto& t : list())
    if (t.serial == serial) return open(serial);
  return nullptr;
}

void check_pin_rules(const PinRules& rules, const Secret& pin) {
  if (pin.size() < rules.min_len || pin.size() > rules.max_len)
    throw InputError(codes::pin_length,
                     fmt::format(fmt::runtime(tr("The PIN must have {} to {} characters; the customer must choose another. Nothing was done on the token.")),
                                 rules.min_len, rules.max_len));
}

}  // namespace certdesk::workflows
