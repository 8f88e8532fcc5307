#pragma once
// The desk: every use case a person starts at the counter, the supervisor's
// desk or the admin's, as one function each (SPEC §8, STYLE habit 16). The
// window (app/gui_model.cpp, app/gui_review.cpp) and certdesk-cli
// (app/cli.cpp, app/cli_day.cpp) are adapters: they gather input, call one
// function here and present what it returns. Nothing here prompts on its own:
// the people-facing interfaces (workflows::Prompts, a PIN callback) come in as
// arguments.
//
// Threads: a Desk uses the context's one database connection and its token
// module, so call it from one thread at a time (the window: its worker).
// Functions marked "Blocks" wait on a token, the CA or the disk; the window
// calls them only from its worker (STYLE habit 15). Every function may throw
// certdesk::Error (AuthError without the permission, RuleRefused, TokenError,
// DbError); none catches.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/day_close.h"
#include "db/receipt_hashes.h"
#include "db/repositories.h"
#include "desk/context.h"
#include "desk/papers.h"
#include "desk/printing_desk.h"
#include "printing/document_data.h"
#include "printing/layout.h"
#include "workflows/counter.h"
#include "workflows/day.h"
#include "workflows/fees.h"
#include "workflows/order_book.h"
#include "workflows/ports.h"
#include "workflows/request.h"
#include "workflows/settings.h"
#include "workflows/staff.h"
#include "workflows/unlock_codes.h"

namespace certdesk::desk {

// ---- the branch's local time (from the settings) ---------------------------------------

// The business day "YYYY-MM-DD" and a branch-local time "YYYY-MM-DD HH:MM"
// at the branch's UTC offset (setting utc_offset_minutes, 480 when unset).
// The offset comes from the settings through workflows::load_counter_config.
int utc_offset_minutes(const workflows::CounterConfig& config);
std::string business_day(Seconds at, const workflows::CounterConfig& config);
std::string local_time(std::int64_t unix_seconds, const workflows::CounterConfig& config);

// The settings an admin may change (SPEC §1), in the order `settings show` lists them.
const std::vector<std::string>& shown_settings();
bool is_editable_setting(const std::string& key);

// The settings' check of a PKCS#11 library path (workflows::ModuleProbe over
// pki/module.h): it loads and shows at least one slot with a token. Blocks
// (loads a library): the window calls it from its worker.
class PkiModuleProbe final : public workflows::ModuleProbe {
 public:
  explicit PkiModuleProbe(AppContext& ctx) : ctx_(ctx) {}
  std::string problem_with(const std::string& path) override;

 private:
  AppContext& ctx_;
};

// ---- results -----------------------------------------------------------------------

// One inserted customer token with what the records say about it.
struct TokenListing {
  workflows::TokenView token;
  std::optional<db::TokenRecord> record;            // nullopt when not on record
  std::vector<db::CertificateRecord> certificates;  // every certificate on record for the token
  std::optional<db::CertificateRecord> newest_valid;
  int days_left = 0;                                // whole days until newest_valid ends (negative once expired)
  bool expired = false;
  bool in_renewal_window = false;                   // an update would accept it now
};

// When a completed order's papers (the receipt's first printing and the
// handover slip) are archived: `now`, inside the call (the command line, before
// it exits), or `later`, by the caller through archive_papers once the customer
// has seen the 完成 page (the window, issue 14.8: the PDFs off the customer's
// wait). A crash in between leaves a completed order with its papers missing;
// archive_missing_papers writes them on the next start.
enum class Papers { now, later };

// An order after a desk call, and the papers archived when it completed.
struct OrderOutcome {
  workflows::OrderResult result;
  ArchivedPapers papers;
};

enum class TokenReport { suspend, found, lost };

// An organisation found at the counter, with the handler who came last.
struct CustomerFound {
  db::Organisation organisation;
  std::optional<db::Handler> last_handler;
};

// What the records hold about one organisation.
struct CustomerRecords {
  std::vector<db::ServiceOrder> orders;
  std::vector<db::CertificateRecord> certificates;   // newest first
  std::vector<db::TokenRecord> tokens;
};

struct DayClosed {
  db::DayCloseRecord record;
  std::filesystem::path report_pdf;
};

struct StatementFiles {
  std::filesystem::path statement, signature, certificate, public_key;
};

struct JournalCheck {
  db::VerifyReport report;
  std::string head_hash;
  db::ReceiptCheckReport receipts;   // every receipt's stored hash against its payment entry (issue 13.1)
  bool ok() const { return report.ok && receipts.ok(); }
  // The first problem, for a person: the chain's, else the first receipt's; empty when ok.
  std::string message() const {
    if (!report.ok) return report.message;
    return receipts.ok() ? std::string() : receipts.problems.front().message;
  }
};

class Desk {
 public:
  // ctx must outlive the desk.
  explicit Desk(AppContext& ctx) : ctx_(ctx) {}

