// The request parser (workflows/request.h) on any bytes: it either refuses with
// an InputError or returns a request that is clean text and survives its own
// canonical JSON unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/error.h"
#include "common/text.h"
#include "workflows/request.h"

using namespace certdesk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  workflows::ServiceRequest r;
  try {
    r = workflows::parse_request(text);
  } catch (const InputError& e) {
    if (std::string_view(e.what()).find('\n') != std::string_view::npos) std::abort();   // one line
    return 0;
  }
  if (!text::valid_utf8(r.organisation_name) || !text::valid_utf8(r.waiver_reason)) std::abort();
  // Canonical form is a fixed point: parse(to_json(r)) gives the same JSON and key.
  const std::string canon = workflows::to_json(r);
  workflows::ServiceRequest again = workflows::parse_request(canon);   // must not throw
  if (workflows::to_json(again) != canon) std::abort();
  if (workflows::request_key(again) != workflows::request_key(r)) std::abort();
  return 0;
}
