#include "app/cli_options.h"

#include <memory>
#include <sstream>

#include <fmt/format.h>

#include <iostream>

#include "app/prompts.h"
#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::app {

void CliOptions::print(const nlohmann::json& j, const std::string& plain) const {
  if (as_json)
    std::cout << j.dump(2) << "\n";
  else if (!plain.empty())
    std::cout << plain << (plain.back() == '\n' ? "" : "\n");
}

Secret CliOptions::as_password() const {
  Secret pw = !as_password_file.empty()
                  ? read_secret(as_password_file, tr_noop("password"))
                  : ask_secret(fmt::format(fmt::runtime(tr("Password of {}: ")), as)).value_or(Secret());
  if (pw.empty())
    throw Error(ErrorKind::usage, codes::bad_request,
                fmt::format(fmt::runtime(tr("{} is required here.")), "--as-password-file"));
  return pw;
}

const CLI::Validator kWholeNumber(
    [](std::string& v) -> std::string {
      bool digits = !v.empty() && v.size() <= 18 && v.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || v.find_first_not_of('0') == std::string::npos) return msg(tr("'{}' is not a whole number of 1 or more."), v);
      return {};
    },
    "NUMBER>=1");

void add_login(CLI::App& sub, CliOptions& o) {
  add_value(sub, "--as", o.as, "who runs the command")->required();
  add_value(sub, "--as-password-file", o.as_password_file, "their password (else the prompt)");
}

CLI::Option* add_value(CLI::App& sub, const std::string& flag, std::string& into, const std::string& help) {
  return sub.add_option(flag, into, help);   // at most once: the app's option_defaults (MultiOptionPolicy::Throw)
}

CLI::Option* add_flag(CLI::App& sub, const std::string& flag, bool& into, const std::string& help) {
  return sub.add_flag_function(
      flag,
      [&into, flag](std::int64_t count) {
        if (count > 1) throw CLI::ArgumentMismatch(flag + ": given more than once");
        into = count > 0;
      },
      help);
}

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& help, std::function<int()> run,
                      std::function<int()>& chosen) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->callback([&chosen, run = std::move(run)] { chosen = run; });
  return sub;
}

namespace {

// CLI11's own words: its labels and its --help / --version descriptions.
constexpr const char* kCli11Words[] = {
    tr_noop("Usage"), tr_noop("OPTIONS"), tr_noop("SUBCOMMAND"), tr_noop("SUBCOMMANDS"), tr_noop("REQUIRED"),
    tr_noop("Positionals"), tr_noop("Options"), tr_noop("Subcommands"), tr_noop("Env"), tr_noop("Needs"),
    tr_noop("Excludes"), tr_noop("Print this help message and exit"), tr_noop("Display program version information and exit"),
};

std::string translated(const std::string& s) { return s.empty() ? s : std::string(tr(s.c_str())); }

class TranslatedHelp final : public CLI::Formatter {
 public:
  TranslatedHelp() {
    for (const char* w : {"Usage", "OPTIONS", "SUBCOMMAND", "SUBCOMMANDS", "REQUIRED", "Positionals", "Env", "Needs", "Excludes"})
      label(w, tr(w));
    column_width(36);
  }
  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    return CLI::Formatter::make_group(translated(group), is_positional, std::move(opts));
  }
  std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
    std::string out = CLI::Formatter::make_subcommands(app, mode);
    const std::string heading = "\nSubcommands:\n";
    if (auto at = out.find(heading); at != std::string::npos) out.replace(at, heading.size(), "\n" + translated("Subcommands") + ":\n");
    return out;
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), translated(sub->get_description()), get_column_width());
    return out.str();
  }
  std::string make_description(const CLI::App* app) const override {
    const std::string desc = translated(app->get_description());
    return desc.empty() ? desc : desc + "\n";
  }
  std::string make_footer(const CLI::App* app) const override {
    const std::string footer = translated(app->get_footer());
    return footer.empty() ? footer : footer + "\n";
  }
  std::string make_option_desc(const CLI::Option* opt) const override { return translated(opt->get_description()); }
};

}  // namespace

std::shared_ptr<CLI::Formatter> translated_help() {
  (void)kCli11Words;
  return std::make_shared<TranslatedHelp>();
}

}  // namespace certdesk::app
