#pragma once
// Internal to db/: small helpers shared by the .cpp files. Not part of the API.

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>

#include "db/database.h"

namespace certdesk::db::detail {

// Runs f(), turning a SQLite::Exception into DbError (throw_db_error).
template <class F>
auto guarded(const std::string& doing, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    throw_db_error(e, doing);
  }
}

inline void bind_opt(SQLite::Statement& s, int index, const std::optional<std::int64_t>& v) {
  if (v)
    s.bind(index, static_cast<std::int64_t>(*v));
  else
    s.bind(index);
}

inline std::optional<std::int64_t> opt_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

}  // namespace certdesk::db::detail
