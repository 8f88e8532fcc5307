#pragma once
// 修改密码 (issue 14.1): anyone changes their own password from the account
// menu. The current password once, the new one twice; the dialog checks that
// the two new entries match and are long enough (a message next to the field,
// nothing runs), then the desk's change (the one `certdesk-cli staff password`
// calls) on the worker; a refusal — a wrong current password, a new one the
// rules refuse — shows next to its field and changes nothing.

#include <functional>

#include "common/secret.h"
#include "forms/admin_form.h"

namespace certdesk::forms {

class ChangePasswordDialog : public FormDialog {
 public:
  // Worker thread: changes `name`'s password, proving the current one; throws
  // AuthError (a wrong current password, locked) or InputError (the rules).
  using Change = std::function<void(const Secret& current, const Secret& fresh)>;

  ChangePasswordDialog(wxWindow* parent, Worker& worker, const wxString& name, Change change);
  wxTextCtrl* current_field() const { return current_; }
  wxTextCtrl* new_field() const { return new_; }
  wxTextCtrl* again_field() const { return again_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure& f) override;

 private:
  Change change_;
  wxTextCtrl* current_;
  wxTextCtrl* new_;
  wxTextCtrl* again_;
};

// Opens the dialog modal over parent; once changed, says so in a message (a wxGenericMessageDialog).
void show_change_password_dialog(wxWindow* parent, Worker& worker, const wxString& name,
                                 ChangePasswordDialog::Change change);

}  // namespace certdesk::forms
