#pragma once
// 介质挂失/解挂 (issue 14 point 3): a token reported temporarily lost (挂失,
// suspend), found again (解挂, only a suspended token) or confirmed lost. The
// token is looked up by serial (it is usually not inserted: the customer lost
// it); only the reports the token state table allows for its state on record
// are enabled (workflows::reports_allowed). A refusal shows next to the field
// and changes nothing.

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include "forms/counter_tasks.h"
#include "forms/model.h"
#include "forms/worker.h"

namespace certdesk::forms {

class TokenReportDialog : public wxDialog {
 public:
  TokenReportDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor who,
                    const std::string& serial = "");
  wxTextCtrl* serial_field() const { return serial_; }
  wxStaticText* state_label() const { return state_; }
  wxTextCtrl* reason_field() const { return reason_; }
  wxButton* report_button(workflows::TokenReport r) const { return buttons_[int(r)]; }
  wxStaticText* message_label() const { return message_; }
  // Looks the serial up now (what the look-up button does).
  void look_up();

 private:
  void report(workflows::TokenReport r);
  void show_record(const TokenRecordRow& row);
  CounterModel& model_;
  Worker& worker_;
  workflows::Actor who_;
  TokenRecordRow record_;
  bool busy_ = false;
  wxTextCtrl* serial_;
  wxStaticText* state_;
  wxTextCtrl* reason_;
  wxButton* buttons_[3] = {};
  wxStaticText* message_;
};

// The token-report task, modal; `serial` prefills the field (e.g. the token panel's). UI thread.
void show_token_report_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& who,
                              const std::string& serial = "");

}  // namespace certdesk::forms
