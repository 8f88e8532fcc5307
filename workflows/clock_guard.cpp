#include "workflows/clock_guard.h"

#include <fmt/format.h>

#include <chrono>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/last_entry.h"
#include "db/repositories.h"
#include "workflows/settings.h"

namespace certdesk::workflows {

namespace {

// "2026-11-22 11:54:59 (UTC+08:00)": what the clock on the wall of the hall shows.
std::string local_with_seconds(Seconds t, std::int64_t offset_minutes) {
  std::string iso = text::iso_utc(t + std::chrono::minutes(offset_minutes));   // "2026-11-22T11:54:59Z"
  iso[10] = ' ';
  iso.pop_back();
  const std::int64_t a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return fmt::format("{} (UTC{}{:02}:{:02})", iso, offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
}

}  // namespace

void require_clock_not_behind(db::Database& db, const Clock& clock) {
  auto last = db::last_journal_entry(db);
  if (!last) return;
  const std::int64_t tolerance = integer_setting(db, kClockToleranceSetting);   // a bad stored value: the default
  const std::int64_t offset = integer_setting(db, "utc_offset_minutes");   // a bad stored value: the default
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
                        local_with_seconds(now, offset), local_with_seconds(newest, offset), tolerance));
}

}  // namespace certdesk::workflows
