#pragma once
// The teller's main window: the live token panel (polled on the worker about
// once a second), the service-order area (order_page.h) and the customer's
// history. Enter advances, Esc goes back. Closing waits for a running flow.

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/timer.h>

#include <memory>
#include <vector>

#include "forms/counter_tasks.h"
#include "forms/order_page.h"
#include "forms/model.h"
#include "forms/token_panel.h"
#include "forms/worker.h"

namespace certdesk::forms {

// The orders a crash or a pulled token left unfinished, with resume / roll back.
class UnfinishedDialog : public wxDialog {
 public:
  UnfinishedDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller,
                   std::vector<UnfinishedRow> rows);
  wxListCtrl* list() const { return list_; }
  wxStaticText* status_label() const { return status_; }
  // Orders resumed or rolled back while the dialog was open.
  const std::vector<std::int64_t>& handled() const { return handled_; }

 private:
  void act(bool resume);
  // A resumed order's papers that did not come out: offered as PDF.
  void show_prints(const std::vector<PaperPrint>& prints);
  CounterModel& model_;
  Worker& worker_;
  workflows::Actor teller_;
  std::vector<UnfinishedRow> rows_;
  wxListCtrl* list_;
  wxStaticText* status_;
  std::vector<std::int64_t> handled_;
  bool busy_ = false;
  wxButton* pdf_;
  std::vector<PaperPrint> not_printed_;
};

class CounterFrame : public wxFrame {
 public:
  // The frame owns no model; model and worker outlive it.
  CounterFrame(CounterModel& model, Worker& worker, workflows::Actor teller);
  ~CounterFrame() override;

  TokenPanel* tokens() const { return tokens_; }
  OrderPage* order_page() const { return order_page_; }
  wxListCtrl* history() const { return history_; }
  // Polls done since the window opened (tests wait on it).
  int polls() const { return polls_; }
  // Shows the unfinished orders if there are any (at login) or always (menu).
  void check_unfinished(bool always);

 private:
  void poll();
  void load_history(std::int64_t organisation_id);
  void history_of(const std::string& uscc);
  void on_key(wxKeyEvent& e);

  CounterModel& model_;
  Worker& worker_;
  workflows::Actor teller_;
  TokenPanel* tokens_;
  OrderPage* order_page_;
  wxListCtrl* history_;
  wxTimer poll_timer_;
  bool poll_in_flight_ = false;
  bool busy_ = false;
  int polls_ = 0;
  int modal_depth_ = 0;
  bool close_pending_ = false;   // dialogs on the stack of this window's handlers
};

}  // namespace certdesk::forms
