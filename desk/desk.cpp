#include "desk/desk.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/safe_output.h"
#include "common/money.h"
#include "common/text.h"
#include "desk/day_export.h"
#include "desk/day_signing.h"
#include "pki/module.h"
#include "pki/signature.h"
#include "pki/softhsm.h"
#include "printing/pdf.h"
#include "workflows/certificates.h"
#include "workflows/flows.h"
#include "workflows/renewal.h"
#include "workflows/settings.h"
#include "workflows/receipts.h"

namespace certdesk::desk {

namespace fs = std::filesystem;

namespace {

struct NoPins final : workflows::PinPrompt {
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override { return std::nullopt; }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return std::nullopt; }
};
struct NoApproval final : workflows::ApprovalPrompt {
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override { return std::nullopt; }
};

}  // namespace

// ---- rules ---------------------------------------------------------------------------

int utc_offset_minutes(const workflows::CounterConfig& config) { return config.utc_offset_minutes; }

std::string business_day(Seconds at, const workflows::CounterConfig& config) {
  return text::business_day(at, utc_offset_minutes(config));
}

std::string local_time(std::int64_t unix_seconds, const workflows::CounterConfig& config) {
  return text::local_time(Seconds(std::chrono::seconds(unix_seconds)), utc_offset_minutes(config));
}

const std::vector<std::string>& shown_settings() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& spec : workflows::setting_specs()) k.emplace_back(spec.key);
    std::sort(k.begin(), k.end());
    return k;
  }();
  return keys;
}

bool is_editable_setting(const std::string& key) {
  const workflows::SettingSpec* spec = workflows::find_setting(key);
  return spec && spec->admin_editable;
}

// ---- people ----------------------------------------------------------------------------

workflows::Actor Desk::login(const std::string& name, const Secret& password, const std::string& note) {
  return ctx_.staff().login(name, password, note);
}

void Desk::logout(const workflows::Actor& who) { ctx_.staff().logout(who); }

workflows::Actor Desk::check_password(const std::string& name, const Secret& password) {
  auto m = db::Staff(ctx_.db()).by_name(name);
  if (!m || !m->active || !crypto::verify_password(password, m->password_hash))
    throw AuthError(codes::bad_credentials, tr("Wrong name or password."));
  return workflows::Actor{m->id, m->name, workflows::role_from(m->role)};
}

workflows::Actor Desk::add_staff(const workflows::Actor& by, const std::string& name, workflows::Role role,
                                 const Secret& password) {
  return ctx_.staff().add(by, name, role, password);
}

std::vector<workflows::StaffView> Desk::list_staff(const workflows::Actor& by) { return ctx_.staff().list(by); }

void Desk::set_staff_enabled(const workflows::Actor& by, const std::string& name, bool enabled) {
  ctx_.staff().set_active(by, name, enabled);
}

void Desk::change_own_password(const workflows::Actor& who, const Secret& old_password, const Secret& new_password) {
  ctx_.staff().change_password(who, old_password, new_password);
}

void Desk::reset_password(const workflows::Actor& by, const std::string& name, const Secret& new_password) {
  ctx_.staff().reset_password(by, name, new_password);
}

void Desk::unlock_staff(const workflows::Actor& by, const std::string& name) { ctx_.staff().unlock(by, name); }

void Desk::set_display_name(const workflows::Actor& by, const std::string& name, const std::string& display_name) {
  ctx_.staff().set_display_name(by, name, display_name);
}

db::StaffToken Desk::enroll_staff_token(const workflows::Actor& admin, const std::string& name, const std::string& serial,
                                        const Secret& new_pin) {
  return desk::enroll_staff_token(ctx_, admin, name, serial, new_pin);
}

db::StaffToken Desk::unlock_staff_token(const workflows::Actor& admin, const std::string& name, const Secret& new_pin) {
  return desk::unlock_staff_token(ctx_, admin, name, new_pin);
}

