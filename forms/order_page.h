#pragma once
// The service-order area: a flow picker (新办 issue, 补办 reissue, 解锁 unlock,
// 更新 update, 换介质 replace, 注销 cancel; F2…F7 from the window) and one page
// sequence customer → documents → fee and payment → token → handover → done for
// the chosen flow (workflows::Flows::run through CounterModel::run_flow).
// Enter advances, Esc goes back, focus lands in the first field of each page.
// The documents are reviewed as the teller types (workflows::review_documents);
// a problem without an override blocks the sequence. Token and database work go
// to the worker; the page shows progress and stays responsive.

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/gauge.h>
#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/simplebook.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/timer.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forms/model.h"
#include "forms/printer_dialog.h"
#include "forms/worker.h"

namespace certdesk::forms {

class OrderPage : public wxPanel {
 public:
  enum Step { customer = 0, documents, payment, token, handover, done, step_count };

  struct Hooks {
    std::function<void(std::int64_t organisation_id)> customer_selected;   // show the history
    std::function<void(bool busy)> busy;                                   // a flow is running
    std::function<void()> finished;                                        // an order reached the handover/done page
  };

  OrderPage(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller, Hooks hooks);
  ~OrderPage() override;

  // The latest token poll: blank tokens are offered for personalisation
  // (issue/reissue/replace), the customer's tokens for unlock/update/cancel.
  void set_tokens(const std::vector<TokenRow>& rows);
  // Chooses the flow; the sequence restarts at the customer page. Refused
  // (false) while a flow runs or an order waits for its handover.
  bool set_flow(workflows::Flow flow);
  workflows::Flow flow() const { return flow_; }
  // Enter / Esc from the window's key hook.
  void advance();
  void go_back();
  void reset();

  Step step() const { return step_; }
  bool running() const { return running_; }
  workflows::ServiceRequest request() const;
  const workflows::OrderResult& result() const { return result_; }

  // For tests and the window: the controls a teller reaches.
  wxTextCtrl* search_field() const { return search_; }
  wxListCtrl* results_list() const { return results_; }
  wxTextCtrl* org_name_field() const { return org_name_; }
  wxTextCtrl* uscc_field() const { return uscc_; }
  wxTextCtrl* handler_name_field() const { return handler_name_; }
  wxTextCtrl* handler_id_field() const { return handler_id_; }
  wxCheckBox* present_box(std::size_t i) const { return i < present_.size() ? present_[i] : nullptr; }
  wxCheckBox* stamped_box(std::size_t i) const { return i < stamped_.size() ? stamped_[i] : nullptr; }
  wxStaticText* problems_label() const { return problems_; }
  wxTextCtrl* amount_field() const { return amount_; }
  wxComboBox* token_choice() const { return token_serial_; }
  wxGauge* gauge() const { return gauge_; }
  wxListBox* step_log() const { return log_; }
  wxButton* next_button() const { return next_; }
  wxButton* back_button() const { return back_; }
  wxStaticText* done_label() const { return done_text_; }
  wxButton* print_receipt_button() const { return print_receipt_; }
  wxButton* preview_receipt_button() const { return preview_receipt_; }
  wxButton* print_slip_button() const { return print_slip_; }
  wxButton* preview_slip_button() const { return preview_slip_; }
  wxStaticText* handover_label() const { return handover_text_; }
  // The handover page's papers (issue 14.4): printed through certdesk's printer dialog.
  wxButton* print_papers_button() const { return print_papers_; }
  wxStaticText* handover_print_label() const { return handover_print_text_; }
  wxStaticText* done_print_label() const { return done_print_text_; }
  wxTextCtrl* note_field() const { return note_; }
  wxChoice* flow_choice() const { return flow_choice_; }
  wxChoice* reason_choice() const { return reason_; }
  wxCheckBox* wipe_box() const { return wipe_; }

 private:
  wxWindow* build_customer_page(wxWindow* book);
  wxWindow* build_documents_page(wxWindow* book);
  wxWindow* build_payment_page(wxWindow* book);
  wxWindow* build_token_page(wxWindow* book);
  wxWindow* build_handover_page(wxWindow* book);
  wxWindow* build_done_page(wxWindow* book);