  AppContext& context() { return ctx_; }
  const workflows::CounterConfig& config() const { return ctx_.config(); }

  // ---- people ----------------------------------------------------------------------
  // Checks the password; journaled "login". Throws AuthError(bad_credentials).
  workflows::Actor login(const std::string& name, const Secret& password, const std::string& note = "");
  void logout(const workflows::Actor& who);
  // Checks the password WITHOUT journaling (a verification writes nothing, so
  // it runs on a damaged journal). Throws AuthError(bad_credentials).
  workflows::Actor check_password(const std::string& name, const Secret& password);
  // An admin adds a person (journaled "staff.added").
  workflows::Actor add_staff(const workflows::Actor& by, const std::string& name, workflows::Role role, const Secret& password);
  // ---- staff accounts (issue 13.5; the admin's staff dialog and `certdesk-cli staff`) ----
  // Every account by name, with its display name, role, active flag, wrong
  // passwords in a row and lockout. Throws AuthError(permission_denied) unless
  // `by` is an admin.
  std::vector<workflows::StaffView> list_staff(const workflows::Actor& by);
  // An admin disables or enables an account (journaled "staff.disabled" /
  // "staff.enabled"). Throws AuthError(permission_denied), RuleRefused
  // (not_found; "last-admin" for the only active admin).
  void set_staff_enabled(const workflows::Actor& by, const std::string& name, bool enabled);
  // Anyone changes their own password, proving the old one (a wrong old one
  // counts towards the lockout). Journaled "staff.password_changed". Throws
  // AuthError(bad_credentials / account_locked), InputError (new password too
  // short, or the same as the old one).
  void change_own_password(const workflows::Actor& who, const Secret& old_password, const Secret& new_password);
  // An admin sets a new password for someone (also lifts a lockout);
  // journaled "staff.password_reset". Throws AuthError, RuleRefused(not_found), InputError.
  void reset_password(const workflows::Actor& by, const std::string& name, const Secret& new_password);
  // An admin lifts a lockout; journaled "staff.unlocked". Throws AuthError, RuleRefused(not_found).
  void unlock_staff(const workflows::Actor& by, const std::string& name);
  // An admin sets the display name printed as payee (empty: the login name);
  // journaled "staff.renamed". Throws AuthError, RuleRefused(not_found), InputError.
  void set_display_name(const workflows::Actor& by, const std::string& name, const std::string& display_name);

  // An admin gives a supervisor a signing token (desk/day_signing.h). Blocks (token, CA).
  db::StaffToken enroll_staff_token(const workflows::Actor& admin, const std::string& name, const std::string& serial,
                                    const Secret& new_pin);
  // The embedded demo store only: an admin gives a supervisor's locked demo signing
  // token a new PIN (desk/day_signing.h unlock_staff_token). Blocks (token).
  db::StaffToken unlock_staff_token(const workflows::Actor& admin, const std::string& name, const Secret& new_pin);

  // ---- settings --------------------------------------------------------------------
  // Every shown setting and its value ("" when unset).
  std::vector<std::pair<std::string, std::string>> settings();
  // An admin changes a setting: permission edit_settings, the key must be
  // editable, the value valid for it; old → new journaled "setting.changed".
  // Throws AuthError, InputError(bad_request) naming what is wrong (nothing changes).
  // workflows::SettingsService::set does it (typed and ranged keys, one place).
  // Blocks when the key is pkcs11_module (PkiModuleProbe loads the library).
  void set_setting(const workflows::Actor& by, const std::string& key, const std::string& value);
  // Settings holding a bad value (an older version wrote it), one translated
  // line each naming the key and the command that fixes it; shown at start by
  // the CLI and the window. Empty when all are good.
  const std::vector<std::string>& setting_problems() const;

  // ---- the fee schedule (SPEC §4) -----------------------------------------------------
  // Every item of the schedule, by item.
  std::vector<db::Fee> fees();
  // An admin changes one item's amount (integer fen, 0 … money::kMaxTypedFen);
  // journaled "fee.changed" ("item: old → new" in yuan) in the same
  // transaction. Throws AuthError(permission_denied) unless edit_fees,
  // RuleRefused(not_found) for an item not in the schedule, InputError
  // (bad_request) for an amount out of range; nothing changes then.
  void set_fee(const workflows::Actor& by, const std::string& item, std::int64_t amount_fen);

