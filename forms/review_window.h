#pragma once
// The supervisor's review window (issue 6): pick a business day, filter its
// journal (teller, flow, outcome, organisation), see every entry in a virtual
// list — exceptions first — with the day's totals; open an order's history;
// verify the journal with a progress bar; close (sign off) the day. A thin
// view over forms::ReviewModel (review_model.h): no SQLite, no PKCS#11 here.
// Journal verification, the close, the exports and corrections run on the
// worker (STYLE habit 10); the close asks the supervisor's token PIN in a
// dialog (prompts_ui.h) from there, so the window stays responsive.

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/dialog.h>
#include <wx/frame.h>
#include <wx/gauge.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/timer.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <wx/weakref.h>

#include "forms/day_dialogs.h"
#include "forms/review_model.h"
#include "forms/worker.h"

namespace certdesk::forms {

// Shared by the local and the hall review windows. A flow's short name ("issue" → 初次办理;
// "" stays ""). refill_choice: `all` first, then each item shown as label(item) and kept as
// its client data; the selection survives when still offered.
wxString flow_name(const wxString& flow);
void refill_choice(wxChoice* c, const std::vector<std::string>& items, const wxString& all,
                   wxString (*label)(const wxString&));
// The stored item (client data) of the choice's selection; "" for the first (`all`).
std::string chosen(const wxChoice* c);
// A labelled filter choice appended to the row; the outcome filter (all / succeeded / failed,
// in ReviewFilter::Outcome's order).
wxChoice* add_filter(wxWindow* parent, wxSizer* row, const wxString& label);
wxChoice* add_outcome_filter(wxWindow* parent, wxSizer* row);

// The day's entries: a wxLC_VIRTUAL list asking its rows' source for what it shows
// (the local review's model or the hall review's rows); with_counter adds the
// counter (workstation) column after the time.
class ReviewList : public wxListCtrl {
 public:
  ReviewList(wxWindow* parent, ReviewRows& rows, bool with_counter = false);
  void reload();   // after the source opened a day

 private:
  wxString OnGetItemText(long item, long column) const override;
  wxListItemAttr* OnGetItemAttr(long item) const override;
  ReviewRows& rows_;
  std::vector<int> columns_;   // list column → the row's field
  mutable wxListItemAttr exception_attr_;
};

// Every entry of one order, across days.
class OrderHistoryDialog : public wxDialog {
 public:
  OrderHistoryDialog(wxWindow* parent, std::int64_t order_id, const std::vector<ReviewRowView>& rows);
  wxListCtrl* list() const { return list_; }

 private:
  wxListCtrl* list_;
};

class ReviewWindow : public wxFrame {
 public:
  // model and worker outlive the window. `who` is shown in the title.
  ReviewWindow(ReviewModel& model, Worker& worker, const wxString& who);
  // The window shares the model with its worker jobs (opened from a menu).
  ReviewWindow(std::shared_ptr<ReviewModel> model, Worker& worker, const wxString& who);
  ~ReviewWindow() override;

  // Opens the day picked and the filters set (also on every change).
  void open_selected_day();
  // Shows the history of the order on row `row` (double click), when it has one.
  void open_history(long row);
  // Starts the journal verification on the worker (the button).
  void verify_journal();
  // Confirms, then closes the day on the worker (the button); the worker asks
  // the PIN of the supervisor's own token when they have one (ask_own_token_pin).
  void close_day();
  // The close itself, once confirmed: on the worker, the PIN asked from there.
  void start_close();
  // Exports the day: asks for the file (wxFileDialog), then export_to.
  void export_day(bool pdf);
  // Writes the day's CSV or PDF to path on the worker.
  void export_to(const std::string& path, bool pdf);
  // A correction entry for the selected row (or a number typed in the dialog).
  CorrectionDialog* open_correction();
  // Selects the business day (when it is listed) and opens it.
  bool select_day(const std::string& day);
  // The last sentence a verify, close or export ended with.
  const wxString& last_result() const { return last_result_; }
  wxChoice* counter_choice() const { return counter_; }
  wxChoice* teller_choice() const { return teller_; }

  ReviewList* list() const { return list_; }
  wxListCtrl* totals() const { return totals_; }
  wxStaticText* summary_text() const { return summary_; }
  wxStaticText* status() const { return status_; }
  wxGauge* gauge() const { return gauge_; }
  wxButton* verify_button() const { return verify_; }
  wxChoice* day_choice() const { return day_; }
  OrderHistoryDialog* last_history() const { return history_; }
  bool busy() const { return busy_; }

 private:
  void fill_filters();
  void show_summary();
  void set_busy(bool b);
  void finish_job(const wxString& result, bool ok);
  std::string selected_day() const;

  std::shared_ptr<ReviewModel> shared_;   // when the window owns its model (may be empty)
  ReviewModel& model_;
  Worker& worker_;
  wxChoice* day_;
  wxChoice* teller_;
  wxChoice* flow_;
  wxChoice* outcome_;
  wxComboBox* organisation_;
  wxChoice* counter_;
  wxButton* verify_;
  wxButton* close_;
  wxButton* export_csv_;
  wxButton* export_pdf_;
  wxButton* correct_;
  wxWeakRef<CorrectionDialog> correction_;
  wxString last_result_;
  wxStaticText* summary_;
  ReviewList* list_;
  wxListCtrl* totals_;
  wxGauge* gauge_;
  wxStaticText* status_;
  wxTimer progress_timer_;
  OrderHistoryDialog* history_ = nullptr;
  bool busy_ = false;
  // Written by the worker, read by the timer on the UI thread.
  struct Progress {
    std::atomic<std::int64_t> done{0}, total{0};
  };
  std::shared_ptr<Progress> progress_ = std::make_shared<Progress>();
};

}  // namespace certdesk::forms
