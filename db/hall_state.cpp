#include "db/hall_state.h"

#include "db/detail.h"

namespace certdesk::db {

std::optional<std::string> HallState::get(const std::string& key) {
  return detail::guarded(msg(tr("reading the hall state '{}'"), key), [&]() -> std::optional<std::string> {
    SQLite::Statement q(detail::sql(db_), "SELECT value FROM hall_state WHERE key = ?1");
    q.bind(1, key);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
  });
}

std::string HallState::get_or(const std::string& key, const std::string& fallback) {
  return get(key).value_or(fallback);
}

std::int64_t HallState::get_int(const std::string& key, std::int64_t fallback) {
  std::optional<std::string> v = get(key);
  if (!v || v->empty()) return fallback;
  try {
    return std::stoll(*v);
  } catch (const std::exception&) {
    return fallback;
  }
}

void HallState::set(const std::string& key, const std::string& value) {
  detail::guarded(msg(tr("saving the hall state '{}'"), key), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO hall_state (key, value) VALUES (?1, ?2) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    q.bind(1, key);
    q.bind(2, value);
    q.exec();
  });
}

void HallState::erase(const std::string& key) {
  detail::guarded(msg(tr("clearing the hall state '{}'"), key), [&] {
    SQLite::Statement q(detail::sql(db_), "DELETE FROM hall_state WHERE key = ?1");
    q.bind(1, key);
    q.exec();
  });
}

std::map<std::string, std::string> HallState::all() {
  return detail::guarded(tr("reading the hall state"), [&] {
    std::map<std::string, std::string> out;
    SQLite::Statement q(detail::sql(db_), "SELECT key, value FROM hall_state");
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getString();
    return out;
  });
}

bool any_receipt(Database& db) {
  return detail::guarded(tr("looking for a receipt"), [&] {
    SQLite::Statement q(detail::sql(db), "SELECT EXISTS (SELECT 1 FROM payments)");
    q.executeStep();
    return q.getColumn(0).getInt() != 0;
  });
}

}  // namespace certdesk::db
