#pragma once
// What the counter offers a teller to choose or type, one place for the window
// and the command line: the reissue reasons, the payment methods, and the
// amount as typed. Pure functions; no database, no token (any thread). Light on
// purpose (workflows and common only), so forms/ may include it.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace certdesk::desk {

// The reasons a reissue names (ServiceRequest::reason, the fee schedule's
// items), in the order the window offers them: lost, damaged_customer, damaged_quality.
// The list itself: workflows::reissue_reasons() (workflows/choices.h).
const std::vector<const char*>& reissue_reasons();

// The payment methods a teller takes (ServiceRequest::payment_method), in the
// window's order: cash, card, transfer.
// The list itself: workflows::payment_methods().
const std::vector<const char*>& payment_methods();

// The amount as a teller types it: "50", "50.0", "50.00", full-width digits
// and surrounding spaces allowed; integer fen. nullopt when it is not one.
// The parser itself: money::try_parse_yuan (common/money.h).
std::optional<std::int64_t> typed_amount_fen(std::string_view typed);

}  // namespace certdesk::desk