  void show(Step s);
  void update_buttons();
  void search_now();
  void pick_customer(long row);
  void validate_field(wxTextCtrl* field, wxStaticText* label, bool id_number);
  // Reviews the documents; true when nothing blocks. Shows the problems.
  bool review();
  void ask_override();
  void load_quote();
  void start_flow();
  void hand_over();
  // Archives the completed order's papers on the worker once the 完成 page
  // shows; the page's print buttons wait for it (issue 14.8).
  void archive_papers();
  // The order's receipt or handover slip: a print preview (laid out on the
  // worker; no printer icon), or printed through print_to_printer.
  void print_document(bool receipt, bool preview);
  // The handover page: the receipt (when there is one) and the slip, before the customer leaves.
  void print_handover_papers();
  // certdesk's printer dialog and the desk's one print path (forms/printer_dialog.h):
  // archived, sent, followed, journaled once; the outcome shown in `status`.
  void print_to_printer(std::vector<PaperToPrint> papers, wxStaticText* status);
  std::int64_t amount_fen(bool* ok) const;
  void rebuild_checklist();
  void fill_token_choice();
  void clear_order();
  bool personalises() const;   // the flow works on a new blank token
  std::string reason_code() const;

  CounterModel& model_;
  Worker& worker_;
  workflows::Actor teller_;
  Hooks hooks_;
  std::string today_;
  Step step_ = customer;
  workflows::Flow flow_ = workflows::Flow::issue;
  std::vector<TokenRow> token_rows_;
  std::vector<std::string> customer_tokens_;   // the chosen customer's token serials on record
  bool running_ = false;
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);

  std::vector<CustomerRow> found_;
  std::optional<CustomerRow> chosen_;
  std::vector<workflows::ChecklistItem> items_;
  std::map<std::string, std::string> overrides_;
  std::string uscc_override_;
  std::optional<workflows::FeeQuote> quote_;
  workflows::OrderResult result_;
  bool papers_ready_ = false;   // the 完成 page's order: archive_papers finished (or failed)

  wxStaticText* steps_[step_count] = {};
  wxChoice* flow_choice_;
  wxStaticText* title_;
  wxSimplebook* book_;
  wxButton* back_;
  wxButton* next_;
  wxTimer search_timer_;

  // customer
  wxTextCtrl* search_;
  wxListCtrl* results_;
  wxTextCtrl* org_name_;
  wxTextCtrl* uscc_;
  wxStaticText* uscc_check_;
  wxTextCtrl* handler_name_;
  wxTextCtrl* handler_id_;
  wxStaticText* id_check_;
  // documents
  wxPanel* checklist_panel_;
  wxStaticText* reason_label_;
  wxChoice* reason_;
  std::vector<wxCheckBox*> present_;
  std::vector<wxCheckBox*> stamped_;
  wxChoice* business_type_;
  wxStaticText* problems_;
  wxButton* override_;
  // payment
  wxStaticText* fee_lines_;
  wxChoice* method_;
  wxTextCtrl* amount_;
  wxTextCtrl* invoice_;
  wxTextCtrl* waiver_;
  // token
  wxStaticText* token_intro_;
  wxStaticText* token_label_;
  wxCheckBox* wipe_;
  wxComboBox* token_serial_;
  wxGauge* gauge_;
  wxStaticText* step_text_;
  wxListBox* log_;
  wxTextCtrl* note_;   // a scratch field: typing works while the token is busy
  // handover / done
  wxStaticText* handover_text_;
  wxStaticText* done_text_;
  wxButton* print_receipt_ = nullptr;
  wxButton* preview_receipt_ = nullptr;
  wxButton* print_slip_ = nullptr;
  wxButton* preview_slip_ = nullptr;
  wxStaticText* done_print_text_ = nullptr;
  wxButton* print_papers_ = nullptr;
  wxButton* handover_preview_receipt_ = nullptr;
  wxButton* handover_preview_slip_ = nullptr;
  wxStaticText* handover_print_text_ = nullptr;
};

}  // namespace certdesk::forms
