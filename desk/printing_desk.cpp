#include "desk/printing_desk.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"
#include "db/repositories.h"
#include "desk/papers.h"
#include "printing/pdf.h"
#include "workflows/receipts.h"

namespace certdesk::desk {

namespace fs = std::filesystem;

namespace {

// Sends the archived PDF and words the outcome for the teller.
void send(AppContext& ctx, const printing::DocumentLayout& layout, const std::string& printer,
          std::chrono::milliseconds wait, PaperPrinted& out) {
  printing::PrintRequest request;
  request.pdf = out.pdf;
  request.printer = printer;
  request.paper = paper_setting(ctx);
  request.page_height_pt = layout.page_size().height;
  request.title = layout.title();
  request.wait = wait;
  out.result = printing::print_pdf(request);
  out.message = printing::describe(out.result);
  if (!out.result.ok()) out.message += " " + msg(tr("The document is archived as PDF: {}"), out.pdf.string());
}

std::string where(const printing::PrintResult& r) { return fmt::format("printer {} job {}", r.printer, r.job_id); }

}  // namespace

PaperPrinted print_receipt_to_printer(AppContext& ctx, const workflows::Actor& who, const std::string& receipt_no,
                                      const std::string& printer, std::chrono::milliseconds wait) {
  workflows::Receipts receipts(ctx.services());
  const db::Payment p = receipts.get(receipt_no);   // refuses an unknown number before anything is written
  PaperPrinted out;
  out.kind = PaperKind::receipt;
  out.number = receipt_no;
  printing::ReceiptData data = receipt_data(ctx, receipt_no);
  data.reprint = out.reprint = p.print_count > 0;
  const printing::ArchiveVariant variant = data.voided    ? printing::ArchiveVariant::voided()
                                           : data.reprint ? printing::ArchiveVariant::copy(int(p.print_count))
                                                          : printing::ArchiveVariant::original();
  out.pdf = printing::archive_path(ctx.paths().root, printing::ArchiveKind::receipt, receipt_no, variant);
  const printing::Paper paper = paper_setting(ctx);
  printing::write_receipt_pdf(data, paper, out.pdf);
  send(ctx, printing::layout_receipt(data, paper), printer, wait, out);
  if (out.result.ok()) {
    // Counted only once it is on paper: a failed job leaves the next print the original.
    receipts.record_print(who, receipt_no, where(out.result));
    out.journaled = true;
  }
  return out;
}

PaperPrinted print_slip_to_printer(AppContext& ctx, const workflows::Actor& who, db::Id order_id,
                                   const std::string& printer, std::chrono::milliseconds wait) {
  PaperPrinted out;
  out.kind = PaperKind::slip;
  out.number = fmt::format("{:06}", order_id);
  printing::HandoverSlipData data = slip_data(ctx, order_id);   // RuleRefused(not_found)
  out.pdf = printing::archive_path(ctx.paths().root, printing::ArchiveKind::slip, out.number);
  const printing::Paper paper = paper_setting(ctx);
  printing::write_slip_pdf(data, paper, out.pdf);
  send(ctx, printing::layout_slip(data, paper), printer, wait, out);
  if (out.result.ok()) {
    ctx.journal().append({.staff = who.name, .action = "slip.printed", .order_id = order_id,
                          .token_serial = data.token_serial, .details = where(out.result)},
                         ctx.clock().now());
    out.journaled = true;
  }
  return out;
}

}  // namespace certdesk::desk
