// The document-number checks (workflows/validators.h) on any bytes: never a
// crash; a number accepted once is accepted again from its normalised form,
// which is a fixed point of normalise_code; a refusal always names a problem.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "workflows/validators.h"

using namespace certdesk::workflows;

namespace {
void expect(bool ok) {
  if (!ok) std::abort();
}
void stable(const CheckResult& r, CheckResult (*again)(std::string_view)) {
  expect(r.ok == r.problem.empty());
  if (!r.ok) return;
  CheckResult r2 = again(r.normalised);
  expect(r2.ok && r2.normalised == r.normalised);
}
CheckResult id_today(std::string_view s) { return check_id_number(s, "2026-03-15"); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string n = normalise_code(in);
  expect(normalise_code(n) == n);
  stable(check_uscc(in), check_uscc);
  stable(check_org_code(in), check_org_code);
  stable(check_organisation_number(in), check_organisation_number);
  CheckResult id = id_today(in);
  expect(id.ok == id.problem.empty());
  if (id.ok) {
    expect(id.normalised.size() == 18);   // a 15-digit number comes back upgraded
    stable(id, id_today);
  }
  return 0;
}
