#include "app/cli_options.h"

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

}  // namespace certdesk::app
