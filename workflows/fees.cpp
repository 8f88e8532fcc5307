#include "workflows/fees.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/money.h"

namespace certdesk::workflows {

std::string yuan(std::int64_t fen) { return money::format_fen(fen); }

FeeQuote quote(db::FeeSchedule& schedule, Flow flow, std::string_view reason) {
  FeeQuote q;
  auto line = [&](const std::string& item, std::int64_t quantity = 1) {
    auto fee = schedule.get(item);
    if (!fee)
      throw RuleRefused(codes::rule_refused, "fee-schedule",
                        fmt::format(fmt::runtime(tr("The fee schedule has no entry '{}'; an admin must add it.")), item));
    q.lines.push_back({item, fee->description, quantity, fee->amount_fen});
  };
  switch (flow) {
    case Flow::issue:
      line("token");
      line("service.issue");
      break;
    case Flow::reissue:
      if (reason == "lost" || reason == "damaged_customer") {
        line("token");
      } else if (reason == "damaged_quality") {
        q.free_by_rule_needs_approval = true;
        line("token", 0);
      } else {
        throw InputError(codes::bad_request,
                         tr("A reissue needs a reason: lost, damaged_customer or damaged_quality."));
      }
      line("service.reissue");
      break;
    case Flow::unlock: line("service.unlock"); break;
    case Flow::update: line("service.update"); break;
    case Flow::replace:
      line("token");
      line("service.replace");
      break;
    case Flow::cancel: line("service.cancel"); break;
  }
  // Lines that cost nothing are not printed (a 0.00 service fee is noise on a receipt).
  std::erase_if(q.lines, [](const FeeLine& l) { return l.amount_fen() == 0; });
  for (const auto& l : q.lines) q.total_fen += l.amount_fen();
  return q;
}

}  // namespace certdesk::workflows
