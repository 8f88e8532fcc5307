#pragma once
// The clock (issue 13.9): a workstation whose clock went back would book work
// before entries already in the journal — onto a day already reported or
// closed. A start and every order first compare the clock with the journal.

#include "common/clock.h"
#include "db/database.h"

namespace certdesk::workflows {

// How far the clock may be behind the newest entry (seconds; NTP steps, a
// second process that wrote a moment ago). A setting an admin changes.
inline constexpr const char* kClockToleranceSetting = "clock_tolerance_seconds";
inline constexpr int kDefaultClockToleranceSeconds = 300;

// Throws RuleRefused(clock_behind, rule "clock") naming both times, in the
// branch's local time (setting utc_offset_minutes), when now is earlier than
// the journal's newest entry by more than the tolerance; nothing is written.
// Called when a writable AppContext opens (desk/context.cpp) and before every
// order (workflows/counter.cpp). Reads the database.
void require_clock_not_behind(db::Database& db, const Clock& clock);

}  // namespace certdesk::workflows
