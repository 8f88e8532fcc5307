#include "app/gui_model.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <wx/intl.h>
#include <wx/translation.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "app/documents.h"
#include "db/repositories.h"
#include "pki/softhsm.h"
#include "workflows/day.h"
#include "workflows/flows.h"
#include "workflows/receipts.h"
#include "workflows/states.h"

namespace certdesk::app {

namespace fs = std::filesystem;

namespace {

struct NoPins final : workflows::PinPrompt {
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override { return std::nullopt; }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return std::nullopt; }
};
struct NoApproval final : workflows::ApprovalPrompt {
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override { return std::nullopt; }
};

std::string day_of(const std::string& iso) { return iso.substr(0, 10); }

}  // namespace

workflows::Actor GuiCounterModel::login(const std::string& name, const Secret& password) {
  return ctx_.staff().login(name, password, "certdesk");
}

void GuiCounterModel::logout(const workflows::Actor& who) { ctx_.staff().logout(who); }

void GuiCounterModel::refresh_soft_store() {
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

std::vector<forms::TokenRow> GuiCounterModel::tokens() {
  PkiTokenPort& port = ctx_.tokens();
  refresh_soft_store();
  std::vector<forms::TokenRow> out;
  db::Tokens records(ctx_.db());
  db::Certificates certs(ctx_.db());
  const auto& cfg = ctx_.config();
  const std::int64_t now = ctx_.clock().now().time_since_epoch().count();
  for (auto& t : port.list()) {
    if (t.label == kCaTokenLabel || t.serial.empty()) continue;   // the CA's own token; SoftHSM2's free slot
    forms::TokenRow row;
    row.token = t;
    if (auto rec = records.by_serial(t.serial)) row.record_state = rec->state;
    const db::CertificateRecord* best = nullptr;
    auto on = certs.on_token(t.serial);
    for (const auto& c : on)
      if (c.status == "valid" && (!best || c.not_after > best->not_after)) best = &c;
    if (best) {
      row.cert_serial = best->serial;
      row.cert_subject = best->subject;
      row.not_after = best->not_after;
      std::int64_t left = best->not_after - now;
      row.days_left = static_cast<int>(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
      row.expired = left < 0;
      row.in_renewal_window = now >= best->not_after - std::int64_t(cfg.renewal_opens_days_before) * 86400 &&
                              now <= best->not_after + std::int64_t(cfg.renewal_closes_days_after) * 86400;
    }
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.token.serial < b.token.serial; });
  return out;
}

std::vector<forms::CustomerRow> GuiCounterModel::find_customers(const std::string& text) {
  db::Organisations orgs(ctx_.db());
  std::vector<forms::CustomerRow> out;
  for (const auto& o : orgs.search(text, 20)) {
    forms::CustomerRow r{o.id, o.name, o.uscc};
    auto handlers = orgs.handlers_of(o.id);
    if (!handlers.empty()) {
      r.handler_name = handlers.back().name;
      r.handler_id_number = handlers.back().id_number;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<forms::HistoryRow> GuiCounterModel::history(std::int64_t organisation_id) {
  std::vector<forms::HistoryRow> out;
  for (const auto& o : db::Orders(ctx_.db()).of_organisation(organisation_id)) {
    workflows::Flow f = workflows::flow_from(o.flow);
    out.push_back({tr_noop_ctx("kind", "order"), day_of(o.created_utc), fmt::format("#{} {}", o.id, tr(workflows::business_type_label(f))), o.state});
  }
  for (const auto& c : db::Certificates(ctx_.db()).of_organisation(organisation_id))
    out.push_back({tr_noop_ctx("kind", "certificate"), day_of(text::iso_utc(Seconds(std::chrono::seconds(c.not_before)))),
                   fmt::format("{} → {}", c.serial.substr(0, 12), day_of(text::iso_utc(Seconds(std::chrono::seconds(c.not_after))))),
                   c.status == "revoked" ? tr_noop_ctx("state", "revoked") : tr_noop_ctx("state", "valid")});
  for (const auto& t : db::Tokens(ctx_.db()).of_organisation(organisation_id))
    out.push_back({tr_noop_ctx("kind", "token"), day_of(t.updated_utc), t.serial, t.state});
  return out;
}

std::vector<forms::UnfinishedRow> GuiCounterModel::unfinished() {
  std::vector<forms::UnfinishedRow> out;
  for (const auto& o : db::Orders(ctx_.db()).unfinished())
    out.push_back({o.id, o.flow, o.state, workflows::step_label(o.step), o.token_serial, o.updated_utc});
  return out;
}

workflows::FeeQuote GuiCounterModel::quote(workflows::Flow flow, const std::string& reason) {
  db::FeeSchedule schedule(ctx_.db());
  return workflows::quote(schedule, flow, reason);
}

workflows::OrderResult GuiCounterModel::run_flow(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                                                 workflows::Prompts prompts, bool hand_over) {
  workflows::Counter counter(ctx_.services(), ctx_.staff(), prompts);
  return workflows::Flows(counter).run(teller, request, hand_over);
}

workflows::OrderResult GuiCounterModel::hand_over(const workflows::Actor& teller, std::int64_t order_id) {
  auto order = db::Orders(ctx_.db()).by_id(order_id);
  if (!order) throw RuleRefused(codes::not_found, "order", fmt::format(fmt::runtime(tr("Order {} does not exist.")), order_id));
  NoPins pins;
  NoApproval approval;
  workflows::NoProgress progress;
  workflows::Counter counter(ctx_.services(), ctx_.staff(), {pins, approval, progress});
  counter.hand_over(*order, teller);
  return counter.book().result_of(*order);
}

workflows::OrderResult GuiCounterModel::resume(const workflows::Actor& teller, std::int64_t order_id,
                                               workflows::Prompts prompts) {
  workflows::Counter counter(ctx_.services(), ctx_.staff(), prompts);
  return workflows::Flows(counter).resume(teller, order_id, true);
}

workflows::OrderResult GuiCounterModel::roll_back(const workflows::Actor& teller, std::int64_t order_id,
                                                  workflows::Prompts prompts) {
  workflows::Counter counter(ctx_.services(), ctx_.staff(), prompts);
  return workflows::Flows(counter).rollback(teller, order_id);
}

printing::ReceiptData GuiCounterModel::receipt(const std::string& receipt_no) { return receipt_data(ctx_, receipt_no); }

printing::HandoverSlipData GuiCounterModel::slip(std::int64_t order_id) { return slip_data(ctx_, order_id); }

printing::Paper GuiCounterModel::paper() { return paper_setting(ctx_); }

void GuiCounterModel::record_print(const workflows::Actor& who, const std::string& receipt_no) {
  workflows::Receipts(ctx_.services()).record_print(who, receipt_no);
}

std::string GuiCounterModel::insert_blank_token() {
  std::string serial = ctx_.insert_blank_token("");
  store_signature_.clear();   // insert_blank reloaded the module already
  return serial;
}

std::string GuiCounterModel::today() const {
  return text::business_day(ctx_.clock().now(), ctx_.config().utc_offset_minutes);
}

std::string GuiCounterModel::branch() const { return ctx_.config().branch; }

std::string install_translations() {
  std::string lang = init_language(CERTDESK_LOCALEDIR);
  auto* t = new wxTranslations;
  wxTranslations::Set(t);
  if (lang == "zh_CN") {
    wxFileTranslationsLoader::AddCatalogLookupPathPrefix(wxString::FromUTF8(CERTDESK_LOCALEDIR));
    t->SetLanguage("zh_CN");
    t->AddStdCatalog();
    t->AddCatalog("certdesk");
  } else {
    t->SetLanguage(wxLANGUAGE_ENGLISH_US);
  }
  return lang;
}

}  // namespace certdesk::app