  // ---- customers -------------------------------------------------------------------
  // Organisations whose name contains text or whose USCC starts with it (20 at most).
  std::vector<CustomerFound> find_customers(const std::string& text);
  CustomerRecords customer_records(db::Id organisation_id);
  // The fee of a flow from the schedule. Throws RuleRefused when an item is missing.
  workflows::FeeQuote quote(workflows::Flow flow, const std::string& reason);

  // ---- orders ----------------------------------------------------------------------
  // Runs the request's flow (any of the six). With hand_over it goes on to
  // completed and, with Papers::now, archives the receipt and the handover slip
  // as PDF (the receipt's first printing, so payments.print_count becomes 1);
  // with Papers::later the caller calls archive_papers. Blocks (token, CA,
  // disk). Throws like workflows::Flows::run; an archive that fails after the
  // order completed throws an Error saying the order is completed.
  OrderOutcome run_order(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                         workflows::Prompts prompts, bool hand_over, Papers papers = Papers::now);
  // The customer took the token and papers: completed, papers archived (Papers::now). Blocks (disk).
  OrderOutcome hand_over(const workflows::Actor& teller, db::Id order_id, Papers papers = Papers::now);
  // Continues an unfinished order from its last durable step; archives the
  // papers when it completes (Papers::now). Blocks (token, CA, disk).
  OrderOutcome resume_order(const workflows::Actor& teller, db::Id order_id, workflows::Prompts prompts, bool hand_over,
                            Papers papers = Papers::now);
  // Rolls an unfinished order back (workflows::Flows::rollback). Blocks (token, CA).
  OrderOutcome roll_back_order(const workflows::Actor& teller, db::Id order_id, workflows::Prompts prompts);
  // Orders, newest first (100), or the unfinished ones oldest first.
  std::vector<db::ServiceOrder> orders(bool unfinished_only);
  // Archives the receipt (first printing, when not printed yet) and the slip of
  // a completed order. Called by the functions above; idempotent. Blocks (disk).
  ArchivedPapers archive_papers(const workflows::Actor& who, db::Id order_id);
  // Completed orders among the recent ones (the last kRecentOrders) whose papers
  // are missing: an issued receipt never printed, or no handover slip in the
  // archive (a crash between the 完成 page and archive_papers). Oldest first.
  // Writes nothing. Blocks (disk).
  std::vector<db::Id> orders_missing_papers();
  // Archives the papers of every order orders_missing_papers names, as `who`
  // (the receipt's first printing journaled once; a later print is 重印).
  // Returns the orders archived. Blocks (disk). Throws like archive_papers.
  std::vector<db::Id> archive_missing_papers(const workflows::Actor& who);
  static constexpr int kRecentOrders = 100;

  // ---- receipts and papers ---------------------------------------------------------
  printing::ReceiptData receipt(const std::string& receipt_no);        // RuleRefused(not_found)
  printing::HandoverSlipData slip(db::Id order_id);                    // RuleRefused(not_found)
  printing::Paper paper();
  // Writes the PDF (to the archive when out is empty; else a path checked by
  // output::check_output_path, RuleRefused "output-path" before anything is
  // recorded), then records the printing. Blocks (disk).
  std::filesystem::path print_receipt(const workflows::Actor& who, const std::string& receipt_no,
                                      const std::filesystem::path& out = {}, std::optional<printing::Paper> paper = std::nullopt);
  // The receipt went to a printer: journaled; the next printing is a reprint.
  void record_print(const workflows::Actor& who, const std::string& receipt_no);
  // A supervisor voids a receipt (it keeps its number); the voided copy is
  // archived. Returns its path. Blocks (disk).
  std::filesystem::path void_receipt(const workflows::Actor& supervisor, const std::string& receipt_no,
                                     const std::string& reason);

  // ---- tokens ----------------------------------------------------------------------
  // The customer tokens inserted now (the CA's own token and empty reader slots
  // left out), sorted by serial. Blocks (token). Throws TokenError(module_unavailable).
  std::vector<TokenListing> tokens();
  // A reported token: suspended, found (active again) or confirmed lost.
  // Returns the token's state on record afterwards.
  std::string report_token(const workflows::Actor& who, TokenReport what, const std::string& serial,
                           const std::string& reason);
  // The demo action: a new factory-blank SoftHSM2 token. Blocks (token). Returns its serial.
  std::string insert_blank_token(const std::string& serial = "");
  // Writes the CRL to a file `who` (logged in) named, through
  // output::write_output_file (refused inside the data folder, on a device, in a
  // missing folder: RuleRefused "output-path"). Returns the path written. Blocks (CA, disk).
  std::filesystem::path write_crl(const workflows::Actor& who, const std::filesystem::path& out);

