#pragma once
// The request of SPEC §9 as the teller would fill it for a first issuance,
// shared by the suites that parse requests.

namespace certdesk::test {

inline constexpr const char* kSampleRequest = R"({
  "organisation": {"name": "北京示例科技有限公司", "uscc": "91110108MA01C8D24U"},
  "handler": {"name": "张三", "id_number": "11010519491231002X"},
  "documents": {
    "application_form": {"present": true, "stamped": true, "business_type": "issue"},
    "org_code_copy":    {"present": true, "stamped": true},
    "handler_id_copy":  {"present": true, "stamped": true},
    "token":            {"present": true}
  },
  "token_serial": "2100012345",
  "reason": "",
  "payment": {"method": "cash", "amount_fen": 5000}
})";

}  // namespace certdesk::test
