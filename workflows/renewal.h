#pragma once
// The renewal window of SPEC §2: a certificate may be updated from
// `opens_days_before` days before its notAfter until `closes_days_after` days
// after it, both bounds included (settings renewal_opens_days_before /
// renewal_closes_days_after). The one place the window is computed: the
// update flow, the token panel and the desk ask here.

#include <cstdint>

#include "common/clock.h"
#include "workflows/services.h"

namespace certdesk::workflows {

class RenewalWindow {
 public:
  static RenewalWindow from(const CounterConfig& config);
  // utc_offset_minutes: the branch's offset (CounterConfig::utc_offset_minutes); no default, the caller says.
  RenewalWindow(int opens_days_before, int closes_days_after, int utc_offset_minutes)
      : opens_days_before_(opens_days_before), closes_days_after_(closes_days_after), utc_offset_minutes_(utc_offset_minutes) {}

  // Unix seconds of the first and the last second of the window.
  std::int64_t opens(std::int64_t not_after) const { return not_after - std::int64_t{opens_days_before_} * 86400; }
  std::int64_t closes(std::int64_t not_after) const { return not_after + std::int64_t{closes_days_after_} * 86400; }
  // True when now lies inside the window, bounds included.
  bool contains(Seconds now, std::int64_t not_after) const;
  bool too_early(Seconds now, std::int64_t not_after) const;
  bool too_late(Seconds now, std::int64_t not_after) const;

  int opens_days_before() const { return opens_days_before_; }
  int closes_days_after() const { return closes_days_after_; }

  // Throws RuleRefused(not_in_renewal_window) with the business days the
  // window opens or closed on (local dates from the UTC offset setting).
  void require(Seconds now, std::int64_t not_after) const;

 private:
  int opens_days_before_;
  int closes_days_after_;
  int utc_offset_minutes_;
};

}  // namespace certdesk::workflows
