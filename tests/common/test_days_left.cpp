// Issue 14.5: the token panel's days left is one function (common/clock.h),
// decided with the validity setting: a certificate issued this second for
// cert_days × 86400 s reads cert_days (365 天), not 364.

#include <boost/test/unit_test.hpp>

#include "common/clock.h"
#include "common/text.h"

using namespace certdesk;

namespace {
constexpr std::int64_t kDay = 86400;
const Seconds kIssued = text::parse_iso_utc("2026-12-01T21:45:00Z");
std::int64_t at(Seconds t) { return t.time_since_epoch().count(); }
}  // namespace

BOOST_AUTO_TEST_CASE(a_certificate_issued_this_second_has_its_whole_validity_left) {
  for (int cert_days : {365, 30, 1}) {
    const std::int64_t not_after = at(kIssued) + cert_days * kDay;
    BOOST_TEST(days_left(kIssued, not_after) == cert_days);
    BOOST_TEST(days_left(kIssued + std::chrono::seconds(5), not_after) == cert_days);       // the panel polls a few s later
    BOOST_TEST(days_left(kIssued + std::chrono::seconds(kDay - 1), not_after) == cert_days);
    BOOST_TEST(days_left(kIssued + std::chrono::seconds(kDay), not_after) == cert_days - 1);
  }
}

BOOST_AUTO_TEST_CASE(the_last_day_reads_one_and_expiry_counts_the_other_way) {
  const std::int64_t not_after = at(kIssued) + 365 * kDay;
  const Seconds end{std::chrono::seconds(not_after)};
  BOOST_TEST(days_left(end - std::chrono::hours(1), not_after) == 1);
  BOOST_TEST(days_left(end - std::chrono::seconds(1), not_after) == 1);
  BOOST_TEST(days_left(end, not_after) == 0);
  BOOST_TEST(days_left(end + std::chrono::seconds(1), not_after) == -1);    // "expired 1 day ago" within the first day
  BOOST_TEST(days_left(end + std::chrono::seconds(kDay), not_after) == -1);
  BOOST_TEST(days_left(end + std::chrono::seconds(kDay + 1), not_after) == -2);
}
