#pragma once
// What an order costs, from the fee schedule in the database (integer fen, never
// floating point; SPEC §4).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "db/repositories.h"
#include "workflows/request.h"

namespace certdesk::workflows {

struct FeeLine {
  std::string item;          // fee schedule key, e.g. "token"
  std::string text;          // printed on the receipt, e.g. "USB key token"
  std::int64_t quantity = 1;
  std::int64_t unit_fen = 0;
  std::int64_t amount_fen() const { return quantity * unit_fen; }
};

struct FeeQuote {
  std::vector<FeeLine> lines;
  std::int64_t total_fen = 0;
  bool free_by_rule_needs_approval = false;   // reissue after a quality fault: free, with a supervisor's approval
};

// Throws RuleRefused when the schedule lacks an item, InputError for an unknown reissue reason.
FeeQuote quote(db::FeeSchedule& schedule, Flow flow, std::string_view reason = "");

// "50.00" for 5000 fen.
std::string yuan(std::int64_t fen);

}  // namespace certdesk::workflows
