#include "app/gui_model.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <wx/intl.h>
#include <wx/translation.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/day_close.h"
#include "pki/softhsm.h"
#include "workflows/day.h"
#include "workflows/states.h"

namespace certdesk::app {

namespace fs = std::filesystem;

namespace {

std::string day_of(const std::string& iso) { return iso.substr(0, 10); }

// A stored UTC time ("2026-11-22T03:14:00Z" or Unix seconds) as the branch reads it (issue 14.5).
std::string local_of(std::int64_t unix_seconds, const workflows::CounterConfig& config) {
  return desk::local_time(unix_seconds, config);
}
std::string local_of(const std::string& iso_utc, const workflows::CounterConfig& config) {
  if (iso_utc.empty()) return {};
  try {
    return local_of(text::parse_iso_utc(iso_utc).time_since_epoch().count(), config);
  } catch (const Error&) {
    return iso_utc;   // not a time we wrote: shown as stored
  }
}


// SoftHSM2 reads its token folder only in C_Initialize: reload the module when
// the folder changed since `store_signature_` (a token inserted by certdesk-cli
// from another terminal, or by the demo action).
void refresh_soft_store(desk::AppContext& ctx_, std::string& store_signature_) {
  if (ctx_.module_path() != pki::softhsm::default_module) return;
  std::string sig;
  std::error_code ec;
  std::vector<std::string> parts;
  for (const auto& e : fs::directory_iterator(ctx_.paths().softhsm() / "tokens", ec)) {
    struct stat st {};
    std::string obj = (e.path() / "token.object").string();
    long long m = ::stat(obj.c_str(), &st) == 0 ? static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec : 0;
    parts.push_back(e.path().filename().string() + ":" + std::to_string(m));
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) sig += p + ";";
  bool first = store_signature_.empty();
  if (sig == store_signature_) return;
  store_signature_ = sig;
  if (!first) ctx_.tokens().module()->reload();
}

}  // namespace

// ---- GuiAdminModel ---------------------------------------------------------------------

void GuiAdminModel::logout() { desk_.logout(admin_); }

std::vector<forms::StaffRow> GuiAdminModel::staff() {
  std::vector<forms::StaffRow> out;
  db::StaffTokens tokens(ctx_.db());
  for (const auto& v : desk_.list_staff(admin_)) {
    forms::StaffRow r{v.name, v.display_name, v.role, v.active, v.failed_logins, local_of(v.locked_until, ctx_.config()), ""};
    if (auto t = tokens.active_of(v.id)) r.signing_token = t->token_serial;
    out.push_back(std::move(r));
  }
  return out;
}

void GuiAdminModel::add_staff(const std::string& name, workflows::Role role, const Secret& password) {
  desk_.add_staff(admin_, name, role, password);
}

void GuiAdminModel::set_enabled(const std::string& name, bool enabled) { desk_.set_staff_enabled(admin_, name, enabled); }

void GuiAdminModel::reset_password(const std::string& name, const Secret& password) {
  desk_.reset_password(admin_, name, password);
}

void GuiAdminModel::unlock(const std::string& name) { desk_.unlock_staff(admin_, name); }

void GuiAdminModel::enrol_token(const std::string& name, const std::string& serial, const Secret& pin) {
  desk_.enroll_staff_token(admin_, name, serial, pin);
}

std::vector<std::string> GuiAdminModel::blank_tokens() {
  refresh_soft_store(ctx_, store_signature_);
  std::vector<std::string> out;
  // Factory-blank as the counter offers them: initialised with the transport SO
  // PIN, no user PIN yet, and nothing on record (or recorded blank).
  for (const auto& t : desk_.tokens())
    if (t.token.initialized && !t.token.user_pin_initialized && (!t.record || t.record->state == "blank"))
      out.push_back(t.token.serial);
  return out;
}

std::vector<forms::FeeRow> GuiAdminModel::fees() {
  std::vector<forms::FeeRow> out;
  for (const auto& f : desk_.fees()) out.push_back({f.item, f.description, f.amount_fen});
  return out;
}

void GuiAdminModel::set_fee(const std::string& item, std::int64_t amount_fen) { desk_.set_fee(admin_, item, amount_fen); }

std::vector<forms::SettingRow> GuiAdminModel::settings() {
  std::vector<forms::SettingRow> out;
  for (auto& [key, value] : desk_.settings()) out.push_back({key, value, desk::is_editable_setting(key)});
  return out;
}

void GuiAdminModel::set_setting(const std::string& key, const std::string& value) { desk_.set_setting(admin_, key, value); }

// ---- GuiCounterModel ------------------------------------------------------------------------

workflows::Actor GuiCounterModel::login(const std::string& name, const Secret& password) {
  workflows::Actor who = desk_.login(name, password, "certdesk");
  // Papers of an order completed just before a crash (the archive runs after the
  // 完成 page, issue 14.8) are written now, once. A failure leaves them for the
  // next login or the receipts dialog's print; the login itself stands.
  try {
    for (db::Id id : desk_.archive_missing_papers(who))
      std::cerr << "certdesk: " << msg(tr("Papers of order {} archived (they were missing)."), id) << "\n";
  } catch (const Error& e) {
    std::cerr << "certdesk: " << e.what() << "\n";
  }
  return who;
}

void GuiCounterModel::logout(const workflows::Actor& who) { desk_.logout(who); }

void GuiCounterModel::refresh_soft_store() { app::refresh_soft_store(ctx_, store_signature_); }

std::vector<forms::TokenRow> GuiCounterModel::tokens() {
  refresh_soft_store();
  std::vector<forms::TokenRow> out;
  for (auto& t : desk_.tokens()) {
    forms::TokenRow row;
    row.token = std::move(t.token);
    if (t.record) row.record_state = t.record->state;
    if (t.newest_valid) {
      row.cert_serial = t.newest_valid->serial;
      row.cert_subject = t.newest_valid->subject;
      row.not_after = t.newest_valid->not_after;
      row.days_left = t.days_left;
      row.expired = t.expired;
      row.in_renewal_window = t.in_renewal_window;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<forms::CustomerRow> GuiCounterModel::find_customers(const std::string& text) {
  std::vector<forms::CustomerRow> out;
  for (const auto& c : desk_.find_customers(text)) {
    forms::CustomerRow r{c.organisation.id, c.organisation.name, c.organisation.uscc};
    if (c.last_handler) {
      r.handler_name = c.last_handler->name;
      r.handler_id_number = c.last_handler->id_number;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<forms::HistoryRow> GuiCounterModel::history(std::int64_t organisation_id) {
  std::vector<forms::HistoryRow> out;
  desk::CustomerRecords records = desk_.customer_records(organisation_id);
  for (const auto& o : records.orders) {
    workflows::Flow f = workflows::flow_from(o.flow);
    out.push_back({tr_noop_ctx("kind", "order"), local_of(o.created_utc, ctx_.config()), fmt::format("#{} {}", o.id, tr(workflows::business_type_label(f))), o.state});
  }
  for (const auto& c : records.certificates)
    out.push_back({tr_noop_ctx("kind", "certificate"), local_of(c.not_before, ctx_.config()),
                   fmt::format("{} → {}", c.serial.substr(0, 12), day_of(local_of(c.not_after, ctx_.config()))),
                   c.status == "revoked" ? tr_noop_ctx("state", "revoked") : tr_noop_ctx("state", "valid")});
  for (const auto& t : records.tokens)
    out.push_back({tr_noop_ctx("kind", "token"), local_of(t.updated_utc, ctx_.config()), t.serial, t.state});
  return out;
}

std::vector<forms::UnfinishedRow> GuiCounterModel::unfinished() {
  std::vector<forms::UnfinishedRow> out;
  for (const auto& o : desk_.orders(true))
    out.push_back({o.id, o.flow, o.state, workflows::step_label(o.step), o.token_serial, local_of(o.updated_utc, ctx_.config())});
  return out;
}

workflows::FeeQuote GuiCounterModel::quote(workflows::Flow flow, const std::string& reason) { return desk_.quote(flow, reason); }

workflows::OrderResult GuiCounterModel::run_flow(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                                                 workflows::Prompts prompts, bool hand_over) {
  return desk_.run_order(teller, request, prompts, hand_over).result;
}

workflows::OrderResult GuiCounterModel::hand_over(const workflows::Actor& teller, std::int64_t order_id) {
  return desk_.hand_over(teller, order_id, desk::Papers::later).result;   // the page calls archive_papers
}

void GuiCounterModel::archive_papers(const workflows::Actor& who, std::int64_t order_id) {
  desk_.archive_papers(who, order_id);
}

workflows::OrderResult GuiCounterModel::resume(const workflows::Actor& teller, std::int64_t order_id,
                                               workflows::Prompts prompts) {
  return desk_.resume_order(teller, order_id, prompts, true).result;
}

workflows::OrderResult GuiCounterModel::roll_back(const workflows::Actor& teller, std::int64_t order_id,
                                                  workflows::Prompts prompts) {
  return desk_.roll_back_order(teller, order_id, prompts).result;
}

printing::ReceiptData GuiCounterModel::receipt(const std::string& receipt_no) { return desk_.receipt(receipt_no); }

printing::HandoverSlipData GuiCounterModel::slip(std::int64_t order_id) { return desk_.slip(order_id); }

printing::Paper GuiCounterModel::paper() { return desk_.paper(); }

void GuiCounterModel::record_print(const workflows::Actor& who, const std::string& receipt_no) {
  desk_.record_print(who, receipt_no);
}

std::string GuiCounterModel::insert_blank_token() {
  std::string serial = desk_.insert_blank_token();
  store_signature_.clear();   // insert_blank reloaded the module already
  return serial;
}

std::string GuiCounterModel::today() const { return desk::business_day(ctx_.clock().now(), ctx_.config()); }

std::string GuiCounterModel::branch() const { return ctx_.config().branch; }

std::string GuiCounterModel::local_time(std::int64_t unix_seconds) const {
  return desk::local_time(unix_seconds, ctx_.config());
}

// ---- counter tasks -------------------------------------------------------------------

namespace {

forms::PaperPrint paper_print(const desk::PaperPrinted& p) {
  return {p.ok(), p.kind == desk::PaperKind::receipt ? "receipt" : "slip", p.number, p.result.printer, p.result.job_id,
          p.reprint, p.pdf, p.message};
}

desk::TokenReport desk_report(workflows::TokenReport r) {
  switch (r) {
    case workflows::TokenReport::suspend: return desk::TokenReport::suspend;
    case workflows::TokenReport::found: return desk::TokenReport::found;
    case workflows::TokenReport::lost: return desk::TokenReport::lost;
  }
  return desk::TokenReport::suspend;
}

}  // namespace

forms::PrinterChoice GuiCounterModel::printers() { return {desk_.printers(), desk_.remembered_printer()}; }

void GuiCounterModel::remember_printer(const std::string& name) { desk_.remember_printer(name); }

forms::PaperPrint GuiCounterModel::print_receipt(const workflows::Actor& who, const std::string& receipt_no,
                                                 const std::string& printer) {
  return paper_print(desk_.print_receipt_to(who, receipt_no, printer));
}

forms::PaperPrint GuiCounterModel::print_slip(const workflows::Actor& who, std::int64_t order_id, const std::string& printer) {
  return paper_print(desk_.print_slip_to(who, order_id, printer));
}

workflows::OrderResult GuiCounterModel::resume_and_print(const workflows::Actor& teller, std::int64_t order_id,
                                                         workflows::Prompts prompts, const std::string& printer,
                                                         std::vector<forms::PaperPrint>& prints) {
  workflows::OrderResult r = desk_.resume_order(teller, order_id, prompts, false).result;
  if (r.waiting || r.state != workflows::OrderState::token_done) return r;
  // The customer is back at the counter: their papers come out before they leave.
  if (!r.receipt_no.empty()) prints.push_back(print_receipt(teller, r.receipt_no, printer));
  prints.push_back(print_slip(teller, order_id, printer));
  return desk_.hand_over(teller, order_id).result;
}

std::vector<forms::ReceiptRow> GuiCounterModel::find_receipts(const std::string& text) {
  std::vector<forms::ReceiptRow> out;
  for (const auto& p : desk_.find_receipts(text)) {
    forms::ReceiptRow r;
    r.receipt_no = p.receipt_no;
    r.order_id = p.order_id;
    r.payer = p.payer;
    r.item = p.item;
    r.amount_fen = p.amount_fen;
    r.method = desk::payment_method_label(p.method);
    printing::ReceiptData d = desk_.receipt(p.receipt_no);
    r.teller = d.teller;
    r.issued_at = d.issued_at;
    r.voided = p.status == "voided";
    r.void_reason = p.void_reason;
    r.print_count = p.print_count;
    out.push_back(std::move(r));
  }
  return out;
}

std::filesystem::path GuiCounterModel::void_receipt(const workflows::Actor& who,
                                                    std::optional<workflows::ApprovalCredentials> supervisor,
                                                    const std::string& receipt_no, const std::string& reason) {
  return desk_.void_receipt_approved(who, std::move(supervisor), receipt_no, reason);
}

forms::TokenRecordRow GuiCounterModel::token_record(const std::string& serial) {
  forms::TokenRecordRow row;
  row.serial = text::trim(serial);
  if (auto rec = desk_.token_record(row.serial)) {
    row.on_record = true;
    row.state = rec->state;
    row.allowed = workflows::reports_allowed(workflows::token_state_from(rec->state));
  }
  return row;
}

std::string GuiCounterModel::report_token(const workflows::Actor& who, workflows::TokenReport report,
                                          const std::string& serial, const std::string& reason) {
  return desk_.report_token(who, desk_report(report), text::trim(serial), reason);
}

forms::IssuedCodeRow GuiCounterModel::issue_unlock_code(const workflows::Actor& supervisor, const std::string& serial,
                                                        int valid_hours) {
  workflows::IssuedCode c = desk_.issue_unlock_code(supervisor, text::trim(serial), valid_hours);
  return {c.code, c.token_serial, desk::local_time(text::parse_iso_utc(c.expires_utc).time_since_epoch().count(), ctx_.config())};
}

void GuiCounterModel::redeem_unlock_code(const workflows::Actor& teller, const std::string& serial, const Secret& code,
                                         workflows::PinPrompt& pins) {
  desk_.redeem_unlock_code(teller, text::trim(serial), code, pins);
}

std::string install_translations() {
  std::string lang = init_language(CERTDESK_LOCALEDIR);
  auto* t = new wxTranslations;
  wxTranslations::Set(t);
  if (lang == "zh_CN") {
    wxFileTranslationsLoader::AddCatalogLookupPathPrefix(wxString::FromUTF8(current_locale_dir()));
    t->SetLanguage("zh_CN");
    t->AddStdCatalog();
    t->AddCatalog("certdesk");
  } else {
    t->SetLanguage(wxLANGUAGE_ENGLISH_US);
  }
  return lang;
}

}  // namespace certdesk::app