// ---- settings --------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> Desk::settings() {
  db::Settings settings(ctx_.db());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& k : shown_settings()) out.emplace_back(k, settings.get_or(k, ""));
  return out;
}

std::string PkiModuleProbe::problem_with(const std::string& path) {
  try {
    pki::softhsm::use_store(ctx_.paths().softhsm());   // SoftHSM2 (the default) reads the data folder's store
    std::shared_ptr<pki::Module> module = pki::Module::loaded(path);
    if (!module) module = pki::Module::load(path);
    if (module->tokens().empty())
      return tr("it loads but shows no slot with a token; insert a key, or check that this is the right library.");
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

void Desk::set_setting(const workflows::Actor& by, const std::string& key, const std::string& raw_value) {
  PkiModuleProbe probe(ctx_);   // a module path must load and show slots before it is stored (issue 13.6)
  workflows::SettingsService(ctx_.db(), ctx_.journal(), ctx_.clock(), &probe).set(by, key, raw_value);
}

const std::vector<std::string>& Desk::setting_problems() const { return ctx_.setting_problems(); }

// ---- the fee schedule ------------------------------------------------------------------

std::vector<db::Fee> Desk::fees() { return db::FeeSchedule(ctx_.db()).all(); }

void Desk::set_fee(const workflows::Actor& by, const std::string& item, std::int64_t amount_fen) {
  workflows::require(by, workflows::Permission::edit_fees);
  if (amount_fen < 0 || amount_fen > money::kMaxTypedFen)
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("The fee of {} must be between 0.00 and {} yuan.")), item,
                                 money::format_fen(money::kMaxTypedFen)));
  db::FeeSchedule schedule(ctx_.db());
  std::optional<db::Fee> fee = schedule.get(item);
  if (!fee)
    throw RuleRefused(codes::not_found, "fee-schedule",
                      fmt::format(fmt::runtime(tr("The fee schedule has no item {}.")), item));
  db::Transaction tx(ctx_.db());
  std::int64_t old = fee->amount_fen;
  fee->amount_fen = amount_fen;
  schedule.set(*fee);
  ctx_.journal().append({.staff = by.name, .action = "fee.changed",
                         .details = fmt::format("{}: {} → {}", item, money::format_fen(old), money::format_fen(amount_fen))},
                        ctx_.clock().now());
  tx.commit();
}

// ---- customers -------------------------------------------------------------------------

std::vector<CustomerFound> Desk::find_customers(const std::string& text) {
  db::Organisations orgs(ctx_.db());
  std::vector<CustomerFound> out;
  for (auto& o : orgs.search(text, 20)) {
    auto handlers = orgs.handlers_of(o.id);
    std::optional<db::Handler> last;
    if (!handlers.empty()) last = handlers.back();
    out.push_back({std::move(o), std::move(last)});
  }
  return out;
}

CustomerRecords Desk::customer_records(db::Id organisation_id) {
  return {db::Orders(ctx_.db()).of_organisation(organisation_id), db::Certificates(ctx_.db()).of_organisation(organisation_id),
          db::Tokens(ctx_.db()).of_organisation(organisation_id)};
}

workflows::FeeQuote Desk::quote(workflows::Flow flow, const std::string& reason) {
  db::FeeSchedule schedule(ctx_.db());
  return workflows::quote(schedule, flow, reason);
}

// ---- orders ----------------------------------------------------------------------------

OrderOutcome Desk::finished(const workflows::Actor& teller, workflows::OrderResult r, Papers papers) {
  OrderOutcome out{std::move(r), {}};
  if (out.result.state != workflows::OrderState::completed || papers == Papers::later) return out;
  try {
    out.papers = archive_papers(teller, out.result.order_id);
  } catch (const Error& e) {
    // The order is done and stays completed; only its papers are missing (issue 13.3).
    throw Error(e.kind(), e.code(),
                msg(tr("Order {} is completed, but its papers were not archived: {} Print the receipt again with "
                       "certdesk-cli receipt print {} once the cause is fixed."),
                    out.result.order_id, e.what(), out.result.receipt_no.empty() ? "NO" : out.result.receipt_no));
  }
  return out;
}

