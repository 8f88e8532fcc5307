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
    // Both times as the hall's clock shows them (UTC+8 by default).
    BOOST_TEST(w.find("2026-11-22 11:54:59 (UTC+08:00)") != std::string::npos, w);
    BOOST_TEST(w.find("2026-11-22 12:00:00 (UTC+08:00)") != std::string::npos, w);
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

BOOST_AUTO_TEST_CASE(the_times_follow_the_branch_offset_and_a_bad_setting_never_blocks) {
  db::Database db = db::Database::in_memory();
  db::Journal journal(db, "ws1", 480);
  FixedClock clock{text::parse_iso_utc("2026-11-22T04:00:00Z")};
  journal.append({.staff = "li", .action = "login"}, clock.now());
  clock.advance(-1h);
  db::Settings(db).set("utc_offset_minutes", "-90");
  try {
    workflows::require_clock_not_behind(db, clock);
    BOOST_FAIL("an hour behind was accepted");
  } catch (const RuleRefused& e) {
    std::string w = e.what();
    BOOST_TEST(w.find("2026-11-22 01:30:00 (UTC-01:30)") != std::string::npos, w);
    BOOST_TEST(w.find("2026-11-22 02:30:00 (UTC-01:30)") != std::string::npos, w);
  }
  // A value an older version left behind: the defaults are used, the check still runs.
  db::Settings(db).set(workflows::kClockToleranceSetting, "abc");
  db::Settings(db).set("utc_offset_minutes", "abc");
  BOOST_CHECK_THROW(workflows::require_clock_not_behind(db, clock), RuleRefused);
  clock.advance(1h);
  BOOST_CHECK_NO_THROW(workflows::require_clock_not_behind(db, clock));
}

// Journal::append (issue 13.9): a business day never goes back, and a closed day takes nothing.
BOOST_AUTO_TEST_CASE(an_entry_never_books_onto_an_earlier_day_than_the_newest) {
  db::Database db = db::Database::in_memory();
  db::Journal journal(db, "ws1", 480);
  const Seconds evening = text::parse_iso_utc("2026-11-22T15:30:00Z");   // 23:30 in Beijing, the 22nd
  BOOST_TEST(journal.append({.action = "login"}, evening).business_day == "2026-11-22");
  const Seconds past_midnight = evening + 1h;                           // 00:30 on the 23rd
  BOOST_TEST(journal.append({.action = "login"}, past_midnight).business_day == "2026-11-23");
  // The clock steps back across midnight (within the start-up tolerance): still the 23rd.
  db::JournalEntry back = journal.append({.action = "logout"}, evening + 59min);
  BOOST_TEST(back.business_day == "2026-11-23");
  BOOST_TEST(back.utc_time == "2026-11-22T16:29:00Z");   // the time stays what the clock said
  // Even a clock a week behind never books onto an earlier day.
  BOOST_TEST(journal.append({.action = "login"}, evening - 168h).business_day == "2026-11-23");
  BOOST_TEST(journal.verify().ok);
}
