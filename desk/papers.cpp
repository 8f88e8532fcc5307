#include "desk/papers.h"

#include <fmt/format.h>

#include <future>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/i18n.h"
#include "common/safe_output.h"
#include "common/text.h"
#include "db/repositories.h"
#include "db/staff_logins.h"
#include "printing/pdf.h"
#include "workflows/receipts.h"
#include "workflows/request.h"

namespace certdesk::desk {

namespace {
// The name printed for a member of staff (收款人, 经办柜员): their display name
// when an admin gave one (SPEC §1), else the login name; "" for no such person.
std::string shown_staff_name(AppContext& ctx, db::Id staff_id) {
  auto t = db::Staff(ctx.db()).by_id(staff_id);
  if (!t) return {};
  if (auto l = db::StaffLogins(ctx.db()).of(t->id); l && !l->display_name.empty()) return l->display_name;
  return t->name;
}
}  // namespace

namespace fs = std::filesystem;

const char* payment_method_label(const std::string& method) {
  if (method == "cash") return "现金";
  if (method == "card") return "银行卡";
  if (method == "transfer") return "银行转账";
  if (method == "waived") return "减免";
  return method.c_str();
}

std::string mask_id_number(const std::string& id) {
  if (id.size() < 10) return std::string(id.size(), '*');
  return id.substr(0, 6) + std::string(id.size() - 10, '*') + id.substr(id.size() - 4);
}

namespace {
std::string local(AppContext& ctx, const std::string& iso) {
  if (iso.empty()) return "";
  return text::local_time(text::parse_iso_utc(iso), ctx.config().utc_offset_minutes);
}
std::string order_no(db::Id id) { return fmt::format("{:06}", id); }
}  // namespace

printing::ReceiptData receipt_data(AppContext& ctx, const std::string& receipt_no) {
  workflows::Receipts receipts(ctx.services());
  db::Payment p = receipts.get(receipt_no);
  printing::ReceiptData r;
  r.receipt_no = p.receipt_no;
  r.branch_name = ctx.config().branch_name;
  r.payer = p.payer;
  if (auto o = db::Orders(ctx.db()).by_id(p.order_id); o && o->organisation_id)
    if (auto org = db::Organisations(ctx.db()).by_id(*o->organisation_id)) r.payer_uscc = org->uscc;
  r.lines.push_back({p.item, p.quantity, p.unit_fen, p.quantity * p.unit_fen});
  if (r.lines[0].amount_fen != p.amount_fen) r.lines[0] = {p.item, 1, p.amount_fen, p.amount_fen};
  r.total_fen = p.amount_fen;
  r.payment_method = payment_method_label(p.method);
  r.payee = ctx.config().branch_name;
  r.teller = shown_staff_name(ctx, p.teller_id);
  r.issued_at = local(ctx, p.created_utc);
  r.order_no = order_no(p.order_id);
  r.journal_hash = p.journal_hash;
  if (!p.invoice_no.empty()) r.invoice_no = p.invoice_no;
  r.voided = p.status == "voided";
  r.void_reason = p.void_reason;
  if (p.voided_by)
    if (auto s = db::Staff(ctx.db()).by_id(*p.voided_by)) r.voided_by = s->name;
  r.reprint = p.print_count > 0;
  return r;
}

printing::HandoverSlipData slip_data(AppContext& ctx, db::Id order_id) {
  auto o = db::Orders(ctx.db()).by_id(order_id);
  if (!o) throw RuleRefused(codes::not_found, "order", fmt::format(fmt::runtime(tr("There is no order {}.")), order_id));
  printing::HandoverSlipData s;
  s.order_no = order_no(o->id);
  s.flow = workflows::business_type_label(workflows::flow_from(o->flow));
  s.branch_name = ctx.config().branch_name;
  if (o->organisation_id)
    if (auto org = db::Organisations(ctx.db()).by_id(*o->organisation_id)) {
      s.organisation = org->name;
      s.uscc = org->uscc;
    }
  if (o->handler_id)
    if (auto h = db::Organisations(ctx.db()).handler(*o->handler_id)) {
      s.handler_name = h->name;
      s.handler_id_masked = mask_id_number(h->id_number);
    }
  s.token_serial = o->token_serial;
  if (auto t = db::Tokens(ctx.db()).by_serial(o->token_serial)) s.token_vendor = t->vendor;
  nlohmann::json d = nlohmann::json::parse(o->data_json.empty() ? "{}" : o->data_json, nullptr, false);
  std::string cert = d.is_object() ? d.value("cert_serial", "") : "";
  if (auto c = db::Certificates(ctx.db()).by_serial(cert)) {
    s.certificate_serial = c->serial;
    s.certificate_subject = c->subject;
    int off = ctx.config().utc_offset_minutes;
    s.valid_from = text::local_time(Seconds(std::chrono::seconds(c->not_before)), off);
    s.valid_to = text::local_time(Seconds(std::chrono::seconds(c->not_after)), off);
  }
  workflows::Flow flow = workflows::flow_from(o->flow);
  if (flow == workflows::Flow::cancel)
    s.items_returned.push_back("USBKEY 1 个（证书已注销）");
  else if (!cert.empty())
    s.items_returned.push_back("USBKEY 1 个（已写入证书，口令已由客户本人设置）");
  else
    s.items_returned.push_back("USBKEY 1 个");
  s.items_returned.push_back("申请材料复印件已留存");
  if (d.is_object() && !d.value("notes", "").empty())
    s.notes.push_back("此前签发给本单位的证书均已作废，其任何备份均不可再用。");
  s.notes.push_back("USBKEY 口令连续输错 10 次将被锁定，请携带材料到柜台解锁。");
  for (const auto& p : db::Payments(ctx.db()).of_order(o->id))
    if (p.status == "issued") s.receipt_no = p.receipt_no;
  s.teller = shown_staff_name(ctx, o->staff_id);
  s.issued_at = local(ctx, o->updated_utc);
  return s;
}

printing::Paper paper_setting(AppContext& ctx) {
  return printing::parse_paper(db::Settings(ctx.db()).get_or("paper", "a5"));
}

fs::path print_receipt(AppContext& ctx, const workflows::Actor& who, const std::string& receipt_no, const fs::path& out,
                       std::optional<printing::Paper> paper_choice) {
  const printing::Paper paper = paper_choice.value_or(paper_setting(ctx));
  workflows::Receipts receipts(ctx.services());
  const db::Payment p = receipts.get(receipt_no);   // refuses an unknown number before anything is recorded
  // A path a person named: refused inside the data folder, a device, a missing folder (issue 13.2).
  fs::path path = out.empty() ? fs::path() : output::check_output_path(out, ctx.paths().root);
  printing::ReceiptData data = receipt_data(ctx, receipt_no);
  data.reprint = p.print_count > 0;
  if (path.empty()) {
    printing::ArchiveVariant v = data.voided    ? printing::ArchiveVariant::voided()
                                 : data.reprint ? printing::ArchiveVariant::copy(int(p.print_count))
                                                : printing::ArchiveVariant::original();
    path = printing::archive_path(ctx.paths().root, printing::ArchiveKind::receipt, receipt_no, v);
  }
  // The printing is journaled only once its file is complete (issue 13.3): a
  // failed write records nothing, and printing again makes the same paper.
  output::write_file_atomically(path, printing::render_pdf(printing::layout_receipt(data, paper)), output::Content::pdf);
  receipts.record_print(who, receipt_no);
  return path;
}

ArchivedPapers archive_order_documents(AppContext& ctx, const workflows::Actor& who, db::Id order_id) {
  ArchivedPapers out;
  // The slip is laid out and rendered on a worker while this thread writes the receipt
  // and journals its printing (issue 14.8): cairo's finish (subsetting the fonts,
  // deflating the streams) runs outside the pango lock, and the receipt's fsyncs leave
  // the CPU to the slip. The worker touches no database: its data is read here first.
  const printing::HandoverSlipData slip = slip_data(ctx, order_id);
  const printing::Paper paper = paper_setting(ctx);
  out.slip = printing::archive_path(ctx.paths().root, printing::ArchiveKind::slip, fmt::format("{:06}", order_id));
  std::future<std::string> slip_pdf =
      std::async(std::launch::async, [&slip, paper] { return printing::render_pdf(printing::layout_slip(slip, paper)); });
  for (const auto& p : db::Payments(ctx.db()).of_order(order_id))
    if (p.status == "issued" && p.print_count == 0) out.receipt = print_receipt(ctx, who, p.receipt_no);
  output::write_file_atomically(out.slip, slip_pdf.get(), output::Content::pdf);
  return out;
}

}  // namespace certdesk::desk