OrderOutcome Desk::run_order(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                             workflows::Prompts prompts, bool hand_over, Papers papers) {
  workflows::Counter counter(ctx_.services(), ctx_.staff(), prompts);
  return finished(teller, workflows::Flows(counter).run(teller, request, hand_over), papers);
}

OrderOutcome Desk::hand_over(const workflows::Actor& teller, db::Id order_id, Papers papers) {
  auto order = db::Orders(ctx_.db()).by_id(order_id);
  if (!order) throw RuleRefused(codes::not_found, "order", fmt::format(fmt::runtime(tr("Order {} does not exist.")), order_id));
  NoPins pins;
  NoApproval approval;
  workflows::NoProgress progress;
  workflows::Counter counter(ctx_.services(), ctx_.staff(), {pins, approval, progress});
  counter.hand_over(*order, teller);
  return finished(teller, counter.book().result_of(*order), papers);
}

OrderOutcome Desk::resume_order(const workflows::Actor& teller, db::Id order_id, workflows::Prompts prompts, bool hand_over,
                                Papers papers) {
  workflows::Counter counter(ctx_.services(), ctx_.staff(), prompts);
  return finished(teller, workflows::Flows(counter).resume(teller, order_id, hand_over), papers);
}

OrderOutcome Desk::roll_back_order(const workflows::Actor& teller, db::Id order_id, workflows::Prompts prompts) {
  workflows::Counter counter(ctx_.services(), ctx_.staff(), prompts);
  return {workflows::Flows(counter).rollback(teller, order_id), {}};
}

std::vector<db::ServiceOrder> Desk::orders(bool unfinished_only) {
  db::Orders orders(ctx_.db());
  return unfinished_only ? orders.unfinished() : orders.recent(100);
}

ArchivedPapers Desk::archive_papers(const workflows::Actor& who, db::Id order_id) {
  return archive_order_documents(ctx_, who, order_id);
}

std::vector<db::Id> Desk::orders_missing_papers() {
  std::vector<db::Id> out;
  db::Payments payments(ctx_.db());
  for (const auto& o : db::Orders(ctx_.db()).recent(kRecentOrders)) {
    if (o.state != workflows::to_string(workflows::OrderState::completed)) continue;
    bool missing = !fs::is_regular_file(printing::archive_path(ctx_.paths().root, printing::ArchiveKind::slip,
                                                               fmt::format("{:06}", o.id)));
    for (const auto& p : payments.of_order(o.id))
      if (p.status == "issued" && p.print_count == 0) missing = true;
    if (missing) out.push_back(o.id);
  }
  std::reverse(out.begin(), out.end());   // recent() is newest first
  return out;
}

std::vector<db::Id> Desk::archive_missing_papers(const workflows::Actor& who) {
  std::vector<db::Id> done = orders_missing_papers();
  for (db::Id id : done) archive_papers(who, id);
  return done;
}

// ---- receipts --------------------------------------------------------------------------

printing::ReceiptData Desk::receipt(const std::string& receipt_no) { return receipt_data(ctx_, receipt_no); }
printing::HandoverSlipData Desk::slip(db::Id order_id) { return slip_data(ctx_, order_id); }
printing::Paper Desk::paper() { return paper_setting(ctx_); }

fs::path Desk::print_receipt(const workflows::Actor& who, const std::string& receipt_no, const fs::path& out,
                             std::optional<printing::Paper> paper) {
  return desk::print_receipt(ctx_, who, receipt_no, out, paper);
}

void Desk::record_print(const workflows::Actor& who, const std::string& receipt_no) {
  workflows::Receipts(ctx_.services()).record_print(who, receipt_no);
}

fs::path Desk::void_receipt(const workflows::Actor& supervisor, const std::string& receipt_no, const std::string& reason) {
  workflows::Receipts(ctx_.services()).void_receipt(supervisor, receipt_no, reason);
  return desk::print_receipt(ctx_, supervisor, receipt_no);
}

