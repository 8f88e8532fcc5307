#pragma once
// The printed documents of an order, filled from the database (printing/ knows
// no database): the receipt and the handover slip, archived as PDF in the data
// folder. Shared by the window and the CLI.

#include <filesystem>
#include <optional>
#include <string>

#include "app/context.h"
#include "printing/documents.h"
#include "printing/layout.h"
#include "workflows/staff.h"

namespace certdesk::app {

// "cash" → 现金 …; unknown methods print as they are.
const char* payment_method_label(const std::string& method);
// "110105********002X": region and the last four, never the whole number.
std::string mask_id_number(const std::string& id);

// Throws RuleRefused(not_found).
printing::ReceiptData receipt_data(AppContext& ctx, const std::string& receipt_no);
printing::HandoverSlipData slip_data(AppContext& ctx, db::Id order_id);

// The paper size setting ("paper": a5 | a4 | roll80; A5 when unset).
printing::Paper paper_setting(AppContext& ctx);

// Records the printing (journaled; 重印 when it is not the first) and writes the
// PDF to `out`, or to the archive when out is empty, on `paper` (the setting
// when not given). Returns the path written.
std::filesystem::path print_receipt(AppContext& ctx, const workflows::Actor& who, const std::string& receipt_no,
                                    const std::filesystem::path& out = {},
                                    std::optional<printing::Paper> paper = std::nullopt);
// Archives the order's receipt (when it has one) and handover slip after the order completed.
void archive_order_documents(AppContext& ctx, const workflows::Actor& who, db::Id order_id);

}  // namespace certdesk::app
