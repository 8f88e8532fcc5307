#pragma once
// The people at the counter as tests script them: the customer's PIN entries,
// a supervisor's approvals, a complete request, and the error code a call throws. Shared by the
// unit flows (tests/workflows) and the flows on the real parts (tests/app).

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"
#include "workflows/documents.h"
#include "workflows/ports.h"
#include "workflows/request.h"

namespace certdesk::test {

// PINs the customer "types": one per prompt, in order; nullopt = cancelled.
struct ScriptedPins final : workflows::PinPrompt {
  std::deque<std::optional<std::string>> new_pins, current_pins;
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override { return next(new_pins); }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return next(current_pins); }
  static std::optional<Secret> next(std::deque<std::optional<std::string>>& q) {
    if (q.empty()) return std::nullopt;
    auto v = q.front();
    q.pop_front();
    if (!v) return std::nullopt;
    return Secret(*v);
  }
};

struct ScriptedApproval final : workflows::ApprovalPrompt {
  std::string name, password;
  std::vector<std::string> asked;
  std::optional<workflows::ApprovalCredentials> approve(std::string_view what) override {
    asked.emplace_back(what);
    if (name.empty()) return std::nullopt;
    return workflows::ApprovalCredentials{name, Secret(password)};
  }
};

// A request with every document of the flow ticked (and stamped where needed),
// paid in cash; the amount is left to the caller.
inline workflows::ServiceRequest sample_request(workflows::Flow flow, const std::string& token_serial,
                                                const std::string& uscc = "91110108MA01C8D24U",
                                                const std::string& name = "北京示例科技有限公司",
                                                const std::string& reason = "") {
  workflows::ServiceRequest r;
  r.flow = flow;
  r.organisation_name = name;
  r.uscc = uscc;
  r.handler_name = "张三";
  r.handler_id_number = "11010519491231002X";
  r.reason = reason;
  for (const auto& c : workflows::checklist(flow, reason)) r.documents[c.item] = {true, c.needs_stamp, ""};
  r.documents["application_form"].business_type = workflows::to_string(flow);
  r.token_serial = token_serial;
  r.payment_method = "cash";
  return r;
}

// The error code f throws as E, or "" when it throws nothing (or something else).
template <class E>
std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.code();
  }
  return "";
}

}  // namespace certdesk::test