  // ---- authorisation codes (remote unlock) -----------------------------------------
  workflows::IssuedCode issue_unlock_code(const workflows::Actor& supervisor, const std::string& serial, int valid_hours);
  // Blocks (token): the customer's new PIN comes from pins.
  void redeem_unlock_code(const workflows::Actor& teller, const std::string& serial, const Secret& code,
                          workflows::PinPrompt& pins);

  // ---- the supervisor's day ---------------------------------------------------------
  std::vector<std::string> days(const workflows::Actor& who, int limit = 60);
  bool day_closed(const std::string& business_day);
  workflows::DaySummary day_summary(const workflows::Actor& who, const std::string& business_day);
  // The day's entries as CSV (desk/day_export.h); returns the rows written.
  // out is checked (output::check_output_path) before anything is read. Blocks (disk).
  std::int64_t export_day_csv(const workflows::Actor& who, const std::string& business_day, const std::filesystem::path& out);
  // The daily report as an A4 PDF to a checked path (output::check_output_path). Blocks (disk).
  void export_day_pdf(const workflows::Actor& who, const std::string& business_day, const std::filesystem::path& out);
  // True when `who` signs closes with their own token (the PIN is asked).
  bool close_needs_pin(const workflows::Actor& who);
  // Closes the day, signed (their token, asked through ask_pin; else the
  // workstation key), and archives the report PDF. Blocks (token, disk).
  DayClosed close_day(const workflows::Actor& who, const std::string& business_day,
                      const std::function<std::optional<Secret>()>& ask_pin);
  // Chain, head, statement, signature of a closed day. Writes nothing.
  workflows::DayVerifyReport verify_day(const workflows::Actor& who, const std::string& business_day);
  // The signed statement of a closed day and what checks it, as files. Blocks (disk).
  StatementFiles export_statement(const workflows::Actor& who, const std::string& business_day,
                                  const std::filesystem::path& out);
  // A correction entry referring to entry seq.
  db::JournalEntry correct_entry(const workflows::Actor& who, std::int64_t seq, const std::string& reason);
  // The whole journal, over its own read-only connection (safe on a worker
  // while the UI thread reads). Writes nothing. Blocks (disk).
  JournalCheck verify_journal(const std::function<void(std::int64_t, std::int64_t)>& progress = {});
  // A QR text scanned from a paper receipt against the record (db/receipt_hashes.h). Writes nothing.
  db::ReceiptQrCheck check_receipt_qr(const std::string& qr_text);

  // ---- counter tasks (issue 14.3/14.4; desk/counter_tasks.cpp, desk/printing_desk.h) ----
  // The receipt, or the order's handover slip, archived, sent to `printer` (empty:
  // the system default) on the paper of the settings and followed; journaled once
  // when it completed. Blocks (disk, cupsd up to a minute). RuleRefused(not_found).
  PaperPrinted print_receipt_to(const workflows::Actor& who, const std::string& receipt_no, const std::string& printer);
  PaperPrinted print_slip_to(const workflows::Actor& who, db::Id order_id, const std::string& printer);
  // The system's printers (libcups). Blocks (cupsd).
  printing::PrinterList printers();
  // This workstation's chosen printer ("" when none was chosen yet); remember_printer
  // keeps the teller's choice (setting "printer"; a preference, not journaled).
  std::string remembered_printer();
  void remember_printer(const std::string& name);
  // A receipt by its number, or every receipt of the customers whose name contains
  // text or whose USCC starts with it; newest first, 100 at most.
  std::vector<db::Payment> find_receipts(const std::string& text);
  // A void asked at the counter: with a supervisor's credentials (checked and
  // journaled by StaffService::approve; nobody approves their own request), or,
  // without, by `requester` who must be a supervisor. Returns the voided copy's PDF.
  // Throws AuthError (wrong credentials, not a supervisor, self approval, the
  // supervisor ran the order), RuleRefused, InputError (reason).
  std::filesystem::path void_receipt_approved(const workflows::Actor& requester,
                                              std::optional<workflows::ApprovalCredentials> supervisor,
                                              const std::string& receipt_no, const std::string& reason);
  // A token's record by serial (nullopt when it is not on record).
  std::optional<db::TokenRecord> token_record(const std::string& serial);
  // True when the token module is the embedded SoftHSM2 (the demo "insert a blank token").
  bool embedded_token_store();

 private:
  OrderOutcome finished(const workflows::Actor& teller, workflows::OrderResult r, Papers papers);
  AppContext& ctx_;
};

}  // namespace certdesk::desk
