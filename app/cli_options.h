#pragma once
// certdesk-cli's parsed command line (CLI11, Debian libcli11-dev): what every
// subcommand may be given, typed, and the helpers its handlers share. Each
// subcommand registers only its own options (app/cli.cpp, app/cli_day.cpp), so
// `certdesk-cli order run --help` lists exactly what `order run` takes; an
// option given twice, an unknown option or a number that is not one is a
// usage error (exit 2) before anything runs.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/secret.h"
#include "desk/desk.h"

namespace certdesk::app {

struct CliOptions {
  // Global (accepted before or after the command).
  std::string data_dir;
  bool as_json = false;

  // Who runs the command: --as NAME [--as-password-file F] (else the prompt).
  std::string as, as_password_file;

  // Positionals, by what they are.
  std::string name, serial, flow, receipt_no, day, key, value, kind, amount;
  std::int64_t order_id = 0, seq = 0;

  // Options (empty = not given).
  std::string branch, branch_name, admin, password_file, module, role, request, new_pin_file, pin_file, approver,
      approver_password_file, out, reason, pdf, paper, csv, token, code_file, new_password_file, display_name,
      printer, workstation;
  int hours = 24;
  bool unfinished = false, no_handover = false;

  SystemClock clock;

  // Prints j (with --json) or the plain text.
  void print(const nlohmann::json& j, const std::string& plain) const;
  // The password of --as: from --as-password-file, else the terminal prompt.
  // Throws a usage error when neither gives one.
  Secret as_password() const;
  // Logs --as in (journaled). Throws AuthError.
  workflows::Actor login(desk::Desk& desk) const { return desk.login(as, as_password()); }
  std::optional<std::filesystem::path> path(const std::string& p) const {
    return p.empty() ? std::nullopt : std::optional<std::filesystem::path>(p);
  }
};

// Accepts only a whole number of 1 or more written in digits ("24", not "24abc",
// "1.5" or "-3"); the message says so.
extern const CLI::Validator kWholeNumber;

// The help text in the current language (issue 14.6): a CLI11 formatter that
// looks every description, group, label and the footer up with tr(). Set on the
// app before its subcommands exist (they inherit it). The literals stay English
// in the source; po/update extracts them by the helpers' keywords
// (add_command:3, add_value:4, add_flag:4, add_option:3, add_subcommand:2).
std::shared_ptr<CLI::Formatter> translated_help();

// Registers --as (required) and --as-password-file on a subcommand.
void add_login(CLI::App& sub, CliOptions& o);
// An option with a value, at most once.
CLI::Option* add_value(CLI::App& sub, const std::string& flag, std::string& into, const std::string& help);
// A flag, at most once.
CLI::Option* add_flag(CLI::App& sub, const std::string& flag, bool& into, const std::string& help);
// A subcommand whose handler `run` returns the exit status; chosen = the one that ran.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& help, std::function<int()> run,
                      std::function<int()>& chosen);

// The supervisor's commands: day report|close|verify|export-statement|correct|list, staff enroll-token.
void add_day_commands(CLI::App& app, CLI::App& staff, CliOptions& o, std::function<int()>& chosen);

// The hall's commands (app/cli_hall.cpp): hall connect|status|sync|verify|close|close-verify|report|issues,
// --hall on `journal verify` and `day report`, and the shipment after every command. Call it last.
void add_hall_commands(CLI::App& app, CliOptions& o, std::function<int()>& chosen);

}  // namespace certdesk::app
