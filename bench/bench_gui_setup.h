#pragma once
// What the window benchmarks (bench_gui, bench_gui_wait) share: wx started
// without a wxApp subclass, the application's translations, and a fresh data
// folder with the admin "admin" (password admin-password-1, a cheap scrypt).

#include <unistd.h>
#include <wx/app.h>
#include <wx/init.h>

#include <filesystem>
#include <string>

#include "app/gui_model.h"
#include "desk/context.h"

namespace certdesk::bench {

inline void start_wx(char** argv) {
  wxSetAssertHandler(nullptr);
  wxApp::SetInstance(new wxApp);
  int wx_argc = 1;
  wxEntryStart(wx_argc, argv);
  wxTheApp->CallOnInit();
  app::install_translations();
}

// A new data folder named after `name` and this process in the temporary folder.
inline std::filesystem::path new_data_folder(const std::string& name, const Clock& clock) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  desk::InitOptions o;
  o.branch = "BJ01";
  o.admin = "admin";
  o.admin_password = Secret("admin-password-1");
  o.scrypt_log2_n = 10;
  desk::init_data_dir(dir, o, clock);
  return dir;
}

}  // namespace certdesk::bench
