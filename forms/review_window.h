#pragma once
// The supervisor's review window (issue 6): pick a business day, filter its
// journal (teller, flow, outcome, organisation), see every entry in a virtual
// list — exceptions first — with the day's totals; open an order's history;
// verify the journal with a progress bar; close (sign off) the day. A thin
// view over forms::ReviewModel (review_model.h): no SQLite, no PKCS#11 here.
// Journal verification and the close run on the worker (STYLE habit 10).

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/dialog.h>
#include <wx/frame.h>
#include <wx/gauge.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/timer.h>

#include <atomic>
#include <memory>
#include <string>

#include "forms/review_model.h"
#include "forms/worker.h"

namespace certdesk::forms {

// The day's entries: a wxLC_VIRTUAL list asking the model for the rows it shows.
class ReviewList : public wxListCtrl {
 public:
  ReviewList(wxWindow* parent, ReviewModel& model);
  void reload();   // after the model opened a day

 private:
  wxString OnGetItemText(long item, long column) const override;
  wxListItemAttr* OnGetItemAttr(long item) const override;
  ReviewModel& model_;
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
  ~ReviewWindow() override;

  // Opens the day picked and the filters set (also on every change).
  void open_selected_day();
  // Shows the history of the order on row `row` (double click), when it has one.
  void open_history(long row);
  // Starts the journal verification on the worker (the button).
  void verify_journal();
  // Asks the PIN when needed, confirms, and closes the day on the worker (the button).
  void close_day();

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
  std::string selected_day() const;

  ReviewModel& model_;
  Worker& worker_;
  wxChoice* day_;
  wxChoice* teller_;
  wxChoice* flow_;
  wxChoice* outcome_;
  wxComboBox* organisation_;
  wxButton* verify_;
  wxButton* close_;
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
