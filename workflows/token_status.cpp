#include "workflows/token_status.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"

namespace certdesk::workflows {

void TokenStatus::report(const std::string& serial, TokenReport report, const std::string& why) {
  require(who_, Permission::run_order);
  db::Tokens tokens(s_.db);
  auto rec = tokens.by_serial(serial);
  if (!rec) throw RuleRefused(codes::not_found, "token", msg(tr("Token {} is not on record."), serial));
  TokenState to = require_token_report(serial, token_state_from(rec->state), report);
  std::string reason = text::checked(tr("reason"), why, 200, false);
  db::Transaction tx(s_.db);
  tokens.set_state(serial, to_string(to), text::iso_utc(s_.clock.now()));
  std::string org;
  if (rec->organisation_id)
    if (auto o = db::Organisations(s_.db).by_id(*rec->organisation_id)) org = o->uscc;
  s_.journal.append({.staff = who_.name, .action = fmt::format("token.{}", report == TokenReport::suspend ? "suspended"
                                                                            : report == TokenReport::found ? "found"
                                                                                                           : "lost"),
                     .organisation = org, .token_serial = serial,
                     .details = fmt::format("{} → {}{}{}", rec->state, to_string(to), reason.empty() ? "" : ": ", reason)},
                    s_.clock.now());
  tx.commit();
}

void TokenStatus::suspend(const std::string& serial, const std::string& reason) {
  report(serial, TokenReport::suspend, reason);
}
void TokenStatus::found(const std::string& serial) { report(serial, TokenReport::found, ""); }
void TokenStatus::lost(const std::string& serial, const std::string& reason) { report(serial, TokenReport::lost, reason); }

}  // namespace certdesk::workflows
