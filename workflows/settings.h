#pragma once
// The settings an admin edits (SPEC §1), each with a type and a range, and the
// one place they are changed: SettingsService::set checks the permission,
// validates the value and journals the change in one transaction. A bad value
// already in the database (written by an older version) never stops the
// application: load_counter_config falls back to the default for that key and
// names the setting to fix.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "db/database.h"
#include "db/journal.h"
#include "workflows/services.h"
#include "workflows/staff.h"

namespace certdesk::workflows {

enum class SettingType {
  text,          // printable text up to max characters
  integer,       // a whole number in [min, max]
  choice,        // one of choices
  module_path,   // a PKCS#11 library that loads and has slots (checked through ModuleProbe)
  timezone,      // an IANA zone name that exists in the system's zoneinfo
};

struct SettingSpec {
  const char* key;
  SettingType type;
  std::int64_t min = 0, max = 0;        // integer: the range; text: max = the longest value
  std::vector<const char*> choices;     // choice: the allowed values
  const char* fallback = "";            // the value a missing or bad entry is read as
  bool admin_editable = true;           // branch and cert_days are fixed at init
};

// Every setting, in the order `settings show` lists them.
const std::vector<SettingSpec>& setting_specs();
// A workstation code: 1 to 8 of A-Z and 0-9 ("W01").
bool valid_workstation_code(std::string_view code);
// True once the workstation code is part of the record: a receipt was numbered in its
// series or the counter joined a hall (docs/hall.md).
bool workstation_code_fixed(db::Database& db);

// Nothing for a key that is not a setting.
const SettingSpec* find_setting(std::string_view key);

// Checks that a PKCS#11 library can be used: the app implements it with pki
// (load the library, list its slots), tests script it. May block (loads a
// library): call it off the window's thread.
class ModuleProbe {
 public:
  virtual ~ModuleProbe() = default;
  // Empty when the library at path loads and has at least one slot; else a
  // sentence saying why not (translated).
  virtual std::string problem_with(const std::string& path) = 0;
};

// What is wrong with value for the setting, translated, naming the key and the
// allowed range; nothing when it is fine. With no probe a module path is only
// checked to be an absolute path to a regular file.
std::optional<std::string> setting_problem(const SettingSpec& spec, std::string_view value, ModuleProbe* probe = nullptr);

// The counter's configuration read from the settings, never failing: each
// missing setting gives its default, each bad one its default and a line in
// problems naming the key, the stored value and what it must be.
struct LoadedConfig {
  CounterConfig config;
  std::vector<std::string> problems;
};
LoadedConfig load_counter_config(db::Database& db);

// An integer setting (staff_lockout_minutes, clock_tolerance_seconds, …) as
// stored when it is in range, else its default: a bad stored value never
// stops a login or a start (load_counter_config names it). Throws InputError
// for a key that is not an integer setting.
std::int64_t integer_setting(db::Database& db, std::string_view key);

class SettingsService {
 public:
  SettingsService(db::Database& db, db::Journal& journal, const Clock& clock, ModuleProbe* probe = nullptr)
      : db_(db), journal_(journal), clock_(clock), probe_(probe) {}

  // An admin changes one setting. Throws AuthError(permission_denied) for
  // anyone else, InputError(bad_request) for an unknown or fixed key or a
  // value outside its type and range (the message names the key and what it
  // must be); nothing changes then. Journals "setting.changed" ("key: old →
  // new") with the change. Returns the value stored.
  std::string set(const Actor& actor, const std::string& key, const std::string& value);

  struct Entry {
    std::string key;
    std::string value;                  // as stored ("" when missing)
    std::optional<std::string> problem; // a bad value left by an older version
  };
  // Every setting with its stored value and, when bad, what is wrong (no probe
  // is asked: listing never loads a library).
  std::vector<Entry> all();

 private:
  db::Database& db_;
  db::Journal& journal_;
  const Clock& clock_;
  ModuleProbe* probe_;
};

}  // namespace certdesk::workflows
