// The desk's counter tasks of issue 14 points 3 and 4 (desk.h, block "counter
// tasks"): receipts found by number or customer, a teller's void approved by a
// supervisor, a token's record, printing to a real printer and the
// workstation's remembered printer.
#include <algorithm>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "desk/desk.h"
#include "pki/softhsm.h"
#include "workflows/receipts.h"

namespace certdesk::desk {

namespace fs = std::filesystem;

namespace {

// The approval typed into the window's own void dialog.
// Given once: a second ask gets nothing (a cancelled approval).
struct GivenApproval final : workflows::ApprovalPrompt {
  std::optional<workflows::ApprovalCredentials> given;
  explicit GivenApproval(workflows::ApprovalCredentials g) : given(std::move(g)) {}
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override {
    std::optional<workflows::ApprovalCredentials> out = std::move(given);
    given.reset();
    return out;
  }
};

}  // namespace

PaperPrinted Desk::print_receipt_to(const workflows::Actor& who, const std::string& receipt_no, const std::string& printer) {
  return print_receipt_to_printer(ctx_, who, receipt_no, printer);
}

PaperPrinted Desk::print_slip_to(const workflows::Actor& who, db::Id order_id, const std::string& printer) {
  return print_slip_to_printer(ctx_, who, order_id, printer);
}

printing::PrinterList Desk::printers() { return printing::list_printers(); }

std::string Desk::remembered_printer() { return db::Settings(ctx_.db()).get_or(kPrinterSetting, ""); }

void Desk::remember_printer(const std::string& name) {
  std::string checked = text::checked(tr("printer"), name, 127, false);
  db::Settings(ctx_.db()).set(kPrinterSetting, checked);
}

std::vector<db::Payment> Desk::find_receipts(const std::string& raw) {
  const std::string text = text::checked(tr("receipt number or customer"), raw, 100, false);
  std::vector<db::Payment> out;
  if (text.empty()) return out;
  db::Payments payments(ctx_.db());
  if (auto p = payments.by_receipt_no(text)) out.push_back(*p);
  db::Orders orders(ctx_.db());
  for (const auto& org : db::Organisations(ctx_.db()).search(text, 20))
    for (const auto& o : orders.of_organisation(org.id))
      for (auto& p : payments.of_order(o.id))
        if (out.empty() || p.receipt_no != out.front().receipt_no) out.push_back(std::move(p));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_utc > b.created_utc; });
  if (out.size() > 100) out.resize(100);
  return out;
}

fs::path Desk::void_receipt_approved(const workflows::Actor& requester,
                                     std::optional<workflows::ApprovalCredentials> supervisor,
                                     const std::string& receipt_no, const std::string& reason) {
  if (!supervisor) return void_receipt(requester, receipt_no, reason);   // the supervisor at the counter
  const db::Payment p = workflows::Receipts(ctx_.services()).get(receipt_no);
  GivenApproval given(std::move(*supervisor));
  workflows::Approval ok = ctx_.staff().approve(requester, given, msg(tr("void receipt {}"), receipt_no), p.order_id);
  return void_receipt(ok.supervisor, receipt_no, reason);
}

std::optional<db::TokenRecord> Desk::token_record(const std::string& serial) {
  return db::Tokens(ctx_.db()).by_serial(text::trim(serial));
}

bool Desk::embedded_token_store() { return ctx_.module_path() == pki::softhsm::default_module; }

}  // namespace certdesk::desk
