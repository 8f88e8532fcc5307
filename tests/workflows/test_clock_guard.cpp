// The clock (issue 13.9): an order while the clock is earlier than the
// journal's newest entry, beyond the tolerance setting, is refused naming both times.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "db/database.h"
#include "db/journal.h"
#include "db/last_entry.h"
#include "db/repositories.h"
#include "workflows/clock_guard.h"

using namespace certdesk;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(a_clock_behind_the_journal_is_refused_with_both_times) {
  db::Database db = db::Database::in_memory();
  db::Journal journal(db, "ws1", 480);
  FixedClock clock{text::parse_iso_utc("2026-11-22T03:00:00Z")};
  BOOST_TEST(!db::last_journal_entry(db));
  BOOST_CHECK_NO_THROW(workflows::require_clock_not_behind(db, clock));   // an empty journal
  journal.append({.staff = "li", .action = "login"}, clock.now());
  journal.append({.staff = "li", .action = "logout"}, clock.now() + 1h);
  BOOST_TEST(db::last_journal_entry(db)->utc_time == "2026-11-22T04:00:00Z");
  BOOST_TEST(db::last_journal_entry(db)->business_day == "2026-11-22");

  clock.set(text::parse_iso_utc("2026-11-22T04:00:00Z") - 300s);   // exactly the tolerance: accepted
  BOOST_CHECK_NO_THROW(workflows::require_clock_not_behind(db, clock));
  clock.advance(-1s);
  try {
    workflows::require_clock_not_behind(db, clock);
    BOOST_FAIL("a clock 301 s behind was accepted");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.code() == codes::clock_behind);
    BOOST_TEST(e.rule() == "clock");
    std::string w = e.what();
    BOOST_TEST(w.find("2026-11-22T03:54:59Z") != std::string::npos, w);
    BOOST_TEST(w.find("2026-11-22T04:00:00Z") != std::string::npos, w);
  }
  // The tolerance is a setting.
  db::Settings(db).set(workflows::kClockToleranceSetting, "3600");
  BOOST_CHECK_NO_THROW(workflows::require_clock_not_behind(db, clock));
  db::Settings(db).set(workflows::kClockToleranceSetting, "0");
  clock.set(text::parse_iso_utc("2026-11-22T04:00:00Z"));
  BOOST_CHECK_NO_THROW(workflows::require_clock_not_behind(db, clock));
  clock.advance(-1s);
  BOOST_CHECK_THROW(workflows::require_clock_not_behind(db, clock), RuleRefused);
  // Nothing was written by the refusals.
  BOOST_TEST(journal.head().count == 2);
}
