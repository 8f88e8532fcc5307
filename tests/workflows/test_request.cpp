// The request file at the door (issue 13.4): size, keys, counts and every text
// field checked by the parser, so a request that parses can be stored and
// printed and a refused one changes nothing.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "tests/support/support.h"
#include "tests/workflows/sample_request.h"
#include "workflows/request.h"

using namespace certdesk;
using namespace certdesk::workflows;
using nlohmann::json;

namespace {

// The SPEC sample with every optional field filled in.
json sample() {
  json j = json::parse(test::kSampleRequest);
  j["payment"]["invoice_no"] = "FP0001";
  j["overrides"] = {{"uscc", "registered 2015"}};
  j["waiver_reason"] = "";
  return j;
}

// The refusal of text (code and message), or "accepted".
std::string refusal(const std::string& text, const char* want_code = nullptr) {
  try {
    parse_request(text);
  } catch (const InputError& e) {
    if (want_code) BOOST_TEST(e.code() == want_code, text.substr(0, 80) << " → " << e.code());
    std::string w = e.what();
    BOOST_TEST(w.find('\n') == std::string::npos);
    return w;
  }
  return "accepted";
}
std::string refusal_of(const json& j, const char* want_code = nullptr) { return refusal(j.dump(), want_code); }
bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(request_text_fields)

BOOST_AUTO_TEST_CASE(the_sample_is_accepted_and_normalised) {
  json j = sample();
  j["organisation"]["name"] = "  Caf" "e\xCC\x81 北京  ";
  ServiceRequest r = parse_request(j.dump());
  BOOST_TEST(r.organisation_name == "Caf\xC3\xA9 北京");   // trimmed and NFC
  BOOST_TEST(r.invoice_no == "FP0001");
  BOOST_TEST(r.uscc_override_reason == "registered 2015");
}

BOOST_AUTO_TEST_CASE(every_text_field_refuses_bad_text) {
  // Each field, each kind of bad text: the message names the field.
  struct Field {
    std::vector<std::string> path;
    const char* named;
  };
  const std::vector<Field> fields{{{"organisation", "name"}, "organisation name"},
                                  {{"organisation", "uscc"}, "organisation.uscc"},
                                  {{"handler", "name"}, "handler name"},
                                  {{"handler", "id_number"}, "handler.id_number"},
                                  {{"documents", "application_form", "business_type"}, "business_type"},
                                  {{"token_serial"}, "token serial"},
                                  {{"old_token_serial"}, "old_token_serial"},
                                  {{"reason"}, "reason"},
                                  {{"payment", "method"}, "payment.method"},
                                  {{"payment", "invoice_no"}, "invoice number"},
                                  {{"overrides", "uscc"}, "override reason"},
                                  {{"overrides", "org_code_copy"}, "override reason"},
                                  {{"waiver_reason"}, "waiver reason"}};
  const std::vector<std::pair<std::string, const char*>> bad{
      {"a\xEF\xBF\xBF", "U+FFFF"}, {"a\xEF\xB7\x90", "U+FDD0"}, {std::string("a\0b", 3), "U+0000"},
      {"a\x1B[2J", "U+001B"},      {"a\nb", "U+000A"},          {"a\xC2\x9B", "U+009B"},
      {std::string(100000, 'x'), "100000 characters"}};
  int cases = 0;
  for (const auto& f : fields) {
    for (const auto& [value, says] : bad) {
      json j = sample();
      json* at = &j;
      for (const auto& k : f.path) at = &(*at)[k];
      *at = value;
      std::string m = refusal_of(j, codes::invalid_text);
      BOOST_TEST(contains(m, f.named), m);
      BOOST_TEST(contains(m, says), m);
      ++cases;
    }
  }
  BOOST_TEST(cases == 91);
}

BOOST_AUTO_TEST_CASE(escapes_in_json_are_checked_like_raw_text) {
  // The handler's name written as raw JSON text: escapes decode before the check.
  auto name_as = [](const std::string& raw_json) {
    std::string text = sample().dump();
    text.replace(text.find("张三"), std::string("张三").size(), raw_json);
    return text;
  };
  BOOST_TEST(contains(refusal(name_as("\\uFFFF"), codes::invalid_text), "U+FFFF"));
  BOOST_TEST(contains(refusal(name_as("a\\u0000b"), codes::invalid_text), "U+0000"));
  // An unpaired surrogate escape and raw bad UTF-8 are not JSON.
  BOOST_TEST(contains(refusal(name_as("\\uD800"), codes::bad_request), "not valid JSON"));
  BOOST_TEST(contains(refusal(name_as("\xED\xA0\x80"), codes::bad_request), "not valid JSON"));
}

BOOST_AUTO_TEST_CASE(a_struct_from_the_window_is_checked_the_same) {
  ServiceRequest r = parse_request(sample().dump());
  BOOST_CHECK_NO_THROW(require_valid_request(r));
  r.waiver_reason = std::string(201, 'w');
  BOOST_CHECK_THROW(require_valid_request(r), InputError);
  r.waiver_reason.clear();
  r.document_overrides["passport"] = "none";
  BOOST_CHECK_THROW(require_valid_request(r), InputError);
  r.document_overrides.clear();
  r.amount_fen = -1;
  BOOST_CHECK_THROW(require_valid_request(r), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_shape)

BOOST_AUTO_TEST_CASE(unknown_keys_are_refused_everywhere) {
  auto with = [](const std::vector<std::string>& path) {
    json j = sample();
    json* at = &j;
    for (const auto& k : path) at = &(*at)[k];
    *at = "x";
    return j;
  };
  BOOST_TEST(contains(refusal_of(with({"amount_fen"}), codes::bad_request), "unknown field amount_fen"));
  BOOST_TEST(contains(refusal_of(with({"organisation", "nmae"}), codes::bad_request), "organisation.nmae"));
  BOOST_TEST(contains(refusal_of(with({"handler", "phone"}), codes::bad_request), "handler.phone"));
  BOOST_TEST(contains(refusal_of(with({"payment", "amount"}), codes::bad_request), "payment.amount"));
  BOOST_TEST(contains(refusal_of(with({"documents", "token", "serial"}), codes::bad_request), "documents.token.serial"));
  json doc = sample();
  doc["documents"]["passport"] = {{"present", true}};
  BOOST_TEST(contains(refusal_of(doc, codes::bad_request), "unknown document passport"));
  json ov = sample();
  ov["overrides"]["passport"] = "lost it";
  BOOST_TEST(contains(refusal_of(ov, codes::bad_request), "passport"));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused_at_any_depth) {
  BOOST_TEST(contains(refusal(R"({"flow":"issue","flow":"cancel"})", codes::bad_request), "flow twice"));
  std::string text = sample().dump();
  std::string nested = text;
  nested.replace(nested.find("\"uscc\":\"9"), 1, "\"uscc\":\"x\",\"");
  BOOST_TEST(contains(refusal(nested, codes::bad_request), "uscc twice"));
  std::string deep = text;
  deep.replace(deep.find("\"present\":true"), 0, "\"present\":false,");
  BOOST_TEST(contains(refusal(deep, codes::bad_request), "present twice"));
  // The same key in two different objects is fine.
  BOOST_TEST(refusal(text) == "accepted");
}

BOOST_AUTO_TEST_CASE(nesting_sizes_and_counts) {
  BOOST_TEST(contains(refusal(R"({"organisation":{"name":{"a":{"b":1}}}})", codes::bad_request), "too deeply"));
  BOOST_TEST(contains(refusal(std::string(100000, '[') + std::string(100000, ']'), codes::bad_request), "too deeply"));
  BOOST_TEST(contains(refusal(std::string(kMaxRequestBytes + 1, ' '), codes::bad_request), "1 MiB"));
  json big = sample();
  big["payment"]["amount_fen"] = kMaxAmountFen + 1;
  BOOST_TEST(contains(refusal_of(big, codes::bad_request), "amount_fen"));
  big["payment"]["amount_fen"] = 18446744073709551615ull;
  BOOST_TEST(contains(refusal_of(big, codes::bad_request), "amount_fen"));
  big["payment"]["amount_fen"] = kMaxAmountFen;
  BOOST_TEST(refusal_of(big) == "accepted");
  // A number no double holds is a refusal too, not an escaping nlohmann exception.
  std::string overflow = big.dump();
  overflow.replace(overflow.find(std::to_string(kMaxAmountFen)), std::to_string(kMaxAmountFen).size(), "1e400");
  BOOST_TEST(contains(refusal(overflow, codes::bad_request), "too large"));
  BOOST_TEST(contains(refusal(R"({"x":-5E55555})", codes::bad_request), "too large"));
}

BOOST_AUTO_TEST_CASE(request_files_are_read_at_most_one_mib) {
  test::TempDir tmp;
  auto ok = test::write_file(tmp / "r.json", sample().dump());
  BOOST_TEST(parse_request(read_request_file(ok)).token_serial == "2100012345");
  auto big = test::write_file(tmp / "big.json", std::string(kMaxRequestBytes + 10, ' '));
  BOOST_CHECK_THROW(read_request_file(big), InputError);
  // /dev/zero never ends: refused after 1 MiB + 1 bytes, quickly.
  auto t0 = std::chrono::steady_clock::now();
  try {
    read_request_file("/dev/zero");
    BOOST_FAIL("/dev/zero was accepted");
  } catch (const InputError& e) {
    BOOST_TEST(contains(e.what(), "larger than 1 MiB"));
  }
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)));
  BOOST_CHECK_THROW(read_request_file(tmp / "absent.json"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()
