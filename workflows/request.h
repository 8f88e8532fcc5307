#pragma once
// What the teller types and ticks for one service order (SPEC §9's request
// file; the window fills the same struct). Never a PIN or password.

#include <cstddef>
#include <cstdint>
#include <filesystem>
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

// A request is a few hundred bytes; anything past 1 MiB is refused unread.
inline constexpr std::size_t kMaxRequestBytes = std::size_t{1} << 20;
// No fee comes near 10 000 000.00 yuan: an amount beyond it is a typing error.
inline constexpr std::int64_t kMaxAmountFen = 1'000'000'000;

// Reads a request file, at most kMaxRequestBytes + 1 bytes of it (so
// /dev/zero or a huge file costs 1 MiB, not the disk). Throws
// InputError(bad_request) when it cannot be read or is larger.
std::string read_request_file(const std::filesystem::path& file);

// Parses the request JSON (SPEC §9) and checks it with check_request, so a
// request that parses is one every later step can store and print. Throws
// InputError(bad_request) naming the missing, malformed, unknown or repeated
// field ("payment.amount_fen must be a whole number of fen"), or
// InputError(invalid_text) naming a text field that is not clean text.
ServiceRequest parse_request(std::string_view json);

// Every text field of r made NFC and checked (text::checked: valid UTF-8, no
// control characters or noncharacters, the field's length), the amount within
// 0…kMaxAmountFen, documents and overrides only the known items. Trims and
// normalises r in place; throws InputError naming the first bad field. Nothing
// is written anywhere.
void check_request(ServiceRequest& r);
// check_request on a copy, for a request built elsewhere (the window): throws
// the same, changes nothing. Counter::review calls it before anything else.
void require_valid_request(const ServiceRequest& r);

// The request as canonical JSON (sorted keys): stored with the order, and hashed
// into the order's request key so the same request submitted twice is one order.
std::string to_json(const ServiceRequest& r);
std::string request_key(const ServiceRequest& r);

}  // namespace certdesk::workflows
