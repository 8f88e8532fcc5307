#include "forms/admin_dialogs.h"

#include <wx/intl.h>

#include "common/error.h"
#include "common/i18n.h"
#include "common/money.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {

const workflows::Role kRoles[] = {workflows::Role::teller, workflows::Role::supervisor, workflows::Role::admin};

}  // namespace

// ---- AddStaffDialog ------------------------------------------------------------------

AddStaffDialog::AddStaffDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model)
    : FormDialog(parent, worker, _("Add a person"), _("The person logs in with this name and password.")),
      model_(std::move(model)) {
  name_ = add_text(_("Login name"));
  wxArrayString roles;
  for (auto r : kRoles) roles.Add(wxGetTranslation(wx(workflows::to_string(r))));
  role_ = add_choice(_("Role"), roles);
  password_ = add_text(_("Password"), wxTE_PASSWORD);
  again_ = add_text(_("Password again"), wxTE_PASSWORD);
  finish(_("&Add"));
  name_->SetFocus();
}

FormDialog::Task AddStaffDialog::check() {
  std::string name = utf8(name_->GetValue().Trim().Trim(false));
  if (name.empty()) {
    set_error(name_, _("Type the login name."));
    return {};
  }
  auto pw = two_passwords(*this, password_, again_, kMinStaffPassword, _("At least 8 characters."));
  if (!pw) return {};
  workflows::Role role = kRoles[std::max(0, role_->GetSelection())];
  return [m = model_, name, role, pw] { m->add_staff(name, role, *pw); };
}

wxWindow* AddStaffDialog::field_for(const Failure& f) {
  if (f.code == codes::duplicate || f.code == codes::invalid_text || f.code == codes::bad_request) return name_;
  return nullptr;
}

// ---- ResetPasswordDialog ---------------------------------------------------------------

ResetPasswordDialog::ResetPasswordDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model,
                                         const std::string& name)
    : FormDialog(parent, worker, wxString::Format(_("New password for %s"), wx(name)),
                 _("The new password also lifts a lockout. Tell it to the person in private.")),
      model_(std::move(model)), name_(name) {
  password_ = add_text(_("New password"), wxTE_PASSWORD);
  again_ = add_text(_("New password again"), wxTE_PASSWORD);
  finish(_("&Set password"));
  password_->SetFocus();
}

FormDialog::Task ResetPasswordDialog::check() {
  auto pw = two_passwords(*this, password_, again_, kMinStaffPassword, _("At least 8 characters."));
  if (!pw) return {};
  return [m = model_, name = name_, pw] { m->reset_password(name, *pw); };
}

// ---- EnrolTokenDialog --------------------------------------------------------------------

EnrolTokenDialog::EnrolTokenDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model, const std::string& name,
                                   const std::vector<std::string>& blank_serials)
    : FormDialog(parent, worker, wxString::Format(_("Signing token for %s"), wx(name)),
                 wxString::Format(_("Insert a blank token for %s. A key is made on it for signing day closes.\nHand the keyboard to %s: only they type the token's new PIN."),
                                  wx(name), wx(name))),
      model_(std::move(model)), name_(name) {
  serial_ = add_text(_("Token serial"), 0, blank_serials.empty() ? wxString() : wx(blank_serials.front()));
  pin_ = add_text(_("New PIN"), wxTE_PASSWORD);
  again_ = add_text(_("New PIN again"), wxTE_PASSWORD);
  finish(_("&Enrol"));
  if (blank_serials.empty()) set_error(serial_, _("No blank token is inserted now."));
  pin_->SetFocus();
}

FormDialog::Task EnrolTokenDialog::check() {
  std::string serial = utf8(serial_->GetValue().Trim().Trim(false));
  if (serial.empty()) {
    set_error(serial_, _("Type the token's serial (printed on the key)."));
    return {};
  }
  auto pin = two_passwords(*this, pin_, again_, 4, _("At least 4 characters."));
  if (!pin) return {};
  return [m = model_, name = name_, serial, pin] { m->enrol_token(name, serial, *pin); };
}

