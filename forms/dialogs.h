#pragma once
// The three small dialogs of the counter: staff login, the customer's PIN
// (typed twice, masked, never echoed) and a supervisor's approval.

#include <wx/dialog.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <functional>
#include <optional>
#include <string>

#include "common/secret.h"
#include "forms/worker.h"
#include "workflows/ports.h"
#include "workflows/staff.h"

namespace certdesk::forms {

// Staff name and password. `check` verifies them (it may throw certdesk::Error;
// a refusal is shown in the dialog, which stays open with the password cleared).
class LoginDialog : public wxDialog {
 public:
  using Check = std::function<workflows::Actor(const std::string& name, const Secret& password)>;
  LoginDialog(wxWindow* parent, Check check, const wxString& branch);

  // Set once the dialog ended with wxID_OK.
  const std::optional<workflows::Actor>& actor() const { return actor_; }
  wxTextCtrl* name_field() const { return name_; }
  wxTextCtrl* password_field() const { return password_; }
  wxStaticText* error_label() const { return error_; }

 private:
  void on_ok();
  Check check_;
  wxTextCtrl* name_;
  wxTextCtrl* password_;
  wxStaticText* error_;
  std::optional<workflows::Actor> actor_;
};

// The customer types the new PIN twice. The token's PIN length rules are shown;
// OK is refused until both entries match and fit the rules. take() moves the PIN
// out and clears both fields.
class PinDialog : public wxDialog {
 public:
  // confirm=false: a current PIN, typed once.
  PinDialog(wxWindow* parent, const workflows::PinRules& rules, const wxString& token_serial, bool confirm = true);
  ~PinDialog() override;
  Secret take();
  wxTextCtrl* first_field() const { return first_; }
  wxTextCtrl* second_field() const { return second_; }
  wxStaticText* hint_label() const { return hint_; }

 private:
  bool acceptable(wxString* why) const;
  void update_hint();
  void clear();
  workflows::PinRules rules_;
  wxTextCtrl* first_;
  wxTextCtrl* second_ = nullptr;
  wxStaticText* hint_;
  Secret pin_;
};

// A supervisor enters their own name and password to approve `what`. The person
// who asks (requester) cannot approve their own work: refused here already, and
// again by StaffService::approve.
class ApprovalDialog : public wxDialog {
 public:
  ApprovalDialog(wxWindow* parent, const wxString& what, const std::string& requester);
  std::optional<workflows::ApprovalCredentials> take();
  wxTextCtrl* name_field() const { return name_; }
  wxTextCtrl* password_field() const { return password_; }
  wxStaticText* error_label() const { return error_; }

 private:
  std::string requester_;
  wxTextCtrl* name_;
  wxTextCtrl* password_;
  wxStaticText* error_;
};

}  // namespace certdesk::forms
