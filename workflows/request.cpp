#include "workflows/request.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::workflows {

using nlohmann::json;

namespace {
struct FlowName {
  Flow flow;
  const char* name;
  const char* label;
};
constexpr FlowName kFlows[] = {
    {Flow::issue, tr_noop_ctx("flow", "issue"), "证书初次办理"},
    {Flow::reissue, tr_noop_ctx("flow", "reissue"), "数字证书补办"},
    {Flow::unlock, tr_noop_ctx("flow", "unlock"), "数字证书解锁"},
    {Flow::update, tr_noop_ctx("flow", "update"), "数字证书更新"},
    {Flow::replace, tr_noop_ctx("flow", "replace"), "更换介质"},
    {Flow::cancel, tr_noop_ctx("flow", "cancel"), "证书注销"},
};

[[noreturn]] void bad(const std::string& message) { throw InputError(codes::bad_request, message); }

const json& field(const json& obj, const char* key, const char* where) {
  auto it = obj.find(key);
  if (it == obj.end())
    bad(fmt::format(fmt::runtime(tr("The request lacks {}{}.")), where, key));
  return *it;
}

std::string str(const json& obj, const char* key, const char* where, bool required = true) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) bad(fmt::format(fmt::runtime(tr("The request lacks {}{}.")), where, key));
    return {};
  }
  if (!it->is_string()) bad(fmt::format(fmt::runtime(tr("{}{} must be text.")), where, key));
  return it->get<std::string>();
}

bool boolean(const json& obj, const char* key, const char* where) {
  auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_boolean()) bad(fmt::format(fmt::runtime(tr("{}{} must be true or false.")), where, key));
  return it->get<bool>();
}

const json& object(const json& obj, const char* key, const char* where, bool required = true) {
  static const json empty = json::object();
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) bad(fmt::format(fmt::runtime(tr("The request lacks {}{}.")), where, key));
    return empty;
  }
  if (!it->is_object()) bad(fmt::format(fmt::runtime(tr("{}{} must be an object {{…}}.")), where, key));
  return *it;
}
}  // namespace

const char* to_string(Flow f) {
  for (const auto& n : kFlows)
    if (n.flow == f) return n.name;
  return "?";
}

Flow flow_from(std::string_view name) {
  for (const auto& n : kFlows)
    if (name == n.name) return n.flow;
  throw InputError(codes::bad_request,
                   fmt::format(fmt::runtime(tr("'{}' is not a flow; use issue, reissue, unlock, update, replace or cancel.")), name));
}

const char* business_type_label(Flow f) {
  for (const auto& n : kFlows)
    if (n.flow == f) return n.label;
  return "?";
}

ServiceRequest parse_request(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    bad(fmt::format(fmt::runtime(tr("The request is not valid JSON (at byte {}); check the file.")), e.byte));
  }
  if (!j.is_object()) bad(tr("The request must be a JSON object {…}."));
  ServiceRequest r;
  if (j.contains("flow")) r.flow = flow_from(str(j, "flow", ""));
  const json& org = object(j, "organisation", "");
  r.organisation_name = str(org, "name", "organisation.");
  r.uscc = str(org, "uscc", "organisation.");
  const json& handler = object(j, "handler", "");
  r.handler_name = str(handler, "name", "handler.");
  r.handler_id_number = str(handler, "id_number", "handler.");
  const json& docs = object(j, "documents", "");
  for (auto it = docs.begin(); it != docs.end(); ++it) {
    if (!it->is_object()) bad(fmt::format(fmt::runtime(tr("documents.{} must be an object {{…}}.")), it.key()));
    std::string where = "documents." + it.key() + ".";
    DocumentTick t;
    t.present = boolean(*it, "present", where.c_str());
    t.stamped = boolean(*it, "stamped", where.c_str());
    t.business_type = str(*it, "business_type", where.c_str(), false);
    r.documents[it.key()] = t;
  }
  r.token_serial = str(j, "token_serial", "", false);
  r.old_token_serial = str(j, "old_token_serial", "", false);
  r.reason = str(j, "reason", "", false);
  const json& pay = object(j, "payment", "");
  r.payment_method = str(pay, "method", "payment.");
  const json& amount = field(pay, "amount_fen", "payment.");
  if (!amount.is_number_integer() || amount.get<std::int64_t>() < 0)
    bad(tr("payment.amount_fen must be a whole, non-negative number of fen (5000 = 50.00 yuan)."));
  r.amount_fen = amount.get<std::int64_t>();
  r.invoice_no = str(pay, "invoice_no", "payment.", false);
  const json& overrides = object(j, "overrides", "", false);
  for (auto it = overrides.begin(); it != overrides.end(); ++it) {
    if (!it->is_string()) bad(fmt::format(fmt::runtime(tr("overrides.{} must be the reason, as text.")), it.key()));
    if (it.key() == "uscc")
      r.uscc_override_reason = it->get<std::string>();
    else
      r.document_overrides[it.key()] = it->get<std::string>();
  }
  r.waiver_reason = str(j, "waiver_reason", "", false);
  r.wipe_token = boolean(j, "wipe_token", "");
  return r;
}

std::string to_json(const ServiceRequest& r) {
  json docs = json::object();
  for (const auto& [item, t] : r.documents) {
    json d = {{"present", t.present}, {"stamped", t.stamped}};
    if (!t.business_type.empty()) d["business_type"] = t.business_type;
    docs[item] = d;
  }
  json overrides = json::object();
  for (const auto& [item, reason] : r.document_overrides) overrides[item] = reason;
  if (!r.uscc_override_reason.empty()) overrides["uscc"] = r.uscc_override_reason;
  json j = {
      {"flow", to_string(r.flow)},
      {"organisation", {{"name", r.organisation_name}, {"uscc", r.uscc}}},
      {"handler", {{"name", r.handler_name}, {"id_number", r.handler_id_number}}},
      {"documents", docs},
      {"token_serial", r.token_serial},
      {"old_token_serial", r.old_token_serial},
      {"reason", r.reason},
      {"payment", {{"method", r.payment_method}, {"amount_fen", r.amount_fen}, {"invoice_no", r.invoice_no}}},
      {"overrides", overrides},
      {"waiver_reason", r.waiver_reason},
      {"wipe_token", r.wipe_token},
  };
  return j.dump();   // nlohmann's object keys are sorted: canonical
}

std::string request_key(const ServiceRequest& r) { return crypto::sha256_hex(to_json(r)); }

}  // namespace certdesk::workflows
