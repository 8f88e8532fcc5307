#include "workflows/request.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <set>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "workflows/documents.h"

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

// The items a checklist can name (workflows/documents.cpp); overrides may name these and "uscc".
const std::vector<std::string>& document_items() {
  static const std::vector<std::string> items{"application_form", "org_code_copy", "handler_id_copy", "token"};
  return items;
}
bool is_document_item(const std::string& item) {
  const auto& items = document_items();
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Refuses a key of obj that is not one of known: a misspelt field would otherwise be ignored.
void only(const json& obj, std::initializer_list<const char*> known, const char* where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }))
      bad(msg(tr("The request has an unknown field {}{}; check its spelling against the request format (docs/cli.md)."),
              where, it.key()));
  }
}

// The deepest a request nests: top level → documents → one item.
constexpr int kMaxDepth = 3;

// Parses with a callback that sees every key before it lands in an object, so a
// repeated key (which nlohmann would silently keep the last of) is refused.
json parse_strict(std::string_view text) {
  std::vector<std::set<std::string>> open;   // keys seen so far, per open object
  std::vector<std::string> at;               // the key being read, per open object: names a field too deep
  json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxDepth) {
          std::string where;
          for (const auto& k : at) where += (where.empty() ? "" : ".") + k;
          if (where.empty()) bad(tr("The request nests objects or lists too deeply; check the file."));
          bad(msg(tr("{} holds objects or lists nested too deeply; check the request format (docs/cli.md)."), where));
        }
        if (event == json::parse_event_t::object_start) {
          open.emplace_back();
          at.emplace_back();
        }
        break;
      case json::parse_event_t::object_end:
        if (!open.empty()) open.pop_back();
        if (!at.empty()) at.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second)
          bad(msg(tr("The request names the field {} twice; keep one."), parsed.get<std::string>()));
        if (!at.empty()) at.back() = parsed.get<std::string>();
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), cb);
  } catch (const json::parse_error& e) {
    bad(msg(tr("The request is not valid JSON (at byte {}); check the file."), e.byte));
  } catch (const json::exception&) {
    // out_of_range: a number such as 1e400 that no double holds (found by fuzz/fuzz_request).
    bad(tr("The request holds a number too large to read; check the file."));
  }
}

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

std::string read_request_file(const std::filesystem::path& file) {
  std::ifstream f(file, std::ios::binary);
  if (!f) bad(msg(tr("Cannot read the request file {}."), file.string()));
  std::string text(kMaxRequestBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (f.bad()) bad(msg(tr("Cannot read the request file {}."), file.string()));
  text.resize(static_cast<std::size_t>(f.gcount()));
  if (text.size() > kMaxRequestBytes)
    bad(msg(tr("The request file {} is larger than 1 MiB; a request is a few hundred bytes — check that it is the right file."),
            file.string()));
  return text;
}

ServiceRequest parse_request(std::string_view text) {
  if (text.size() > kMaxRequestBytes)
    bad(tr("The request is larger than 1 MiB; a request is a few hundred bytes — check that it is the right file."));
  json j = parse_strict(text);
  if (!j.is_object()) bad(tr("The request must be a JSON object {…}."));
  only(j, {"flow", "organisation", "handler", "documents", "token_serial", "old_token_serial", "reason", "payment",
           "overrides", "waiver_reason", "wipe_token"},
       "");
  ServiceRequest r;
  if (j.contains("flow")) r.flow = flow_from(str(j, "flow", ""));
  const json& org = object(j, "organisation", "");
  only(org, {"name", "uscc"}, "organisation.");
  r.organisation_name = str(org, "name", "organisation.");
  r.uscc = str(org, "uscc", "organisation.");
  const json& handler = object(j, "handler", "");
  only(handler, {"name", "id_number"}, "handler.");
  r.handler_name = str(handler, "name", "handler.");
  r.handler_id_number = str(handler, "id_number", "handler.");
  const json& docs = object(j, "documents", "");
  for (auto it = docs.begin(); it != docs.end(); ++it) {
    if (!is_document_item(it.key()))
      bad(msg(tr("The request has an unknown document {}; use application_form, org_code_copy, handler_id_copy or token."),
              it.key()));
    if (!it->is_object()) bad(fmt::format(fmt::runtime(tr("documents.{} must be an object {{…}}.")), it.key()));
    std::string where = "documents." + it.key() + ".";
    only(*it, {"present", "stamped", "business_type"}, where.c_str());
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
  only(pay, {"method", "amount_fen", "invoice_no"}, "payment.");
  r.payment_method = str(pay, "method", "payment.");
  const json& amount = field(pay, "amount_fen", "payment.");
  if (!amount.is_number_integer() || (amount.is_number_unsigned() && amount.get<std::uint64_t>() > std::uint64_t(kMaxAmountFen)) ||
      amount.get<std::int64_t>() < 0)
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
  check_request(r);
  return r;
}

void check_request(ServiceRequest& r) {
  auto clean = [](std::string& value, const std::string& field, std::size_t max_chars) {
    value = text::checked(field, value, max_chars, /*required=*/false);
  };
  clean(r.organisation_name, tr("organisation name"), kMaxOrganisationName);
  clean(r.uscc, "organisation.uscc", 40);
  clean(r.handler_name, tr("handler name"), kMaxPersonName);
  clean(r.handler_id_number, "handler.id_number", 40);
  for (auto& [item, tick] : r.documents) {
    if (!is_document_item(item))
      bad(msg(tr("The request has an unknown document {}; use application_form, org_code_copy, handler_id_copy or token."),
              item));
    clean(tick.business_type, "documents." + item + ".business_type", 16);
  }
  clean(r.token_serial, tr("token serial"), 32);
  clean(r.old_token_serial, "old_token_serial", 32);
  clean(r.reason, "reason", 32);
  clean(r.payment_method, "payment.method", 16);
  if (r.amount_fen < 0 || r.amount_fen > kMaxAmountFen)
    bad(tr("payment.amount_fen must be a whole, non-negative number of fen (5000 = 50.00 yuan)."));
  clean(r.invoice_no, tr("invoice number"), 40);
  for (auto& [item, reason] : r.document_overrides) {
    if (!is_document_item(item))
      bad(msg(tr("The request overrides {}, which is no document of the checklist; only a document or uscc can be overridden."),
              item));
    clean(reason, tr("override reason"), kMaxReason);
  }
  clean(r.uscc_override_reason, tr("override reason"), kMaxReason);
  clean(r.waiver_reason, tr("waiver reason"), kMaxReason);
}

void require_valid_request(const ServiceRequest& r) {
  ServiceRequest copy = r;
  check_request(copy);
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
