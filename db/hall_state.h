#pragma once
// What the counter knows locally about the hall (issue 12, docs/hall.md): the
// table hall_state (migration 6), a small key/value store the shipper
// (desk/hall_link.h) keeps — the connection string (never with a password),
// the last acknowledged entry, the last contact and the last error. It is
// bookkeeping, not record: the record is the journal, and the hall holds its
// copy; a wrong value here only makes the shipper resend (the hall skips
// duplicates) or ask the hall where its head is.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "db/database.h"

namespace certdesk::db {

class HallState {
 public:
  explicit HallState(Database& db) : db_(db) {}
  std::optional<std::string> get(const std::string& key);
  std::string get_or(const std::string& key, const std::string& fallback);
  std::int64_t get_int(const std::string& key, std::int64_t fallback);
  // Each its own statement (or inside the caller's Transaction).
  void set(const std::string& key, const std::string& value);
  void erase(const std::string& key);
  std::map<std::string, std::string> all();

 private:
  Database& db_;
};

// True when the data folder has numbered at least one receipt.
bool any_receipt(Database& db);

}  // namespace certdesk::db
