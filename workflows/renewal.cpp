#include "workflows/renewal.h"

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

namespace certdesk::workflows {

RenewalWindow RenewalWindow::from(const CounterConfig& config) {
  return RenewalWindow(config.renewal_opens_days_before, config.renewal_closes_days_after, config.utc_offset_minutes);
}

bool RenewalWindow::too_early(Seconds now, std::int64_t not_after) const {
  return now.time_since_epoch().count() < opens(not_after);
}

bool RenewalWindow::too_late(Seconds now, std::int64_t not_after) const {
  return now.time_since_epoch().count() > closes(not_after);
}

bool RenewalWindow::contains(Seconds now, std::int64_t not_after) const {
  return !too_early(now, not_after) && !too_late(now, not_after);
}

void RenewalWindow::require(Seconds now, std::int64_t not_after) const {
  auto day = [&](std::int64_t s) { return text::business_day(Seconds(std::chrono::seconds(s)), utc_offset_minutes_); };
  if (too_early(now, not_after))
    throw RuleRefused(codes::not_in_renewal_window, "renewal-window",
                      msg(tr("Too early to update: the certificate is valid until {}; the update window opens on {} ({} days before it expires)."),
                          day(not_after), day(opens(not_after)), opens_days_before_));
  if (too_late(now, not_after))
    throw RuleRefused(codes::not_in_renewal_window, "renewal-window",
                      msg(tr("Too late to update: the certificate expired on {} and the update window closed on {} ({} days after). The customer needs a token replacement or a new issuance."),
                          day(not_after), day(closes(not_after)), closes_days_after_));
}

}  // namespace certdesk::workflows
