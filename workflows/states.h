#pragma once
// The two state machines of SPEC §2, each one table used by the GUI, the CLI
// and the checks alike. A move not in its table is refused.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certdesk::workflows {

// ---- service orders ----------------------------------------------------------
// draft → documents_checked → paid → token_done → handed_over → completed,
// or cancelled / failed.
enum class OrderState { draft, documents_checked, paid, token_done, handed_over, completed, cancelled, failed };

const char* to_string(OrderState s);
// Throws InputError for an unknown name (a damaged row).
OrderState order_state_from(std::string_view name);
// The same without throwing: nothing for a name that is not an order state.
std::optional<OrderState> find_order_state(std::string_view name);
bool is_final(OrderState s);
bool order_move_allowed(OrderState from, OrderState to);
// Throws RuleRefused(illegal_transition) naming both states when the move is not allowed.
void require_order_move(OrderState from, OrderState to);

// ---- tokens --------------------------------------------------------------------
// blank → active ⇄ locked; active → suspended (reported temporarily lost) →
// active (found) or lost; lost, damaged, retired (replaced or cancelled).
enum class TokenState { blank, active, locked, suspended, lost, damaged, retired };

const char* to_string(TokenState s);
TokenState token_state_from(std::string_view name);

// One allowed move and why it happens (the event names the flow step).
struct TokenMove {
  TokenState from;
  TokenState to;
  const char* event;
};

// The whole table, for documentation, the GUI and tests.
const std::vector<TokenMove>& token_moves();
bool token_move_allowed(TokenState from, TokenState to);
// Throws RuleRefused(token_state_refused) naming the token, both states and what is allowed from `from`.
void require_token_move(const std::string& serial, TokenState from, TokenState to);

// Reports about a token outside an order (SPEC §2): suspended when reported
// temporarily lost, found again (only a suspended token: an active one was
// never missing), or confirmed lost. Each report is a row of its own table:
// active → active is a PIN reset, not a "found".
enum class TokenReport { suspend, found, lost };
struct TokenReportMove {
  TokenReport report;
  TokenState from;
  TokenState to;
};
const std::vector<TokenReportMove>& token_reports();
const char* to_string(TokenReport r);
// The state a report moves a token in `from` to; nothing when it does not apply.
std::optional<TokenState> token_report_target(TokenState from, TokenReport report);
// The reports a token in `from` may receive (what the window offers).
std::vector<TokenReport> reports_allowed(TokenState from);
// Throws RuleRefused(token_state_refused) naming the token, its state and the
// reports it may receive; returns the state the report moves it to.
TokenState require_token_report(const std::string& serial, TokenState from, TokenReport report);

}  // namespace certdesk::workflows
