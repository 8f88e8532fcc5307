#pragma once
// What the admin's window (forms/admin_frame.h) needs, as an interface the
// window owns (STYLE habit 3): staff accounts, the fee schedule, the settings.
// app/gui_model.cpp implements it over the desk for the person logged in; every
// call runs on the window's worker thread (the desk's one connection and token
// module) and may throw certdesk::Error (AuthError, RuleRefused, InputError).

#include <cstdint>
#include <string>
#include <vector>

#include "common/secret.h"
#include "workflows/staff.h"

namespace certdesk::forms {

struct StaffRow {
  std::string name;
  std::string display_name;
  workflows::Role role = workflows::Role::teller;
  bool active = true;
  int failed_logins = 0;
  std::string locked_until;      // branch-local "YYYY-MM-DD HH:MM" while locked, else ""
  std::string signing_token;     // a supervisor's enrolled token serial, else ""
};

struct FeeRow {
  std::string item;              // "token", "service.update" …
  std::string description;
  std::int64_t amount_fen = 0;
};

struct SettingRow {
  std::string key;
  std::string value;             // "" when unset
  bool editable = true;          // branch and cert_days are fixed at init
};

class AdminModel {
 public:
  virtual ~AdminModel() = default;
  // The admin leaves the window (journaled "logout").
  virtual void logout() = 0;
  virtual std::vector<StaffRow> staff() = 0;
  virtual void add_staff(const std::string& name, workflows::Role role, const Secret& password) = 0;
  virtual void set_enabled(const std::string& name, bool enabled) = 0;
  virtual void reset_password(const std::string& name, const Secret& password) = 0;
  virtual void unlock(const std::string& name) = 0;
  // A supervisor's signing token: the blank token `serial` personalised with
  // the PIN the supervisor types. Blocks (token, CA).
  virtual void enrol_token(const std::string& name, const std::string& serial, const Secret& pin) = 0;
  // Serials of the factory-blank tokens inserted now. Blocks (token).
  virtual std::vector<std::string> blank_tokens() = 0;

  virtual std::vector<FeeRow> fees() = 0;
  virtual void set_fee(const std::string& item, std::int64_t amount_fen) = 0;

  virtual std::vector<SettingRow> settings() = 0;
  // Throws InputError naming what is wrong with the value; nothing changes then.
  virtual void set_setting(const std::string& key, const std::string& value) = 0;
};

}  // namespace certdesk::forms
