#include "db/last_entry.h"

#include "db/detail.h"

namespace certdesk::db {

std::optional<LastEntryTime> last_journal_entry(Database& db) {
  return detail::guarded(tr("reading the journal's newest entry"), [&]() -> std::optional<LastEntryTime> {
    detail::CachedStatement q(db, "SELECT utc_time, business_day FROM journal ORDER BY seq DESC LIMIT 1");
    if (!q->executeStep()) return std::nullopt;
    return LastEntryTime{q->getColumn(0).getString(), q->getColumn(1).getString()};
  });
}

}  // namespace certdesk::db