// ---- tokens ----------------------------------------------------------------------------

std::vector<TokenListing> Desk::tokens() {
  std::vector<TokenListing> out;
  db::Tokens records(ctx_.db());
  db::Certificates certs(ctx_.db());
  const std::int64_t now = ctx_.clock().now().time_since_epoch().count();
  for (auto& t : ctx_.tokens().list()) {
    // The CA's own token, a supervisor's signing token or the workstation's key
    // are no customer's; SoftHSM2's free slot has no serial.
    if (t.label == kCaTokenLabel || t.label == kStaffTokenLabel || t.label == kWorkstationTokenLabel || t.serial.empty())
      continue;
    TokenListing row;
    row.token = t;
    row.record = records.by_serial(t.serial);
    row.certificates = certs.on_token(t.serial);
    if (std::optional<db::CertificateRecord> best = workflows::newest_valid_certificate(row.certificates)) {
      row.newest_valid = *best;
      std::int64_t left = best->not_after - now;
      row.days_left = certdesk::days_left(Seconds(std::chrono::seconds(now)), best->not_after);
      row.expired = left < 0;
      row.in_renewal_window = workflows::RenewalWindow::from(ctx_.config()).contains(Seconds(std::chrono::seconds(now)), best->not_after);
    }
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.token.serial < b.token.serial; });
  return out;
}

std::string Desk::report_token(const workflows::Actor& who, TokenReport what, const std::string& serial,
                               const std::string& reason) {
  workflows::TokenStatus status(ctx_.services(), who);
  switch (what) {
    case TokenReport::suspend: status.suspend(serial, reason); break;
    case TokenReport::found: status.found(serial); break;
    case TokenReport::lost: status.lost(serial, reason); break;
  }
  auto rec = db::Tokens(ctx_.db()).by_serial(serial);
  return rec ? rec->state : "";
}

std::string Desk::insert_blank_token(const std::string& serial) { return ctx_.insert_blank_token(serial); }

fs::path Desk::write_crl(const workflows::Actor& who, const fs::path& out) {
  static_cast<void>(who);   // a person logged in: nobody writes files anonymously (issue 13.2)
  const fs::path target = output::check_output_path(out, ctx_.paths().root);
  // The CA writes a file; it goes to a private one in the data folder first, then
  // through the checked writer to where the person asked.
  const fs::path staged = ctx_.paths().root / fmt::format(".crl-export-{}.pem", ::getpid());
  struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } cleanup{staged};
  ctx_.ca().write_crl(staged, ctx_.clock().now());
  std::ifstream in(staged, std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof())
    throw Error(ErrorKind::other, codes::data_dir_unusable, msg(tr("Cannot read {}."), staged.string()));
  output::write_file_atomically(target, bytes);
  return target;
}

// ---- codes -----------------------------------------------------------------------------

workflows::IssuedCode Desk::issue_unlock_code(const workflows::Actor& supervisor, const std::string& serial, int valid_hours) {
  NoPins none;
  return workflows::UnlockCodeService(ctx_.services(), none).issue(supervisor, serial, valid_hours);
}

void Desk::redeem_unlock_code(const workflows::Actor& teller, const std::string& serial, const Secret& code,
                              workflows::PinPrompt& pins) {
  workflows::UnlockCodeService(ctx_.services(), pins).redeem(teller, serial, code);
}

// ---- the day ---------------------------------------------------------------------------

std::vector<std::string> Desk::days(const workflows::Actor& who, int limit) {
  return workflows::DayReview(ctx_.db(), who).days(limit);
}

bool Desk::day_closed(const std::string& business_day) { return db::DayCloses(ctx_.db()).is_closed(business_day); }

workflows::DaySummary Desk::day_summary(const workflows::Actor& who, const std::string& business_day) {
  return workflows::DayReview(ctx_.db(), who).summary(business_day);
}

