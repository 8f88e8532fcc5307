// A stand-in for certdesk-cli's dispatch of the supervisor's commands
// (app::run_day_cli), so tests/app/test_day.cpp can run them as a separate
// process exactly as certdesk-cli does: same parsing of words / --option value
// / --json, same mapping of errors to exit statuses (3 = journal integrity).

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/cli_day.h"
#include "app/context.h"
#include "common/error.h"
#include "common/i18n.h"

using namespace certdesk;

int main(int argc, char** argv) {
  init_language();
  std::vector<std::string> words;
  std::map<std::string, std::string> opts;
  bool json = false;
  std::string data_dir = app::default_data_dir().string();
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--json") {
      json = true;
    } else if (s.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return 2;
      if (s == "--data-dir")
        data_dir = argv[++i];
      else
        opts[s] = argv[++i];
    } else {
      words.push_back(s);
    }
  }
  try {
    return app::run_day_cli(words, opts, json, data_dir);
  } catch (const Error& e) {
    std::cerr << "certdesk-cli: " << e.what() << " [" << e.code() << "]\n";
    switch (e.kind()) {
      case ErrorKind::usage: return 2;
      case ErrorKind::journal_integrity: return 3;
      case ErrorKind::input:
      case ErrorKind::rule: return 4;
      case ErrorKind::token: return 5;
      case ErrorKind::auth: return 6;
      case ErrorKind::other: return 1;
    }
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "certdesk-cli: unexpected error: " << e.what() << "\n";
    return 1;
  }
}
