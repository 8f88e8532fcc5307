#pragma once
// The printed papers of an order, filled from the database (printing/ knows
// no database): the receipt and the handover slip, archived as PDF in the data
// folder. Used through the desk (desk/desk.h). Every function here reads the
// database; those that write a PDF block on the disk.

#include <filesystem>
#include <optional>
#include <string>

#include "desk/context.h"
#include "printing/document_data.h"
#include "printing/layout.h"
#include "workflows/staff.h"

namespace certdesk::desk {

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
// What a finished order left in the archive (empty paths when nothing was written).
struct ArchivedPapers {
  std::filesystem::path receipt;   // empty when the order has no receipt or it was printed already
  std::filesystem::path slip;
};

// Archives the order's receipt (its first printing, when it has one not yet
// printed) and handover slip after the order completed.
ArchivedPapers archive_order_documents(AppContext& ctx, const workflows::Actor& who, db::Id order_id);

}  // namespace certdesk::desk
