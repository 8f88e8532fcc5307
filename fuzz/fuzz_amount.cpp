// Money (common/money.h, printing/amount_words.h): money::parse_yuan on any text either refuses or
// gives fen in 0…kMaxFen that format_fen writes back to the same fen; amount in
// words of any int64 either refuses (out of range) or writes 人民币… ending in
// 整 or 分.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/money.h"
#include "printing/amount_words.h"

using namespace certdesk;
using namespace certdesk::printing;

namespace {
void expect(bool ok) {
  if (!ok) std::abort();
}
bool ends_with(const std::string& s, std::string_view end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}
void words(std::int64_t fen) {
  std::string w;
  try {
    w = amount_in_words(fen);
  } catch (const InputError&) {
    expect(fen < 0 || fen > kMaxFen);
    return;
  }
  expect(fen >= 0 && fen <= kMaxFen);
  expect(w.rfind("人民币", 0) == 0);
  expect(ends_with(w, "整") || ends_with(w, "分"));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::int64_t fen = money::parse_yuan(text);
    expect(fen >= 0 && fen <= kMaxFen);
    expect(money::parse_yuan(format_fen(fen)) == fen);
    words(fen);
  } catch (const InputError&) {
  }
  if (size >= sizeof(std::int64_t)) {
    std::int64_t raw;
    std::memcpy(&raw, data, sizeof raw);
    words(raw);
    words(raw % (kMaxFen + 1));
  }
  return 0;
}
