#include "forms/password_dialog.h"

#include <wx/intl.h>
#include <wx/weakref.h>
#include <wx/msgdlg.h>
#include <wx/generic/msgdlgg.h>

#include <memory>

#include "common/error.h"

namespace certdesk::forms {

ChangePasswordDialog::ChangePasswordDialog(wxWindow* parent, Worker& worker, const wxString& name, Change change)
    : FormDialog(parent, worker, wxString::Format(_("Change the password of %s"), name),
                 _("Type your current password, then the new one twice (at least 8 characters).")),
      change_(std::move(change)) {
  current_ = add_text(_("Current password"), wxTE_PASSWORD);
  new_ = add_text(_("New password"), wxTE_PASSWORD);
  again_ = add_text(_("New password again"), wxTE_PASSWORD);
  finish(_("&Change password"));
  current_->SetFocus();
}

FormDialog::Task ChangePasswordDialog::check() {
  if (current_->GetValue().empty()) {
    set_error(current_, _("Type your current password."));
    return {};
  }
  auto fresh = two_passwords(*this, new_, again_, kMinStaffPassword, _("At least 8 characters."));
  if (!fresh) return {};
  auto current = std::make_shared<Secret>(take_secret(current_));
  return [change = change_, current, fresh] { change(*current, *fresh); };
}

wxWindow* ChangePasswordDialog::field_for(const Failure& f) {
  if (f.code == codes::bad_credentials || f.code == codes::account_locked) return current_;
  if (f.code == codes::invalid_text) return new_;
  return nullptr;
}

void show_change_password_dialog(wxWindow* parent, Worker& worker, const wxString& name,
                                 ChangePasswordDialog::Change change) {
  // On the heap, held weakly: the parent may go (and take its dialogs) while one is open.
  wxWeakRef<ChangePasswordDialog> dlg(new ChangePasswordDialog(parent, worker, name, std::move(change)));
  const int answer = dlg->ShowModal();
  if (dlg) dlg->Destroy();
  if (answer != wxID_OK) return;
  // wx's own message dialog (not GTK's): it serves the event loop like every other dialog.
  wxWeakRef<wxGenericMessageDialog> done(new wxGenericMessageDialog(
      parent, _("Your password is changed. Use the new one from your next login."), _("Change password"),
      wxOK | wxICON_INFORMATION));
  done->ShowModal();
  if (done) done->Destroy();
}

}  // namespace certdesk::forms
