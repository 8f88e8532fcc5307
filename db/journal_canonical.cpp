#include "db/journal_canonical.h"

#include <cstring>

namespace certdesk::db::canonical {

namespace {

char* put_int(char* out, std::int64_t v) {
  *out++ = 'i';
  const auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) *out++ = static_cast<char>((u >> shift) & 0xff);
  return out;
}

char* put_text(char* out, std::string_view s) {
  *out++ = 's';
  const auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) *out++ = static_cast<char>((n >> shift) & 0xff);
  if (!s.empty()) std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

}  // namespace

const std::string& column_list() {
  static const std::string list = [] {
    std::string out;
    for (const Field& f : kFields) out += std::string(f.column) + ", ";
    return out + "prev_hash, hash";
  }();
  return list;
}

Values values_of(const JournalEntry& e) {
  const JournalRecord& r = e.record;
  auto opt = [](const std::optional<std::int64_t>& v) { return Value{!v.has_value(), v.value_or(0), {}}; };
  auto text = [](const std::string& s) { return Value{false, 0, s}; };
  return {Value{false, e.seq, {}}, text(e.utc_time),  text(e.business_day), text(e.workstation), text(r.staff),
          text(r.action),          opt(r.order_id),   text(r.organisation), text(r.token_serial), text(r.cert_serial),
          opt(r.amount_fen),       text(r.receipt_no), text(r.outcome),     text(r.details),      text(r.flow)};
}

std::size_t encoded_size(const Values& v) {
  std::size_t n = sizeof kPrefix;
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    switch (kFields[i].kind) {
      case Kind::integer: n += 9; break;
      case Kind::optional_integer: n += v[i].absent ? 1 : 9; break;
      case Kind::text: n += 5 + v[i].text.size(); break;
    }
  }
  return n;
}

char* encode_fields(const Values& v, char* out) {
  std::memcpy(out, kPrefix, sizeof kPrefix);
  out += sizeof kPrefix;
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    switch (kFields[i].kind) {
      case Kind::integer: out = put_int(out, v[i].integer); break;
      case Kind::optional_integer:
        if (v[i].absent)
          *out++ = 'n';
        else
          out = put_int(out, v[i].integer);
        break;
      case Kind::text: out = put_text(out, v[i].text); break;
    }
  }
  return out;
}

}  // namespace certdesk::db::canonical
