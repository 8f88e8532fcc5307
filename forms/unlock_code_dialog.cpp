#include "forms/unlock_code_dialog.h"

#include <wx/intl.h>
#include <wx/sizer.h>

#include <memory>

#include "forms/prompts_ui.h"
#include "forms/task_ui.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {
// A code leaves the window as soon as it is used or the dialog closes.
void wipe(wxTextCtrl* t) {
  if (t) t->ChangeValue(wxEmptyString);
}
}  // namespace

// ---- IssueCodeDialog -------------------------------------------------------------------
IssueCodeDialog::IssueCodeDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor supervisor)
    : wxDialog(parent, wxID_ANY, _("Issue an authorisation code")), model_(model), worker_(worker),
      supervisor_(std::move(supervisor)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(this, wxID_ANY, _("Once the customer's form and stamped copies are checked, issue a code for their "
                                            "token. The code is shown once: read it to the customer.")),
         0, wxALL, 10);
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->AddGrowableCol(1);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Token serial")), 0, wxALIGN_CENTER_VERTICAL);
  serial_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(240, -1));
  grid->Add(serial_, 1, wxEXPAND);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Valid for (hours)")), 0, wxALIGN_CENTER_VERTICAL);
  hours_ = new wxSpinCtrl(this, wxID_ANY, "24", wxDefaultPosition, wxDefaultSize, wxSP_ARROW_KEYS, 1, 168, 24);
  grid->Add(hours_, 0);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Authorisation code")), 0, wxALIGN_CENTER_VERTICAL);
  code_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(240, -1), wxTE_READONLY);
  code_->SetFont(code_->GetFont().Bold().Scaled(1.3f));
  grid->Add(code_, 1, wxEXPAND);
  s->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);
  message_ = add_message_line(this, s);
  issue_ = finish_task_dialog(this, s, _("&Issue code"));
  issue_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { issue(); });
  serial_->SetFocus();
}

IssueCodeDialog::~IssueCodeDialog() { wipe(code_); }

void IssueCodeDialog::issue() {
  CounterTasks* tasks = model_.tasks();
  const std::string serial = utf8(serial_->GetValue().Strip(wxString::both));
  if (serial.empty()) {
    say(message_, _("Enter the serial printed on the customer's token."), false);
    serial_->SetFocus();
    return;
  }
  if (!tasks || busy_) return;
  busy_ = true;
  issue_->Enable(false);
  wipe(code_);
  worker_.run<IssuedCodeRow>(
      this, [tasks, who = supervisor_, serial, hours = hours_->GetValue()] { return tasks->issue_unlock_code(who, serial, hours); },
      [this](IssuedCodeRow c) {
        busy_ = false;
        issue_->Enable(true);
        code_->ChangeValue(wx(c.code));
        say(message_,
            wxString::Format(_("Code for token %s, usable once, valid until %s (local time). It is not shown again."),
                             wx(c.token_serial), wx(c.expires_local)),
            true);
      },
      [this](const Failure& f) {
        busy_ = false;
        issue_->Enable(true);
        say(message_, describe(f), false);
      });
}

// ---- RedeemCodeDialog ------------------------------------------------------------------
RedeemCodeDialog::RedeemCodeDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller,
                                   const std::vector<std::string>& inserted_serials)
    : wxDialog(parent, wxID_ANY, _("Unlock with an authorisation code")), model_(model), worker_(worker),
      teller_(std::move(teller)) {
  use_cjk_font(this);
  auto* s = new wxBoxSizer(wxVERTICAL);
  s->Add(new wxStaticText(this, wxID_ANY, _("Insert the customer's locked token, enter the code a supervisor issued for it; "
                                            "the customer then types the new PIN twice.")),
         0, wxALL, 10);
  auto* grid = new wxFlexGridSizer(2, 6, 8);
  grid->AddGrowableCol(1);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Token serial")), 0, wxALIGN_CENTER_VERTICAL);
  wxArrayString serials;
  for (const auto& v : inserted_serials) serials.Add(wx(v));
  serial_ = new wxComboBox(this, wxID_ANY, serials.empty() ? wxString() : serials[0], wxDefaultPosition, wxSize(240, -1), serials);
  grid->Add(serial_, 1, wxEXPAND);
  grid->Add(new wxStaticText(this, wxID_ANY, _("Authorisation code")), 0, wxALIGN_CENTER_VERTICAL);
  code_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(240, -1), wxTE_PASSWORD);
  grid->Add(code_, 1, wxEXPAND);
  s->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);
  message_ = add_message_line(this, s);
  redeem_ = finish_task_dialog(this, s, _("&Unlock"));
  redeem_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { redeem(); });
  (serials.empty() ? static_cast<wxWindow*>(serial_) : code_)->SetFocus();
}

RedeemCodeDialog::~RedeemCodeDialog() { wipe(code_); }

void RedeemCodeDialog::redeem() {
  CounterTasks* tasks = model_.tasks();
  const std::string serial = utf8(serial_->GetValue().Strip(wxString::both));
  if (serial.empty()) {
    say(message_, _("Choose the serial of the customer's token."), false);
    serial_->SetFocus();
    return;
  }
  if (code_->GetValue().Strip(wxString::both).empty()) {
    say(message_, _("Enter the authorisation code."), false);
    code_->SetFocus();
    return;
  }
  if (!tasks || busy_) return;
  busy_ = true;
  redeem_->Enable(false);
  auto code = std::make_shared<Secret>(utf8(code_->GetValue().Strip(wxString::both)));
  wipe(code_);
  auto pins = std::make_shared<UiPinPrompt>(this);   // asks on the UI thread
  say(message_, _("Unlocking… the customer types the new PIN."), true);
  worker_.run<bool>(
      this,
      [tasks, who = teller_, serial, code, pins] {
        tasks->redeem_unlock_code(who, serial, *code, *pins);
        return true;
      },
      [this, serial](bool) {
        busy_ = false;
        redeem_->Enable(true);
        say(message_, wxString::Format(_("Token %s is unlocked with its new PIN."), wx(serial)), true);
      },
      [this](const Failure& f) {
        busy_ = false;
        redeem_->Enable(true);
        say(message_, describe(f), false);
      });
}

void show_issue_unlock_code_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& supervisor) {
  IssueCodeDialog dlg(parent, model, worker, supervisor);
  dlg.ShowModal();
}

void show_redeem_unlock_code_dialog(wxWindow* parent, CounterModel& model, Worker& worker, const workflows::Actor& teller,
                                    const std::vector<std::string>& inserted_serials) {
  RedeemCodeDialog dlg(parent, model, worker, teller, inserted_serials);
  dlg.ShowModal();
}

}  // namespace certdesk::forms
