#include "forms/prompts_ui.h"

#include <wx/app.h>
#include <wx/intl.h>
#include <wx/sizer.h>
#include <wx/thread.h>

#include <chrono>
#include <future>
#include <memory>

#include "forms/admin_form.h"
#include "forms/dialogs.h"
#include "forms/worker.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {

// Runs f on the UI thread and waits for its result. On the UI thread itself it
// just calls f.
template <class T, class F>
T on_ui_and_wait(F f) {
  if (wxThread::IsMain()) return f();
  // Shared: when the window shuts down the waiting side gives up first.
  auto promise = std::make_shared<std::promise<T>>();
  auto result = promise->get_future();
  auto fn = std::make_shared<F>(std::move(f));
  wxTheApp->CallAfter([promise, fn] {
    try {
      promise->set_value((*fn)());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  while (result.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready)
    if (Worker::stopping()) return T{};   // counts as cancelled
  return result.get();
}

}  // namespace

OwnPinDialog::OwnPinDialog(wxWindow* parent, const wxString& why)
    : wxDialog(parent, wxID_ANY, _("Your token's PIN")) {
  use_cjk_font(this, 12);
  auto* top = new wxBoxSizer(wxVERTICAL);
  top->Add(new wxStaticText(this, wxID_ANY, why), 0, wxALL, 12);
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  row->Add(new wxStaticText(this, wxID_ANY, _("PIN")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 8);
  pin_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxSize(260, -1), wxTE_PASSWORD | wxTE_PROCESS_ENTER);
  row->Add(pin_, 1);
  top->Add(row, 0, wxEXPAND | wxLEFT | wxRIGHT, 12);
  error_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  error_->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
  top->Add(error_, 0, wxEXPAND | wxALL, 12);
  auto* buttons = CreateStdDialogButtonSizer(wxOK | wxCANCEL);
  top->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, 12);
  SetSizerAndFit(top);
  CentreOnParent();
  Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { accept(); }, wxID_OK);
  pin_->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { accept(); });
  pin_->SetFocus();
}

void OwnPinDialog::accept() {
  if (pin_->GetValue().empty()) {
    error_->SetLabel(_("Type the PIN of your own token."));
    return;
  }
  EndModal(wxID_OK);
}

Secret OwnPinDialog::take() { return take_secret(pin_); }

std::optional<Secret> ask_own_token_pin(wxWindow* parent, const wxString& why) {
  wxString w = why;
  return on_ui_and_wait<std::optional<Secret>>([parent, w]() -> std::optional<Secret> {
    OwnPinDialog dlg(parent, w);
    if (dlg.ShowModal() != wxID_OK) return std::nullopt;
    return dlg.take();
  });
}

std::optional<Secret> UiPinPrompt::ask(const workflows::PinRules& rules, std::string_view serial, bool confirm) {
  std::string s(serial);
  return on_ui_and_wait<std::optional<Secret>>([parent = parent_, rules, s, confirm]() -> std::optional<Secret> {
    PinDialog dlg(parent, rules, wx(s), confirm);
    if (dlg.ShowModal() != wxID_OK) return std::nullopt;
    return dlg.take();
  });
}

std::optional<Secret> UiPinPrompt::new_pin(const workflows::PinRules& rules, std::string_view serial) {
  return ask(rules, serial, true);
}

std::optional<Secret> UiPinPrompt::current_pin(const workflows::PinRules& rules, std::string_view serial) {
  return ask(rules, serial, false);
}

std::optional<workflows::ApprovalCredentials> UiApprovalPrompt::approve(std::string_view what) {
  std::string w(what);
  return on_ui_and_wait<std::optional<workflows::ApprovalCredentials>>(
      [parent = parent_, w, requester = requester_]() -> std::optional<workflows::ApprovalCredentials> {
        ApprovalDialog dlg(parent, wx(w), requester);
        if (dlg.ShowModal() != wxID_OK) return std::nullopt;
        return dlg.take();
      });
}

void UiProgress::step(std::string_view what, int done, int total) {
  if (wxThread::IsMain()) {
    show_(std::string(what), done, total);
    return;
  }
  wxTheApp->CallAfter([show = show_, w = std::string(what), done, total] { show(w, done, total); });
}

}  // namespace certdesk::forms
