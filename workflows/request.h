#pragma once
// What the teller types and ticks for one service order (SPEC §9's request
// file; the window fills the same struct). Never a PIN or password.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace certdesk::workflows {

enum class Flow { issue, reissue, unlock, update, replace, cancel };
const char* to_string(Flow f);
// Throws InputError naming the allowed flows.
Flow flow_from(std::string_view name);
// The Chinese business type (业务类型) printed on forms and receipts, e.g. 证书初次办理.
const char* business_type_label(Flow f);

struct DocumentTick {
  bool present = false;
  bool stamped = false;
  std::string business_type;   // application form only: the flow named on it
};

struct ServiceRequest {
  Flow flow = Flow::issue;
  std::string organisation_name;
  std::string uscc;
  std::string handler_name;
  std::string handler_id_number;
  std::map<std::string, DocumentTick> documents;   // item → what was ticked
  std::string token_serial;                        // the token the work is done on (a new blank one for issue/reissue/replace)
  std::string old_token_serial;                    // reissue/replace: the customer's old token, when they have several
  std::string reason;                              // reissue: lost | damaged_customer | damaged_quality
  std::string payment_method = "cash";             // cash | card | transfer
  std::int64_t amount_fen = 0;
  std::string invoice_no;
  // Supervisor overrides asked for (each needs an approval): a missing document
  // item → reason; and a USCC that fails its check but is real (pre-2016 codes).
  std::map<std::string, std::string> document_overrides;
  std::string uscc_override_reason;
  std::string waiver_reason;                       // pay less than the schedule says
  bool wipe_token = false;                         // cancel: also wipe the token
};

// Parses the request JSON (SPEC §9). Throws InputError(bad_request) naming the
// missing or malformed field ("payment.amount_fen must be a whole number of fen").
ServiceRequest parse_request(std::string_view json);

// The request as canonical JSON (sorted keys): stored with the order, and hashed
// into the order's request key so the same request submitted twice is one order.
std::string to_json(const ServiceRequest& r);
std::string request_key(const ServiceRequest& r);

}  // namespace certdesk::workflows
