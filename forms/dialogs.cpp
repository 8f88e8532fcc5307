#include "forms/dialogs.h"

#include <wx/button.h>
#include <wx/intl.h>
#include <wx/sizer.h>
#include <wx/utils.h>

#include "forms/ui.h"

namespace certdesk::forms {

namespace {

// Overwrites a text control's value before clearing it: the best a GTK entry
// allows (its own buffer is not ours to wipe).
void scrub(wxTextCtrl* t) {
  if (!t) return;
  wxString v = t->GetValue();
  t->ChangeValue(wxString('*', v.length()));
  t->ChangeValue(wxEmptyString);
  for (auto it = v.begin(); it != v.end(); ++it) *it = '\0';
}

std::string take_text(wxTextCtrl* t) {
  wxString v = t->GetValue();
  std::string out(v.utf8_str());
  for (auto it = v.begin(); it != v.end(); ++it) *it = '\0';
  return out;
}

wxStaticText* error_text(wxWindow* parent) {
  auto* e = new wxStaticText(parent, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(420, -1));
  e->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
  return e;
}

// The name and password fields of a credentials dialog, in a two-column grid,
// and the error line under them; both added to `top`.
struct CredentialFields {
  wxTextCtrl* name;
  wxTextCtrl* password;
  wxStaticText* error;
};

CredentialFields add_credential_fields(wxWindow* parent, wxBoxSizer* top, const wxString& name_label, int width) {
  auto* grid = new wxFlexGridSizer(2, 8, 8);
  grid->AddGrowableCol(1);
  CredentialFields f;
  f.name = new wxTextCtrl(parent, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(width, -1), wxTE_PROCESS_ENTER);
  f.password = new wxTextCtrl(parent, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(width, -1),
                              wxTE_PASSWORD | wxTE_PROCESS_ENTER);
  grid->Add(new wxStaticText(parent, wxID_ANY, name_label), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(f.name, 1, wxEXPAND);
  grid->Add(new wxStaticText(parent, wxID_ANY, _("Password")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(f.password, 1, wxEXPAND);
  top->Add(grid, 0, wxEXPAND | wxALL, 12);
  f.error = error_text(parent);
  top->Add(f.error, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
  return f;
}

// An OK (default) and a Cancel button with these labels, added to `top`; returns OK.
wxButton* add_ok_cancel(wxWindow* parent, wxBoxSizer* top, const wxString& ok_label, const wxString& cancel_label) {
  auto* buttons = new wxStdDialogButtonSizer();
  auto* ok = new wxButton(parent, wxID_OK, ok_label);
  ok->SetDefault();
  buttons->AddButton(ok);
  buttons->AddButton(new wxButton(parent, wxID_CANCEL, cancel_label));
  buttons->Realize();
  top->Add(buttons, 0, wxEXPAND | wxALL, 12);
  return ok;
}

}  // namespace

// ---- LoginDialog -----------------------------------------------------------------
LoginDialog::LoginDialog(wxWindow* parent, Check check, const wxString& branch)
    : wxDialog(parent, wxID_ANY, _("certdesk — staff login"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE),
      check_(std::move(check)) {
  use_cjk_font(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* title = new wxStaticText(this, wxID_ANY, _("Certificate service counter"));
  title->SetFont(title->GetFont().Bold().Scaled(1.4f));
  top->Add(title, 0, wxALL, 12);
  if (!branch.empty()) top->Add(new wxStaticText(this, wxID_ANY, wxString::Format(_("Branch %s"), branch)), 0, wxLEFT | wxRIGHT, 12);

  auto fields = add_credential_fields(this, top, _("Staff name"), 260);
  name_ = fields.name;
  password_ = fields.password;
  error_ = fields.error;
  auto* ok = add_ok_cancel(this, top, _("Log in"), _("Quit"));
  SetSizerAndFit(top);
  CentreOnScreen();

  name_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { password_->SetFocus(); });
  password_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { on_ok(); });
  ok->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { on_ok(); });
  name_->SetFocus();
}

void LoginDialog::on_ok() {
  std::string name = utf8(name_->GetValue().Strip(wxString::both));
  if (name.empty()) {
    error_->SetLabel(_("Enter your staff name."));
    name_->SetFocus();
    return;
  }
  Secret pw(take_text(password_));
  scrub(password_);
  if (pw.empty()) {
    error_->SetLabel(_("Enter your password."));
    password_->SetFocus();
    return;
  }
  try {
    wxBusyCursor busy;
    actor_ = check_(name, pw);
  } catch (...) {
    Failure f = describe_current_exception();
    error_->SetLabel(describe(f));
    error_->Wrap(420);
    Layout();
    Fit();
    password_->SetFocus();
    return;
  }
  EndModal(wxID_OK);
}

// ---- PinDialog ---------------------------------------------------------------------
PinDialog::PinDialog(wxWindow* parent, const workflows::PinRules& rules, const wxString& token_serial, bool confirm)
    : wxDialog(parent, wxID_ANY, confirm ? _("Customer: choose the token PIN") : _("Customer: enter the token PIN")),
      rules_(rules) {
  use_cjk_font(this, 12);
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* intro = new wxStaticText(
      this, wxID_ANY,
      confirm ? wxString::Format(_("Please hand the keyboard to the customer.\nThe customer types a new PIN for token %s twice."), token_serial)
              : wxString::Format(_("Please hand the keyboard to the customer.\nThe customer types the PIN of token %s."), token_serial));
  top->Add(intro, 0, wxALL, 12);
  top->Add(new wxStaticText(this, wxID_ANY,
                            wxString::Format(_("The PIN has %lu to %lu characters. Nobody else should watch."), rules.min_len,
                                             rules.max_len)),
           0, wxLEFT | wxRIGHT, 12);

  auto* grid = new wxFlexGridSizer(2, 8, 8);
  grid->AddGrowableCol(1);
  first_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(240, -1), wxTE_PASSWORD | wxTE_PROCESS_ENTER);
  grid->Add(new wxStaticText(this, wxID_ANY, confirm ? _("New PIN") : _("PIN")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(first_, 1, wxEXPAND);
  if (confirm) {
    second_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(240, -1), wxTE_PASSWORD | wxTE_PROCESS_ENTER);
    grid->Add(new wxStaticText(this, wxID_ANY, _("New PIN again")), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(second_, 1, wxEXPAND);
  }
  top->Add(grid, 0, wxEXPAND | wxALL, 12);
  hint_ = error_text(this);
  top->Add(hint_, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
  auto* ok = add_ok_cancel(this, top, _("Confirm"), _("Cancel"));
  SetSizerAndFit(top);
  CentreOnParent();

  auto accept = [this] {
    wxString why;
    if (!acceptable(&why)) {
      hint_->SetLabel(why);
      return;
    }
    pin_ = Secret(take_text(first_));
    clear();
    EndModal(wxID_OK);
  };
  ok->Bind(wxEVT_BUTTON, [accept](wxCommandEvent&) { accept(); });
  first_->Bind(wxEVT_TEXT_ENTER, [this, accept](wxCommandEvent&) {
    if (second_)
      second_->SetFocus();
    else
      accept();
  });
  if (second_) second_->Bind(wxEVT_TEXT_ENTER, [accept](wxCommandEvent&) { accept(); });
  first_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { update_hint(); });
  if (second_) second_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { update_hint(); });
  Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { clear(); EndModal(wxID_CANCEL); }, wxID_CANCEL);
  first_->SetFocus();
}

PinDialog::~PinDialog() { clear(); }

bool PinDialog::acceptable(wxString* why) const {
  std::size_t n = first_->GetValue().utf8_str().length();
  if (n < rules_.min_len || n > rules_.max_len) {
    *why = wxString::Format(_("The PIN must have %lu to %lu characters."), rules_.min_len, rules_.max_len);
    return false;
  }
  if (second_ && first_->GetValue() != second_->GetValue()) {
    *why = _("The two entries differ. Type the same PIN twice.");
    return false;
  }
  return true;
}

void PinDialog::update_hint() {
  // Only the length is shown, never the characters.
  std::size_t n = first_->GetValue().length();
  if (n == 0) {
    hint_->SetLabel(wxEmptyString);
    return;
  }
  wxString why;
  hint_->SetLabel(acceptable(&why) ? wxString() : why);
}

void PinDialog::clear() {
  scrub(first_);
  scrub(second_);
}

Secret PinDialog::take() { return std::move(pin_); }

// ---- ApprovalDialog ---------------------------------------------------------------
ApprovalDialog::ApprovalDialog(wxWindow* parent, const wxString& what, const std::string& requester)
    : wxDialog(parent, wxID_ANY, _("Supervisor approval")), requester_(requester) {
  use_cjk_font(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  top->Add(new wxStaticText(this, wxID_ANY, _("A supervisor approves with their own name and password:")), 0, wxALL, 12);
  auto* what_text = new wxStaticText(this, wxID_ANY, what);
  what_text->SetFont(what_text->GetFont().Bold());
  what_text->Wrap(440);
  top->Add(what_text, 0, wxLEFT | wxRIGHT, 12);
  auto fields = add_credential_fields(this, top, _("Supervisor"), 240);
  name_ = fields.name;
  password_ = fields.password;
  error_ = fields.error;
  auto* ok = add_ok_cancel(this, top, _("Approve"), _("Refuse"));
  SetSizerAndFit(top);
  CentreOnParent();

  auto accept = [this] {
    std::string name = utf8(name_->GetValue().Strip(wxString::both));
    if (name.empty()) {
      error_->SetLabel(_("Enter the supervisor's name."));
      name_->SetFocus();
      return;
    }
    if (name == requester_) {
      error_->SetLabel(_("Nobody approves their own work: another person, a supervisor, must approve."));
      scrub(password_);
      name_->SelectAll();
      name_->SetFocus();
      return;
    }
    if (password_->GetValue().empty()) {
      error_->SetLabel(_("Enter the supervisor's password."));
      password_->SetFocus();
      return;
    }
    EndModal(wxID_OK);
  };
  ok->Bind(wxEVT_BUTTON, [accept](wxCommandEvent&) { accept(); });
  name_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { password_->SetFocus(); });
  password_->Bind(wxEVT_TEXT_ENTER, [accept](wxCommandEvent&) { accept(); });
  name_->SetFocus();
}

std::optional<workflows::ApprovalCredentials> ApprovalDialog::take() {
  workflows::ApprovalCredentials c{utf8(name_->GetValue().Strip(wxString::both)), Secret(take_text(password_))};
  scrub(password_);
  return c;
}

}  // namespace certdesk::forms
