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
#include "printing/document_data.h"
#include "printing/layout.h"
#include "workflows/counter.h"
#include "workflows/day.h"
#include "workflows/fees.h"
#include "workflows/order_book.h"
#include "workflows/ports.h"
#include "workflows/request.h"
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
  // An admin gives a supervisor a signing token (desk/day_signing.h). Blocks (token, CA).
  db::StaffToken enroll_staff_token(const workflows::Actor& admin, const std::string& name, const std::string& serial,
                                    const Secret& new_pin);

  // ---- settings --------------------------------------------------------------------
  // Every shown setting and its value ("" when unset).
  std::vector<std::pair<std::string, std::string>> settings();
  // An admin changes a setting: permission edit_settings, the key must be
  // editable, the value valid for it; old → new journaled "setting.changed".
  // Throws AuthError, InputError(bad_request) naming what is wrong (nothing changes).
  // workflows::SettingsService::set does it (typed and ranged keys, one place).
  void set_setting(const workflows::Actor& by, const std::string& key, const std::string& value);

  // ---- customers -------------------------------------------------------------------
  // Organisations whose name contains text or whose USCC starts with it (20 at most).
  std::vector<CustomerFound> find_customers(const std::string& text);
  CustomerRecords customer_records(db::Id organisation_id);
  // The fee of a flow from the schedule. Throws RuleRefused when an item is missing.
  workflows::FeeQuote quote(workflows::Flow flow, const std::string& reason);

  // ---- orders ----------------------------------------------------------------------
  // Runs the request's flow (any of the six). With hand_over it goes on to
  // completed and archives the receipt and the handover slip as PDF (the
  // receipt's first printing, so payments.print_count becomes 1). Blocks
  // (token, CA, disk). Throws like workflows::Flows::run.
  OrderOutcome run_order(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                         workflows::Prompts prompts, bool hand_over);
  // The customer took the token and papers: completed, papers archived. Blocks (disk).
  OrderOutcome hand_over(const workflows::Actor& teller, db::Id order_id);
  // Continues an unfinished order from its last durable step; archives the
  // papers when it completes. Blocks (token, CA, disk).
  OrderOutcome resume_order(const workflows::Actor& teller, db::Id order_id, workflows::Prompts prompts, bool hand_over);
  // Rolls an unfinished order back (workflows::Flows::rollback). Blocks (token, CA).
  OrderOutcome roll_back_order(const workflows::Actor& teller, db::Id order_id, workflows::Prompts prompts);
  // Orders, newest first (100), or the unfinished ones oldest first.
  std::vector<db::ServiceOrder> orders(bool unfinished_only);
  // Archives the receipt (first printing, when not printed yet) and the slip of
  // a completed order. Called by the functions above; idempotent. Blocks (disk).
  ArchivedPapers archive_papers(const workflows::Actor& who, db::Id order_id);

  // ---- receipts and papers ---------------------------------------------------------
  printing::ReceiptData receipt(const std::string& receipt_no);        // RuleRefused(not_found)
  printing::HandoverSlipData slip(db::Id order_id);                    // RuleRefused(not_found)
  printing::Paper paper();
  // Records a printing and writes the PDF (to the archive when out is empty). Blocks (disk).
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
  // Writes the CRL. Blocks (CA, disk).
  void write_crl(const std::filesystem::path& out);

  // ---- authorisation codes (remote unlock) -----------------------------------------
  workflows::IssuedCode issue_unlock_code(const workflows::Actor& supervisor, const std::string& serial, int valid_hours);
  // Blocks (token): the customer's new PIN comes from pins.
  void redeem_unlock_code(const workflows::Actor& teller, const std::string& serial, const Secret& code,
                          workflows::PinPrompt& pins);

  // ---- the supervisor's day ---------------------------------------------------------
  std::vector<std::string> days(const workflows::Actor& who, int limit = 60);
  bool day_closed(const std::string& business_day);
  workflows::DaySummary day_summary(const workflows::Actor& who, const std::string& business_day);
  // The day's entries as CSV (desk/day_export.h); returns the rows written. Blocks (disk).
  std::int64_t export_day_csv(const workflows::Actor& who, const std::string& business_day, const std::filesystem::path& out);
  // The daily report as an A4 PDF. Blocks (disk).
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

 private:
  OrderOutcome finished(const workflows::Actor& teller, workflows::OrderResult r);
  AppContext& ctx_;
};

}  // namespace certdesk::desk
