#pragma once
// The supervisor's hall review (issue 12.5): every counter of the branch for a
// business day — filters by counter, teller, flow and outcome; the counters that
// stopped shipping and the exceptions first; totals per counter and in all; a
// double click shows an entry's full record. A thin view over
// forms::HallReviewModel (hall_review_model.h) sharing the local review's list
// (forms::ReviewList). The hall is read on the worker (STYLE habit 10): the
// window stays responsive, and an unreachable hall is a message in the window.

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/dialog.h>
#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/weakref.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "forms/hall_review_model.h"
#include "forms/review_window.h"
#include "forms/worker.h"

namespace certdesk::forms {

// An entry's full record: a label and its value per line.
class RecordDialog : public wxDialog {
 public:
  RecordDialog(wxWindow* parent, const wxString& title, const std::vector<std::pair<std::string, std::string>>& fields);
  wxListCtrl* list() const { return list_; }

 private:
  wxListCtrl* list_;
};

class HallReviewWindow : public wxFrame, private ReviewRows {
 public:
  // The worker outlives the window; the jobs hold the model. `who` is shown in the title.
  HallReviewWindow(std::shared_ptr<HallReviewModel> model, Worker& worker, const wxString& who);

  // Reads the selected day with the filters set, on the worker (also on every change and 刷新).
  void reload();
  // Selects the business day (when it is listed) and reloads.
  bool select_day(const std::string& day);
  // Selects the counter filter by its code ("" = every counter) and reloads; false when not offered.
  bool select_counter(const std::string& code);
  // Shows row's full record (the double click).
  void open_record(long row);

  ReviewList* list() const { return list_; }
  wxListCtrl* totals() const { return totals_; }
  wxStaticText* summary_text() const { return summary_; }
  wxStaticText* status() const { return status_; }
  wxChoice* day_choice() const { return day_; }
  wxChoice* counter_choice() const { return counter_; }
  wxChoice* teller_choice() const { return teller_; }
  wxChoice* flow_choice() const { return flow_; }
  wxChoice* outcome_choice() const { return outcome_; }
  RecordDialog* last_record() const { return record_; }
  const HallDayView& view() const { return view_; }
  bool busy() const { return loading_; }
  // Loads finished (read or failed) since the window opened.
  int loads() const { return loads_; }
  // The last load failed (the hall could not be read); the message is in status().
  bool failed() const { return failed_; }

 private:
  std::size_t row_count() const override { return view_.rows.size(); }
  ReviewRowView row(std::size_t i) override { return i < view_.rows.size() ? view_.rows[i] : ReviewRowView{}; }
  ReviewFilter filter() const;
  std::string selected_day() const;
  void show(HallDayView v);
  void fill_filters();
  void show_totals();

  std::shared_ptr<HallReviewModel> model_;
  Worker& worker_;
  wxChoice* day_;
  wxButton* refresh_;
  wxChoice* counter_;
  wxChoice* teller_;
  wxChoice* flow_;
  wxChoice* outcome_;
  wxStaticText* summary_;
  ReviewList* list_;
  wxListCtrl* totals_;
  wxStaticText* status_;
  wxWeakRef<RecordDialog> record_;
  HallDayView view_;
  bool loading_ = false, again_ = false, failed_ = false;
  int loads_ = 0;
};

}  // namespace certdesk::forms
