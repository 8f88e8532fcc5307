#include "workflows/states.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::workflows {

namespace {
constexpr std::array<std::pair<OrderState, const char*>, 8> kOrderNames{{
    {OrderState::draft, tr_noop_ctx("state", "draft")},
    {OrderState::documents_checked, tr_noop_ctx("state", "documents_checked")},
    {OrderState::paid, tr_noop_ctx("state", "paid")},
    {OrderState::token_done, tr_noop_ctx("state", "token_done")},
    {OrderState::handed_over, tr_noop_ctx("state", "handed_over")},
    {OrderState::completed, tr_noop_ctx("state", "completed")},
    {OrderState::cancelled, tr_noop_ctx("state", "cancelled")},
    {OrderState::failed, tr_noop_ctx("state", "failed")},
}};

constexpr std::array<std::pair<TokenState, const char*>, 7> kTokenNames{{
    {TokenState::blank, tr_noop_ctx("state", "blank")},
    {TokenState::active, tr_noop_ctx("state", "active")},
    {TokenState::locked, tr_noop_ctx("state", "locked")},
    {TokenState::suspended, tr_noop_ctx("state", "suspended")},
    {TokenState::lost, tr_noop_ctx("state", "lost")},
    {TokenState::damaged, tr_noop_ctx("state", "damaged")},
    {TokenState::retired, tr_noop_ctx("state", "retired")},
}};

// Forward moves of an order. cancelled is reachable until the token work is
// done (after it the certificate exists: roll back through the flow instead);
// failed from any unfinished state.
bool forward(OrderState from, OrderState to) {
  using S = OrderState;
  switch (from) {
    case S::draft: return to == S::documents_checked;
    case S::documents_checked: return to == S::paid;
    case S::paid: return to == S::token_done;
    case S::token_done: return to == S::handed_over;
    case S::handed_over: return to == S::completed;
    default: return false;
  }
}
}  // namespace

const char* to_string(OrderState s) {
  for (const auto& [v, n] : kOrderNames)
    if (v == s) return n;
  return "?";
}

std::optional<OrderState> find_order_state(std::string_view name) {
  for (const auto& [v, n] : kOrderNames)
    if (name == n) return v;
  return std::nullopt;
}

OrderState order_state_from(std::string_view name) {
  if (std::optional<OrderState> s = find_order_state(name)) return *s;
  throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("'{}' is not an order state.")), name));
}

bool is_final(OrderState s) {
  return s == OrderState::completed || s == OrderState::cancelled || s == OrderState::failed;
}

bool order_move_allowed(OrderState from, OrderState to) {
  if (is_final(from)) return false;
  if (to == OrderState::failed) return true;
  if (to == OrderState::cancelled) return from == OrderState::draft || from == OrderState::documents_checked || from == OrderState::paid;
  return forward(from, to);
}

void require_order_move(OrderState from, OrderState to) {
  if (!order_move_allowed(from, to))
    throw RuleRefused(codes::illegal_transition, "order-state",
                      fmt::format(fmt::runtime(tr("An order cannot go from '{}' to '{}'.")), to_string(from), to_string(to)));
}

const char* to_string(TokenState s) {
  for (const auto& [v, n] : kTokenNames)
    if (v == s) return n;
  return "?";
}

TokenState token_state_from(std::string_view name) {
  for (const auto& [v, n] : kTokenNames)
    if (name == n) return v;
  throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("'{}' is not a token state.")), name));
}

const std::vector<TokenMove>& token_moves() {
  using T = TokenState;
  static const std::vector<TokenMove> moves{
      {T::blank, T::active, "personalised (first issuance, reissue, replacement)"},
      {T::active, T::locked, "user PIN locked after too many wrong tries"},
      {T::locked, T::active, "PIN unlocked at the counter or by authorisation code"},
      {T::active, T::active, "PIN reset or certificate updated"},
      {T::active, T::suspended, "reported temporarily lost"},
      {T::locked, T::suspended, "reported temporarily lost"},
      {T::suspended, T::active, "found again"},
      {T::suspended, T::lost, "confirmed lost"},
      {T::active, T::lost, "reported lost (reissue)"},
      {T::locked, T::lost, "reported lost (reissue)"},
      {T::active, T::damaged, "reported damaged (reissue)"},
      {T::locked, T::damaged, "reported damaged (reissue)"},
      {T::active, T::retired, "replaced or certificate cancelled"},
      {T::locked, T::retired, "replaced or certificate cancelled"},
      {T::damaged, T::retired, "damaged token handed in"},
      {T::blank, T::damaged, "blank token found faulty"},
      {T::blank, T::lost, "lost during its personalisation (order rolled back without it)"},
  };
  return moves;
}

bool token_move_allowed(TokenState from, TokenState to) {
  for (const auto& m : token_moves())
    if (m.from == from && m.to == to) return true;
  return false;
}

void require_token_move(const std::string& serial, TokenState from, TokenState to) {
  if (token_move_allowed(from, to)) return;
  std::string allowed;
  for (const auto& m : token_moves()) {
    if (m.from != from || m.to == from) continue;
    if (!allowed.empty()) allowed += ", ";
    allowed += to_string(m.to);
  }
  if (allowed.empty()) allowed = tr("nothing");
  throw RuleRefused(codes::token_state_refused, "token-state",
                    fmt::format(fmt::runtime(tr("Token {} is {}; it cannot become {}. From {} it can only become: {}.")), serial,
                                to_string(from), to_string(to), to_string(from), allowed));
}

const std::vector<TokenReportMove>& token_reports() {
  using T = TokenState;
  using R = TokenReport;
  static const std::vector<TokenReportMove> reports{
      {R::suspend, T::active, T::suspended}, {R::suspend, T::locked, T::suspended},
      {R::found, T::suspended, T::active},   {R::lost, T::suspended, T::lost},
      {R::lost, T::active, T::lost},         {R::lost, T::locked, T::lost},
  };
  return reports;
}

const char* to_string(TokenReport r) {
  switch (r) {
    case TokenReport::suspend: return tr_noop_ctx("report", "suspend");
    case TokenReport::found: return tr_noop_ctx("report", "found");
    case TokenReport::lost: return tr_noop_ctx("report", "lost");
  }
  return "?";
}

std::optional<TokenState> token_report_target(TokenState from, TokenReport report) {
  for (const auto& m : token_reports())
    if (m.report == report && m.from == from) {
      // Every report is also a move of the token table (one source of truth for the states).
      if (!token_move_allowed(m.from, m.to)) return std::nullopt;
      return m.to;
    }
  return std::nullopt;
}

std::vector<TokenReport> reports_allowed(TokenState from) {
  std::vector<TokenReport> out;
  for (TokenReport r : {TokenReport::suspend, TokenReport::found, TokenReport::lost})
    if (token_report_target(from, r)) out.push_back(r);
  return out;
}

TokenState require_token_report(const std::string& serial, TokenState from, TokenReport report) {
  if (std::optional<TokenState> to = token_report_target(from, report)) return *to;
  std::string allowed;
  for (TokenReport r : reports_allowed(from)) {
    if (!allowed.empty()) allowed += ", ";
    allowed += tr_ctx("report", to_string(r));
  }
  if (allowed.empty()) allowed = tr("nothing");
  throw RuleRefused(codes::token_state_refused, "token-report",
                    msg(tr("Token {} is {}; it cannot be reported {}. A token in this state can only be reported: {}."),
                        serial, tr_ctx("state", to_string(from)), tr_ctx("report", to_string(report)), allowed));
}

}  // namespace certdesk::workflows