wxWindow* EnrolTokenDialog::field_for(const Failure& f) {
  if (f.code == codes::pin_length) return pin_;   // the token's PIN length rules
  if (f.kind == ErrorKind::token || f.code == codes::duplicate || f.code == codes::not_found) return serial_;
  return nullptr;
}

// ---- FeesDialog ------------------------------------------------------------------------

namespace {
wxArrayString fee_columns() {
  wxArrayString c;
  c.Add(_("Item"));
  c.Add(_("Printed as"));
  c.Add(_("Amount (yuan)"));
  return c;
}
wxArrayString setting_columns() {
  wxArrayString c;
  c.Add(_("Setting"));
  c.Add(_("Meaning"));
  c.Add(_("Value"));
  return c;
}

// What each setting means, for the admin who reads the key (issue 14.6); the key
// stays shown, as certdesk-cli settings set takes it.
wxString setting_meaning(const std::string& key) {
  static const std::pair<const char*, const char*> meanings[] = {
      {"branch", tr_noop("Branch code")},
      {"branch_name", tr_noop("Branch name")},
      {"workstation", tr_noop("Workstation code")},
      {"pkcs11_module", tr_noop("Token module (PKCS#11)")},
      {"key_algorithm", tr_noop("Key algorithm")},
      {"paper", tr_noop("Paper size")},
      {"cert_days", tr_noop("Certificate validity (days)")},
      {"renewal_opens_days_before", tr_noop("Renewal opens (days before expiry)")},
      {"renewal_closes_days_after", tr_noop("Renewal closes (days after expiry)")},
      {"utc_offset_minutes", tr_noop("Offset from UTC (minutes)")},
      {"timezone", tr_noop("Time zone")},
      {"staff_lockout_minutes", tr_noop("Lockout after wrong passwords (minutes)")},
      {"clock_tolerance_seconds", tr_noop("Clock tolerance (seconds)")},
      {"hall_late_minutes", tr_noop("Hall: a counter is late after (minutes)")},
  };
  for (const auto& [k, meaning] : meanings)
    if (key == k) return wxGetTranslation(meaning);
  return wxString();
}
}  // namespace

FeesDialog::FeesDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model)
    : ListEditDialog(parent, worker, _("Fee schedule"), fee_columns(), _("Amount (yuan)")), model_(std::move(model)) {
  reload();
}

std::function<std::vector<ListEditDialog::Row>()> FeesDialog::loader() {
  return [m = model_] {
    std::vector<Row> rows;
    for (const auto& f : m->fees()) {
      wxString amount = wx(money::format_fen(f.amount_fen));
      rows.push_back({f.item, {wx(f.item), wx(f.description), amount}, amount, true});
    }
    return rows;
  };
}

std::function<void()> FeesDialog::saver(const std::string& key, const wxString& value, wxString* error) {
  std::string text = utf8(value);
  money::ParsedAmount a = money::try_parse_yuan(text);
  if (!a.fen) {
    *error = wx(money::describe(a.problem, text));
    return {};
  }
  return [m = model_, key, fen = *a.fen] { m->set_fee(key, fen); };
}

// ---- SettingsDialog ----------------------------------------------------------------------

SettingsDialog::SettingsDialog(wxWindow* parent, Worker& worker, std::shared_ptr<AdminModel> model)
    : ListEditDialog(parent, worker, _("Settings"), setting_columns(), _("Value")), model_(std::move(model)) {
  reload();
}

std::function<std::vector<ListEditDialog::Row>()> SettingsDialog::loader() {
  return [m = model_] {
    std::vector<Row> rows;
    for (const auto& s : m->settings())
      rows.push_back({s.key, {wx(s.key), setting_meaning(s.key), wx(s.value)}, wx(s.value), s.editable});
    return rows;
  };
}

std::function<void()> SettingsDialog::saver(const std::string& key, const wxString& value, wxString* error) {
  std::string v = utf8(value.Strip(wxString::both));
  if (v.empty()) {
    *error = _("Type a value; an empty one is not a setting.");
    return {};
  }
  // The type and range are checked by the desk (workflows::SettingsService): its
  // message, naming the key and what it must be, comes back next to the field.
  return [m = model_, key, v] { m->set_setting(key, v); };
}

}  // namespace certdesk::forms
