#pragma once
// What the window suites run straight on the model, without the window: the
// request of a first issuance for 北京示例科技有限公司 (every paper present and
// stamped, 50.00 yuan) and scripted prompts — the customer's PIN (nullptr: the
// customer walks away from the PIN entry), no supervisor at hand.

#include <optional>
#include <string>
#include <string_view>

#include "workflows/request.h"
#include "workflows/staff.h"

namespace certdesk::test {

inline workflows::ServiceRequest first_issuance(const std::string& serial) {
  workflows::ServiceRequest r;
  r.organisation_name = "北京示例科技有限公司";
  r.uscc = "91110108MA01C8D24U";
  r.handler_name = "张三";
  r.handler_id_number = "11010519491231002X";
  for (const char* item : {"application_form", "org_code_copy", "handler_id_copy"})
    r.documents[item] = {true, true, std::string(item) == "application_form" ? "issue" : ""};
  r.token_serial = serial;
  r.amount_fen = 5000;
  return r;
}

struct ScriptedPin final : workflows::PinPrompt {
  const char* pin;
  explicit ScriptedPin(const char* p) : pin(p) {}
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override { return answer(); }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return answer(); }
  std::optional<Secret> answer() const { return pin ? std::optional<Secret>(Secret(pin)) : std::nullopt; }
};

struct NoApprover final : workflows::ApprovalPrompt {
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override { return std::nullopt; }
};

}  // namespace certdesk::test
