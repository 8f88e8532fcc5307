#pragma once
// Shared by the window suites (test_gui, test_review): wxWidgets started once
// per suite as a real wxApp under Xvfb, in the default language (Simplified
// Chinese, as the screenshots show it), with every failed wxASSERT counted and
// printed instead of opening a dialog that would hang the run (PLATFORM-NOTES).
// A suite declares
//   struct WxGlobal : test::WxSession { WxGlobal() : WxSession("test_x") {} };
//   BOOST_TEST_GLOBAL_FIXTURE(WxGlobal);
// and checks test::wx_asserts == 0 at the end of each case.

#include <boost/test/unit_test.hpp>

#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <cstdio>
#include <cstdlib>

#include "app/gui_model.h"
#include "tests/gui/screenshot_dir.h"

namespace certdesk::test {

inline std::atomic<int> wx_asserts{0};

inline void count_wx_assert(const wxString& file, int line, const wxString& func, const wxString& cond,
                            const wxString& msg) {
  ++wx_asserts;
  std::fprintf(stderr, "wx assert %s:%d %s: %s %s\n", static_cast<const char*>(file.utf8_str()), line,
               static_cast<const char*>(func.utf8_str()), static_cast<const char*>(cond.utf8_str()),
               static_cast<const char*>(msg.utf8_str()));
}

class WxSession {
 public:
  explicit WxSession(const char* suite) {
    wxSetAssertHandler(count_wx_assert);
    setenv("CERTDESK_LANG", "zh_CN", 1);
    static int argc = 1;
    static char name[64];
    std::snprintf(name, sizeof name, "%s", suite);
    static char* argv[] = {name, nullptr};
    wxApp::SetInstance(new wxApp);
    wxEntryStart(argc, argv);
    wxTheApp->CallOnInit();
    app::install_translations();
  }
  WxSession(const WxSession&) = delete;
  WxSession& operator=(const WxSession&) = delete;
  ~WxSession() { wxEntryCleanup(); }
};

// Runs the event loop until pred() holds (or the time is up). Main thread.
inline bool pump_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + timeout;
  wxEventLoopBase* loop = wxEventLoopBase::GetActive();
  while (std::chrono::steady_clock::now() < end) {
    while (loop->Pending()) loop->Dispatch();
    wxTheApp->ProcessPendingEvents();
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// The whole Xvfb screen as a PNG in screenshot_dir(). Main thread.
inline void screenshot(const std::string& name) {
  pump_until([] { return false; }, std::chrono::milliseconds(600));
  std::string cmd = "import -window root '" + (screenshot_dir() / name).string() + "' 2>/dev/null";
  BOOST_CHECK(std::system(cmd.c_str()) == 0);
}

}  // namespace certdesk::test
