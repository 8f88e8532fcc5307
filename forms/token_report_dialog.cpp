#include "forms/token_report_dialog.h"

#include <wx/intl.h>
#include <wx/sizer.h>

#include "forms/task_ui.h"
#include "forms/ui.h"

namespace certdesk::forms {

TokenReportDialog::TokenReportDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor who,
                                     const std::string& serial)
    : wxDialog(parent, wxID_ANY, _("Token reported lost or found")), model_(model), worker_(worker), who_(std::move(who)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(this, wxID_ANY, _("The customer reports a token: suspend it while it is missing, lift the suspension "
                                            "when it is found, or confirm it lost (then a reissue replaces it).")),
         0, wxALL, 10);
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->AddGrowableCol(1);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Token serial")), 0, wxALIGN_CENTER_VERTICAL);
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  serial_ = new wxTextCtrl(this, wxID_ANY, wx(serial), wxDefaultPosition, wxSize(220, -1), wxTE_PROCESS_ENTER);
  row->Add(serial_, 1, wxRIGHT, 8);
  auto* find = new wxButton(this, wxID_ANY, _("&Look up"));
  row->Add(find);
  grid->Add(row, 1, wxEXPAND);
  grid->AddSpacer(0);
  state_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  grid->Add(state_, 1, wxEXPAND);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Reason")), 0, wxALIGN_CENTER_VERTICAL);
  reason_ = new wxTextCtrl(this, wxID_ANY);
  grid->Add(reason_, 1, wxEXPAND);
  s->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);
  message_ = add_message_line(this, s);
  auto* b = new wxBoxSizer(wxHORIZONTAL);
  buttons_[int(workflows::TokenReport::suspend)] = new wxButton(this, wxID_ANY, _("&Suspend (reported missing)"));
  buttons_[int(workflows::TokenReport::found)] = new wxButton(this, wxID_ANY, _("&Found: lift the suspension"));
  buttons_[int(workflows::TokenReport::lost)] = new wxButton(this, wxID_ANY, _("Confirm &lost"));
  for (auto r : {workflows::TokenReport::suspend, workflows::TokenReport::found, workflows::TokenReport::lost}) {
    b->Add(buttons_[int(r)], 0, wxRIGHT, 8);
    buttons_[int(r)]->Bind(wxEVT_BUTTON, [this, r](wxCommandEvent&) { report(r); });
  }
  b->AddStretchSpacer();
  b->Add(new wxButton(this, wxID_CANCEL, _("Close")));
  s->Add(b, 0, wxEXPAND | wxALL, 10);
  SetSizerAndFit(s);
  CentreOnParent();
  find->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { look_up(); });
  serial_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { look_up(); });
  serial_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { show_record({}); });   // another serial: look it up first
  show_record({});
  if (!serial.empty()) look_up();
  serial_->SetFocus();
}

void TokenReportDialog::show_record(const TokenRecordRow& row) {
  record_ = row;
  for (auto* b : buttons_) b->Enable(false);
  // Only what the table allows for the state on record.
  for (auto r : row.allowed) buttons_[int(r)]->Enable(!busy_);
  if (!row.on_record) {
    state_->SetLabel(wxEmptyString);
    return;
  }
  state_->SetLabel(wxString::Format(_("State on record: %s"), wxGetTranslation(wx(row.state), wxString(), "state")) +
                   (row.allowed.empty() ? "  " + _("(no report applies to a token in this state)") : wxString()));
  Layout();
}

void TokenReportDialog::look_up() {
  CounterTasks* tasks = model_.tasks();
  const std::string serial = utf8(serial_->GetValue().Strip(wxString::both));
  if (serial.empty()) {
    say(message_, _("Enter the serial printed on the customer's token."), false);
    return;
  }
  if (!tasks || busy_) return;
  busy_ = true;
  say(message_, wxEmptyString, false);
  worker_.run<TokenRecordRow>(
      this, [tasks, serial] { return tasks->token_record(serial); },
      [this, serial](TokenRecordRow row) {
        busy_ = false;
        if (utf8(serial_->GetValue().Strip(wxString::both)) != serial) return;   // typed on meanwhile
        if (!row.on_record) say(message_, wxString::Format(_("Token %s is not on record."), wx(serial)), false);
        show_record(row);
      },
      [this](const Failure& f) {
        busy_ = false;
        say(message_, describe(f), false);
      });
}

void TokenReportDialog::report(workflows::TokenReport r) {
  CounterTasks* tasks = model_.tasks();
  if (!tasks || busy_ || !record_.on_record) return;
  const std::string reason = utf8(reason_->GetValue().Strip(wxString::both));
  if (reason.empty() && r != workflows::TokenReport::found) {
    say(message_, _("Give the reason (what the customer reports)."), false);
    reason_->SetFocus();
    return;
  }
  busy_ = true;
  for (auto* b : buttons_) b->Enable(false);
  worker_.run<TokenRecordRow>(
      this,
      [tasks, who = who_, r, serial = record_.serial, reason] {
        tasks->report_token(who, r, serial, reason);
        return tasks->token_record(serial);
      },
      [this](TokenRecordRow row) {
        busy_ = false;
        say(message_,
            wxString::Format(_("Token %s is now %s."), wx(row.serial), wxGetTranslation(wx(row.state), wxString(), "state")),
            true);
        reason_->ChangeValue(wxEmptyString);
        show_record(row);
      },
      [this](const Failure& f) {
        busy_ = false;
        say(message_, describe(f), false);   // refused: nothing changed
        show_record(record_);
      });
}

void show_token_report_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& who,
                              const std::string& serial) {
  TokenReportDialog dlg(parent, model, worker, who, serial);
  dlg.ShowModal();
}

}  // namespace certdesk::forms
