#pragma once
// The workflow prompts (workflows/ports.h) for people at the counter. A flow
// runs on the worker thread; these ask on the UI thread (CallAfter) and wait
// for the answer there, so the window keeps painting while the customer types.

#include <type_traits>

#include <wx/dialog.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/weakref.h>
#include <wx/window.h>

#include <functional>
#include <string>

#include "workflows/ports.h"

namespace certdesk::forms {

// Asks the person at the window for the PIN of their own token (a supervisor's
// signing token), in a dialog on the UI thread; from the worker it waits for
// the answer. nullopt = cancelled.
std::optional<Secret> ask_own_token_pin(wxWindow* parent, const wxString& why);

// The dialog ask_own_token_pin shows (tests type into it).
class OwnPinDialog : public wxDialog {
 public:
  OwnPinDialog(wxWindow* parent, const wxString& why);
  wxTextCtrl* pin_field() const { return pin_; }
  wxStaticText* error_label() const { return error_; }
  // OK: refused (a message under the field) while the field is empty.
  void accept();
  Secret take();

 private:
  wxTextCtrl* pin_;
  wxStaticText* error_;
};

class UiPinPrompt final : public workflows::PinPrompt {
 public:
  explicit UiPinPrompt(wxWindow* parent) : parent_(parent) {}
  std::optional<Secret> new_pin(const workflows::PinRules& rules, std::string_view serial) override;
  std::optional<Secret> current_pin(const workflows::PinRules& rules, std::string_view serial) override;

 private:
  std::optional<Secret> ask(const workflows::PinRules& rules, std::string_view serial, bool confirm);
  wxWindow* parent_;   // only touched on the UI thread
};

class UiApprovalPrompt final : public workflows::ApprovalPrompt {
 public:
  UiApprovalPrompt(wxWindow* parent, std::string requester) : parent_(parent), requester_(std::move(requester)) {}
  std::optional<workflows::ApprovalCredentials> approve(std::string_view what) override;

 private:
  wxWindow* parent_;
  std::string requester_;
};

// Forwards each step to `show` on the UI thread (not waiting).
class UiProgress final : public workflows::Progress {
 public:
  using Show = std::function<void(const std::string& what, int done, int total)>;
  explicit UiProgress(Show show) : show_(std::move(show)) {}
  void step(std::string_view what, int done, int total) override;

 private:
  Show show_;
};

}  // namespace certdesk::forms
