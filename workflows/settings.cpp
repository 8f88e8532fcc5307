#include "workflows/settings.h"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/repositories.h"

namespace certdesk::workflows {

namespace fs = std::filesystem;

const std::vector<SettingSpec>& setting_specs() {
  using T = SettingType;
  static const std::vector<SettingSpec> specs{
      {"branch", T::text, 0, 16, {}, "BJ01", false},
      {"branch_name", T::text, 0, 60, {}, "", true},
      {"pkcs11_module", T::module_path, 0, 0, {}, "", true},
      {"key_algorithm", T::choice, 0, 0, {"ec_p256", "rsa_2048"}, "ec_p256", true},
      {"paper", T::choice, 0, 0, {"a5", "a4", "roll80"}, "a5", true},
      {"cert_days", T::integer, 1, 3650, {}, "365", false},
      {"renewal_opens_days_before", T::integer, 0, 3650, {}, "30", true},
      {"renewal_closes_days_after", T::integer, 0, 3650, {}, "90", true},
      {"utc_offset_minutes", T::integer, -720, 840, {}, "480", true},
      {"timezone", T::timezone, 0, 0, {}, "Asia/Shanghai", true},
      {"clock_tolerance_seconds", T::integer, 0, 86400, {}, "300", true},   // workflows/clock_guard.h (13.9)
  };
  return specs;
}

const SettingSpec* find_setting(std::string_view key) {
  for (const auto& s : setting_specs())
    if (key == s.key) return &s;
  return nullptr;
}

namespace {

std::optional<std::int64_t> whole_number(std::string_view v) {
  std::int64_t n = 0;
  const char* b = v.data();
  if (!v.empty() && v.front() == '+') ++b;
  auto [end, ec] = std::from_chars(b, v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

// An IANA zone name ("Asia/Shanghai"): letters, digits, _ + - and / between
// parts, no "..", and a TZif file of that name in the system's zoneinfo.
bool zone_exists(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' || c == '/')) return false;
  fs::path file = fs::path("/usr/share/zoneinfo") / std::string(name);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::string_view(magic, 4) == "TZif";
}

std::string choices_of(const SettingSpec& spec) {
  std::string out;
  for (const char* c : spec.choices) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

}  // namespace

std::optional<std::string> setting_problem(const SettingSpec& spec, std::string_view value, ModuleProbe* probe) {
  switch (spec.type) {
    case SettingType::text: {
      if (value.empty()) return msg(tr("The setting {} cannot be empty."), spec.key);
      try {
        text::checked(spec.key, std::string(value), static_cast<std::size_t>(spec.max));
      } catch (const InputError& e) {
        return std::string(e.what());
      }
      return std::nullopt;
    }
    case SettingType::integer: {
      std::optional<std::int64_t> n = whole_number(value);
      if (!n || *n < spec.min || *n > spec.max)
        return msg(tr("The setting {} must be a whole number from {} to {}; '{}' is not."), spec.key, spec.min, spec.max,
                   value);
      return std::nullopt;
    }
    case SettingType::choice:
      for (const char* c : spec.choices)
        if (value == c) return std::nullopt;
      return msg(tr("The setting {} must be one of: {}; '{}' is not."), spec.key, choices_of(spec), value);
    case SettingType::timezone:
      if (!zone_exists(value))
        return msg(tr("The setting {} must name a time zone of the system (like Asia/Shanghai); '{}' is not one."),
                   spec.key, value);
      return std::nullopt;
    case SettingType::module_path: {
      fs::path p{std::string(value)};
      std::error_code ec;
      if (value.empty() || !p.is_absolute() || !fs::is_regular_file(p, ec))
        return msg(tr("The setting {} must be the full path of a PKCS#11 library file; '{}' is not one."), spec.key, value);
      if (probe)
        if (std::string why = probe->problem_with(std::string(value)); !why.empty())
          return msg(tr("The PKCS#11 library {} cannot be used: {}"), value, why);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

LoadedConfig load_counter_config(db::Database& db) {
  LoadedConfig out;
  db::Settings settings(db);
  // The stored value when it is good, else the default (and a problem when it was there but bad).
  auto read = [&](const char* key) -> std::string {
    const SettingSpec* spec = find_setting(key);
    std::optional<std::string> v = settings.get(key);
    if (!v) return spec->fallback;
    if (spec->type == SettingType::module_path || spec->type == SettingType::timezone) return *v;   // not read into the counter
    if (std::optional<std::string> problem = setting_problem(*spec, *v)) {
      out.problems.push_back(msg(tr("{} Until it is corrected, {} is used. (certdesk-cli settings set {} VALUE)"), *problem,
                                 spec->fallback, key));
      return spec->fallback;
    }
    return *v;
  };
  auto number = [&](const char* key) { return static_cast<int>(*whole_number(read(key))); };
  CounterConfig& c = out.config;
  c.branch = read("branch");
  c.branch_name = settings.get("branch_name").value_or(c.branch);
  if (c.branch_name.empty() || setting_problem(*find_setting("branch_name"), c.branch_name)) c.branch_name = c.branch;
  c.key_algorithm = read("key_algorithm") == "rsa_2048" ? KeyAlgorithm::rsa_2048 : KeyAlgorithm::ec_p256;
  c.cert_days = number("cert_days");
  c.renewal_opens_days_before = number("renewal_opens_days_before");
  c.renewal_closes_days_after = number("renewal_closes_days_after");
  c.utc_offset_minutes = number("utc_offset_minutes");
  return out;
}

std::string SettingsService::set(const Actor& actor, const std::string& key, const std::string& value) {
  require(actor, Permission::edit_settings);
  const SettingSpec* spec = find_setting(key);
  if (!spec || !spec->admin_editable)
    throw InputError(codes::bad_request, msg(tr("'{}' is not a setting an admin can change."), key));
  std::string v = text::checked(key, value, 200);
  if (std::optional<std::string> problem = setting_problem(*spec, v, probe_)) throw InputError(codes::bad_request, *problem);
  db::Settings settings(db_);
  std::string old = settings.get_or(key, "");
  db::Transaction tx(db_);
  settings.set(key, v);
  journal_.append({.staff = actor.name, .action = "setting.changed", .details = fmt::format("{}: {} → {}", key, old, v)},
                  clock_.now());
  tx.commit();
  return v;
}

std::vector<SettingsService::Entry> SettingsService::all() {
  std::vector<Entry> out;
  db::Settings settings(db_);
  for (const auto& spec : setting_specs()) {
    Entry e{spec.key, settings.get_or(spec.key, ""), std::nullopt};
    if (!e.value.empty() && spec.type != SettingType::module_path) e.problem = setting_problem(spec, e.value);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace certdesk::workflows