std::int64_t Desk::export_day_csv(const workflows::Actor& who, const std::string& business_day, const fs::path& out) {
  return write_day_csv(ctx_, who, business_day, output::check_output_path(out, ctx_.paths().root));
}

void Desk::export_day_pdf(const workflows::Actor& who, const std::string& business_day, const fs::path& out) {
  const fs::path target = output::check_output_path(out, ctx_.paths().root);
  printing::write_report_pdf(day_report_data(ctx_, who, business_day), printing::Paper::a4, target);
}

bool Desk::close_needs_pin(const workflows::Actor& who) { return db::StaffTokens(ctx_.db()).active_of(who.id).has_value(); }

DayClosed Desk::close_day(const workflows::Actor& who, const std::string& business_day,
                          const std::function<std::optional<Secret>()>& ask_pin) {
  workflows::require(who, workflows::Permission::close_day);
  workflows::DayClose closing(ctx_.db(), ctx_.journal(), ctx_.clock(), ctx_.config(), who);
  closing.check_closable(business_day);   // before signer_for, which may create the workstation key
  auto signer = signer_for(ctx_, who, ask_pin);
  DayClosed out{closing.close(business_day, *signer), {}};
  out.report_pdf = printing::archive_path(ctx_.paths().root, printing::ArchiveKind::report, business_day);
  printing::write_report_pdf(day_report_data(ctx_, who, business_day), printing::Paper::a4, out.report_pdf);
  return out;
}

workflows::DayVerifyReport Desk::verify_day(const workflows::Actor& who, const std::string& business_day) {
  PkiSignatureChecker checker(ctx_);
  workflows::DayClose closing(ctx_.db(), ctx_.journal(), ctx_.clock(), ctx_.config(), who);   // no token module needed
  return closing.verify(business_day, checker);
}

StatementFiles Desk::export_statement(const workflows::Actor& who, const std::string& business_day, const fs::path& out) {
  workflows::DayReview allowed(ctx_.db(), who);   // review_day
  auto rec = db::DayCloses(ctx_.db()).by_day(business_day);
  if (!rec)
    throw RuleRefused(codes::not_found, "day-close",
                      fmt::format(fmt::runtime(tr("{} has not been closed; there is no signed statement to export.")),
                                  business_day));
  StatementFiles f{out, out, out, out};
  f.signature += ".sig";
  f.certificate += ".cert.pem";
  f.public_key += ".pubkey.pem";
  // All four paths are checked before the first is written (issue 13.2).
  for (fs::path* p : {&f.statement, &f.signature, &f.certificate, &f.public_key})
    *p = output::check_output_path(*p, ctx_.paths().root);
  pki::X509Ptr x = pki::x509_from_der(rec->signer_cert);
  output::write_file_atomically(f.statement, rec->statement);
  output::write_file_atomically(f.signature, std::string(rec->signature.begin(), rec->signature.end()));
  output::write_file_atomically(f.certificate, pki::to_pem(x.get()));
  output::write_file_atomically(f.public_key, pki::public_key_pem(rec->signer_cert));
  return f;
}

db::JournalEntry Desk::correct_entry(const workflows::Actor& who, std::int64_t seq, const std::string& reason) {
  workflows::DayClose closing(ctx_.db(), ctx_.journal(), ctx_.clock(), ctx_.config(), who);
  return closing.correct(seq, reason);
}

JournalCheck Desk::verify_journal(const std::function<void(std::int64_t, std::int64_t)>& progress) {
  db::Database conn = db::Database::open_readonly(ctx_.paths().database());
  db::Journal journal(conn, "", utc_offset_minutes(ctx_.config()));
  JournalCheck check{journal.verify(progress), journal.head().hash, {}};
  check.receipts = db::check_receipt_hashes(conn);
  return check;
}

db::ReceiptQrCheck Desk::check_receipt_qr(const std::string& qr_text) { return db::check_receipt_qr(ctx_.db(), qr_text); }

}  // namespace certdesk::desk
