#pragma once
// 收据 (issue 14 point 3): find a receipt by its number or by the customer's name
// or USCC, show it (preview), reprint it (marked 重印, through certdesk's printer
// dialog and the journaled print path) and void it with a reason and a
// supervisor's approval — the supervisor's name and password typed here, or the
// logged-in supervisor. The rules (who may void, nobody voids an order they ran)
// are the desk's; refusals show next to the fields and change nothing.

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <vector>

#include "forms/counter_tasks.h"
#include "forms/model.h"
#include "forms/worker.h"

namespace certdesk::forms {

class ReceiptsDialog : public wxDialog {
 public:
  ReceiptsDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor who);

  wxTextCtrl* search_field() const { return search_; }
  wxStaticText* search_error() const { return search_error_; }
  wxListCtrl* list() const { return list_; }
  wxStaticText* details_label() const { return details_; }
  wxButton* preview_button() const { return preview_; }
  wxButton* reprint_button() const { return reprint_; }
  wxTextCtrl* reason_field() const { return reason_; }
  wxTextCtrl* supervisor_field() const { return supervisor_; }      // nullptr for a supervisor
  wxTextCtrl* password_field() const { return password_; }          // nullptr for a supervisor
  wxButton* void_button() const { return void_; }
  wxStaticText* void_error() const { return void_error_; }
  const std::vector<ReceiptRow>& rows() const { return rows_; }
  // True while a search, reprint or void runs on the worker (a click meanwhile is ignored).
  bool busy() const { return busy_; }
  // Finds `text` now (what the search button does).
  void search(const wxString& text);

 private:
  void show_rows();
  void fit_receipt_columns();
  void select_changed();
  const ReceiptRow* selected() const;
  void preview();
  void reprint();
  void void_selected();

  CounterModel& model_;
  Worker& worker_;
  workflows::Actor who_;
  std::vector<ReceiptRow> rows_;
  std::string last_search_;
  bool busy_ = false;
  wxTextCtrl* search_;
  wxStaticText* search_error_;
  wxListCtrl* list_;
  wxStaticText* details_;
  wxButton* preview_;
  wxButton* reprint_;
  wxTextCtrl* reason_;
  wxTextCtrl* supervisor_ = nullptr;
  wxTextCtrl* password_ = nullptr;
  wxButton* void_;
  wxStaticText* void_error_;
};

// The receipts task, modal. Call on the UI thread.
void show_receipts_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& who);

}  // namespace certdesk::forms
