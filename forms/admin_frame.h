#pragma once
// The admin's window (issue 14.1): the staff list with its actions (add,
// disable / enable, reset a password, lift a lockout, enrol a supervisor's
// signing token), and the fee schedule and settings editors, from the menus
// the admin's role gets (app::role_menus) and the account menu. A thin view
// over forms::AdminModel (admin_model.h); every call runs on the worker.

#include <wx/button.h>
#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/weakref.h>

#include <memory>
#include <vector>

#include "forms/admin_dialogs.h"
#include "forms/admin_model.h"
#include "forms/counter_frame.h"
#include "forms/worker.h"

namespace certdesk::forms {

class AdminFrame : public wxFrame {
 public:
  // The frame shares the model with its worker jobs; worker outlives the frame.
  AdminFrame(std::shared_ptr<AdminModel> model, Worker& worker, workflows::Actor admin, const wxString& branch,
             std::vector<RoleMenuBlock> role_menus, SessionEnded ended = {});
  ~AdminFrame() override;

  const workflows::Actor& actor() const { return admin_; }
  // Reloads the staff list (on the worker).
  void reload_staff();
  // The dialogs of the menus and buttons (modeless; one of each at a time).
  AddStaffDialog* open_add_staff();
  ResetPasswordDialog* open_reset_password();
  EnrolTokenDialog* open_enrol_token();
  FeesDialog* open_fees();
  SettingsDialog* open_settings();
  // Disables or enables the selected person; lifts the selected person's lockout.
  void toggle_selected();
  void unlock_selected();
  // Selects the person called name in the list.
  bool select(const std::string& name);
  void end_session(SessionEnd how);

  wxListCtrl* staff_list() const { return list_; }
  wxStaticText* status() const { return status_; }
  const std::vector<StaffRow>& rows() const { return rows_; }
  bool busy() const { return busy_; }
  int reloads() const { return reloads_; }

 private:
  std::string selected_name() const;
  template <class D>
  D* open(wxWeakRef<D>& slot, const std::function<D*()>& make);
  void run_on_selected(const std::function<void(AdminModel&, const std::string&)>& act, const wxString& done);

  std::shared_ptr<AdminModel> model_;
  Worker& worker_;
  workflows::Actor admin_;
  SessionEnded ended_;
  SessionEnd how_ = SessionEnd::quit;
  wxListCtrl* list_;
  wxStaticText* status_;
  std::vector<StaffRow> rows_;
  bool busy_ = false;
  int reloads_ = 0;
  wxWeakRef<AddStaffDialog> add_;
  wxWeakRef<ResetPasswordDialog> reset_;
  wxWeakRef<EnrolTokenDialog> enrol_;
  wxWeakRef<FeesDialog> fees_;
  wxWeakRef<SettingsDialog> settings_;
};

}  // namespace certdesk::forms
