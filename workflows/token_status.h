#pragma once
// Token status reports outside an order (SPEC §2): suspended when reported
// temporarily lost, active again when found (only a suspended token), or
// confirmed lost (which leads to a reissue). The moves are the rows of
// token_reports() (states.h). Tellers and supervisors; journaled.

#include <string>

#include "workflows/services.h"
#include "workflows/staff.h"
#include "workflows/states.h"

namespace certdesk::workflows {

class TokenStatus {
 public:
  TokenStatus(Services& s, const Actor& who) : s_(s), who_(who) {}
  // Each throws RuleRefused(not_found) for a token not on record,
  // RuleRefused(token_state_refused) when the report does not apply to its
  // state, InputError for a bad reason; nothing changes then.
  void suspend(const std::string& serial, const std::string& reason);
  void found(const std::string& serial);
  void lost(const std::string& serial, const std::string& reason);
  // The same for any report.
  void report(const std::string& serial, TokenReport report, const std::string& reason);

 private:
  Services& s_;
  const Actor& who_;
};

}  // namespace certdesk::workflows
