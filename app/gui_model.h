#pragma once
// The window's CounterModel (forms/model.h) over the desk (desk/desk.h): each
// method calls one desk function and turns its result into the window's rows.
// Every method but today()/branch()/local_time() runs on the window's worker thread.

#include <string>

#include "desk/desk.h"
#include "forms/counter_tasks.h"
#include "forms/admin_model.h"
#include "forms/model.h"

namespace certdesk::app {

class GuiCounterModel final : public forms::CounterModel, public forms::CounterTasks {
 public:
  explicit GuiCounterModel(desk::AppContext& ctx) : ctx_(ctx), desk_(ctx), embedded_(desk_.embedded_token_store()) {}

  workflows::Actor login(const std::string& name, const Secret& password) override;
  void logout(const workflows::Actor& who) override;
  std::vector<forms::TokenRow> tokens() override;
  std::vector<forms::CustomerRow> find_customers(const std::string& text) override;
  std::vector<forms::HistoryRow> history(std::int64_t organisation_id) override;
  std::vector<forms::UnfinishedRow> unfinished() override;
  workflows::FeeQuote quote(workflows::Flow flow, const std::string& reason) override;
  workflows::OrderResult run_flow(const workflows::Actor& teller, const workflows::ServiceRequest& request,
                                  workflows::Prompts prompts, bool hand_over) override;
  workflows::OrderResult hand_over(const workflows::Actor& teller, std::int64_t order_id) override;
  void archive_papers(const workflows::Actor& who, std::int64_t order_id) override;
  workflows::OrderResult resume(const workflows::Actor& teller, std::int64_t order_id, workflows::Prompts prompts) override;
  workflows::OrderResult roll_back(const workflows::Actor& teller, std::int64_t order_id, workflows::Prompts prompts) override;
  printing::ReceiptData receipt(const std::string& receipt_no) override;
  printing::HandoverSlipData slip(std::int64_t order_id) override;
  printing::Paper paper() override;
  void record_print(const workflows::Actor& who, const std::string& receipt_no) override;
  std::string insert_blank_token() override;
  std::string today() const override;
  std::string branch() const override;
  std::string local_time(std::int64_t unix_seconds) const override;

  // ---- counter tasks (forms/counter_tasks.h; issue 14 points 3 and 4) ----
  forms::CounterTasks* tasks() override { return this; }
  forms::PrinterChoice printers() override;
  void remember_printer(const std::string& name) override;
  forms::PaperPrint print_receipt(const workflows::Actor& who, const std::string& receipt_no, const std::string& printer) override;
  forms::PaperPrint print_slip(const workflows::Actor& who, std::int64_t order_id, const std::string& printer) override;
  workflows::OrderResult resume_and_print(const workflows::Actor& teller, std::int64_t order_id, workflows::Prompts prompts,
                                          const std::string& printer, std::vector<forms::PaperPrint>& prints) override;
  std::vector<forms::ReceiptRow> find_receipts(const std::string& text) override;
  std::filesystem::path void_receipt(const workflows::Actor& who, std::optional<workflows::ApprovalCredentials> supervisor,
                                     const std::string& receipt_no, const std::string& reason) override;
  forms::TokenRecordRow token_record(const std::string& serial) override;
  std::string report_token(const workflows::Actor& who, workflows::TokenReport report, const std::string& serial,
                           const std::string& reason) override;
  forms::IssuedCodeRow issue_unlock_code(const workflows::Actor& supervisor, const std::string& serial, int valid_hours) override;
  void redeem_unlock_code(const workflows::Actor& teller, const std::string& serial, const Secret& code,
                          workflows::PinPrompt& pins) override;
  bool embedded_token_store() const override { return embedded_; }

 private:
  // SoftHSM2 reads its token folder only in C_Initialize: reload the module when
  // the folder changed (a token inserted by certdesk-cli from another terminal).
  void refresh_soft_store();
  desk::AppContext& ctx_;
  desk::Desk desk_;
  std::string store_signature_;
  bool embedded_ = false;   // read once, on the UI thread before the worker starts
};

// The admin's window's model (forms/admin_model.h) over the desk, for the admin
// logged in. Every method runs on the window's worker thread.
class GuiAdminModel final : public forms::AdminModel {
 public:
  GuiAdminModel(desk::AppContext& ctx, workflows::Actor admin) : ctx_(ctx), desk_(ctx), admin_(std::move(admin)) {}
  void logout() override;
  std::vector<forms::StaffRow> staff() override;
  void add_staff(const std::string& name, workflows::Role role, const Secret& password) override;
  void set_enabled(const std::string& name, bool enabled) override;
  void reset_password(const std::string& name, const Secret& password) override;
  void unlock(const std::string& name) override;
  void enrol_token(const std::string& name, const std::string& serial, const Secret& pin) override;
  std::vector<std::string> blank_tokens() override;
  std::vector<forms::FeeRow> fees() override;
  void set_fee(const std::string& item, std::int64_t amount_fen) override;
  std::vector<forms::SettingRow> settings() override;
  void set_setting(const std::string& key, const std::string& value) override;

 private:
  desk::AppContext& ctx_;
  desk::Desk desk_;
  workflows::Actor admin_;
  std::string store_signature_;
};

// Loads the "certdesk" catalog (and wx's own) for the language init_language()
// chose; returns "zh_CN" or "en". Call once, after wxApp exists.
std::string install_translations();

}  // namespace certdesk::app
