#pragma once
// The newest journal entry's time (issue 13.9): what a clock that went back is
// compared with before a start or an order.

#include <optional>
#include <string>

#include "db/database.h"

namespace certdesk::db {

struct LastEntryTime {
  std::string utc_time;       // "2026-11-22T03:14:00Z"
  std::string business_day;   // "2026-11-22"
};

// The time and business day of the entry with the highest seq; nullopt for an
// empty journal. Throws DbError when the database cannot be read.
std::optional<LastEntryTime> last_journal_entry(Database& db);

}  // namespace certdesk::db
