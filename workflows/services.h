#pragma once
// Everything a flow works with, handed in by the app (STYLE habit 3): the
// database and journal, the clock, the token and CA ports, and the counter's
// configuration read from settings.

#include <algorithm>
#include <string>

#include "common/clock.h"
#include "db/database.h"
#include "db/journal.h"
#include "workflows/ports.h"

namespace certdesk::workflows {

// The branch's UTC offset when the setting utc_offset_minutes is not given:
// Asia/Shanghai, +08:00 (China keeps no daylight saving time). The one place
// this default lives; workflows/settings.cpp's "480" is the same value as text.
inline constexpr int kDefaultUtcOffsetMinutes = 480;

struct CounterConfig {
  std::string branch = "BJ01";                 // receipt numbers: BRANCH-WS-YEAR-NNNNNN
  std::string workstation = "W01";             // this counter's code in the hall (set at init)
  std::string branch_name = "certdesk";        // printed on receipts
  KeyAlgorithm key_algorithm = KeyAlgorithm::ec_p256;
  int cert_days = 365;                         // SPEC §2: one year, 365 days to the second
  int renewal_opens_days_before = 30;          // update window (settings)
  int renewal_closes_days_after = 90;
  int utc_offset_minutes = kDefaultUtcOffsetMinutes;
  unsigned long min_user_pin = 6;              // the hall's rule, on top of the token's own
};

// The rules for a PIN the customer chooses: the token's own, and the hall's minimum on top.
inline PinRules new_pin_rules(const TokenView& token, const CounterConfig& config) {
  return PinRules{std::max(token.min_pin, config.min_user_pin), token.max_pin};
}

struct Services {
  db::Database& db;
  db::Journal& journal;
  const Clock& clock;
  TokenPort& tokens;
  CaPort& ca;
  SoPinSource& so_pins;
  CounterConfig config;
};

}  // namespace certdesk::workflows
