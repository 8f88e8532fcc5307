#include "workflows/clock_guard.h"

#include <chrono>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/last_entry.h"
#include "db/repositories.h"
#include "workflows/settings.h"

namespace certdesk::workflows {

void require_clock_not_behind(db::Database& db, const Clock& clock) {
  auto last = db::last_journal_entry(db);
  if (!last) return;
  const std::int64_t tolerance = integer_setting(db, kClockToleranceSetting);   // a bad stored value: the default
  const Seconds now = clock.now();
  Seconds newest;
  try {
    newest = text::parse_iso_utc(last->utc_time);
  } catch (const InputError&) {
    return;   // not a time certdesk wrote; journal verify names such an entry
  }
  if (now + std::chrono::seconds(tolerance) >= newest) return;
  throw RuleRefused(codes::clock_behind, "clock",
                    msg(tr("The clock says {} but the journal already has an entry from {}: the clock went back. Set the system clock right (more than {} seconds behind is refused), then start again."),
                        text::iso_utc(now), last->utc_time, tolerance));
}

}  // namespace certdesk::workflows
