#pragma once
// The admin's dialogs (issue 14.1): add a person, reset a password, enrol a
// supervisor's signing token, the fee schedule, the settings. Bad input gets a
// message next to its field and changes nothing; the desk checks again.

#include <memory>

#include "forms/admin_form.h"
#include "forms/admin_model.h"

namespace certdesk::forms {

class AddStaffDialog : public FormDialog {
 public:
  AddStaffDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model);
  wxTextCtrl* name_field() const { return name_; }
  wxChoice* role_choice() const { return role_; }
  wxTextCtrl* password_field() const { return password_; }
  wxTextCtrl* again_field() const { return again_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure& f) override;

 private:
  std::shared_ptr<AdminModel> model_;
  wxTextCtrl* name_;
  wxChoice* role_;
  wxTextCtrl* password_;
  wxTextCtrl* again_;
};

class ResetPasswordDialog : public FormDialog {
 public:
  ResetPasswordDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model, const std::string& name);
  wxTextCtrl* password_field() const { return password_; }
  wxTextCtrl* again_field() const { return again_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure&) override { return password_; }

 private:
  std::shared_ptr<AdminModel> model_;
  std::string name_;
  wxTextCtrl* password_;
  wxTextCtrl* again_;
};

// The supervisor types the new PIN of their signing token twice.
class EnrolTokenDialog : public FormDialog {
 public:
  EnrolTokenDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model, const std::string& name,
                   const std::vector<std::string>& blank_serials);
  wxTextCtrl* serial_field() const { return serial_; }
  wxTextCtrl* pin_field() const { return pin_; }
  wxTextCtrl* again_field() const { return again_; }

 protected:
  Task check() override;
  wxWindow* field_for(const Failure& f) override;

 private:
  std::shared_ptr<AdminModel> model_;
  std::string name_;
  wxTextCtrl* serial_;
  wxTextCtrl* pin_;
  wxTextCtrl* again_;
};

// The fee schedule: amounts typed in yuan (common/money.h), stored as fen.
class FeesDialog : public ListEditDialog {
 public:
  FeesDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model);

 protected:
  std::function<std::vector<Row>()> loader() override;
  std::function<void()> saver(const std::string& key, const wxString& value, wxString* error) override;

 private:
  std::shared_ptr<AdminModel> model_;
};

class SettingsDialog : public ListEditDialog {
 public:
  SettingsDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model);

 protected:
  std::function<std::vector<Row>()> loader() override;
  std::function<void()> saver(const std::string& key, const wxString& value, wxString* error) override;

 private:
  std::shared_ptr<AdminModel> model_;
};

}  // namespace certdesk::forms
