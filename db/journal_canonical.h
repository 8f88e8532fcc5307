#pragma once
// Internal to db/: THE canonical encoding of a journal entry (db/journal.h
// gives its definition, version 1) and the journal's column list. Append,
// the careful walk and the verifier's fast pass all encode through
// encode_fields(), the fast pass straight from SQLite's row values, so the
// bytes a hash covers cannot differ between writing and checking.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "db/journal.h"

namespace certdesk::db::canonical {

inline constexpr char kPrefix[] = "certdesk-journal-v1";   // written with its '\0'

enum class Kind {
  integer,            // 'i' + 8-byte big-endian two's complement
  optional_integer,   // as integer, or 'n' when absent
  text,               // 's' + 4-byte big-endian length + the bytes
};

struct Field {
  const char* column;
  Kind kind;
};

// The fields canonical bytes cover, in their order: also the first columns of
// every row read from the journal (column_list()), prev_hash and hash after them.
inline constexpr std::array<Field, 15> kFields = {{
    {"seq", Kind::integer},
    {"utc_time", Kind::text},
    {"business_day", Kind::text},
    {"workstation", Kind::text},
    {"staff", Kind::text},
    {"action", Kind::text},
    {"order_id", Kind::optional_integer},
    {"organisation", Kind::text},
    {"token_serial", Kind::text},
    {"cert_serial", Kind::text},
    {"amount_fen", Kind::optional_integer},
    {"receipt_no", Kind::text},
    {"outcome", Kind::text},
    {"details", Kind::text},
    {"flow", Kind::text},
}};
inline constexpr int kPrevHashColumn = static_cast<int>(kFields.size());
inline constexpr int kHashColumn = kPrevHashColumn + 1;
inline constexpr int kColumnCount = kHashColumn + 1;

// "seq, utc_time, …, flow, prev_hash, hash": the journal's columns in field order.
const std::string& column_list();

// One field's value: an integer (absent when `absent`) or text bytes (not
// owned; valid while the caller's row or entry is).
struct Value {
  bool absent = false;
  std::int64_t integer = 0;
  std::string_view text;
};
using Values = std::array<Value, kFields.size()>;

// The values of e, in kFields order (text views into e).
Values values_of(const JournalEntry& e);

// Bytes encode_fields writes for these values.
std::size_t encoded_size(const Values& v);
// Writes the canonical bytes (prefix included) at out, which has room for
// encoded_size(v); returns the end.
char* encode_fields(const Values& v, char* out);

}  // namespace certdesk::db::canonical
