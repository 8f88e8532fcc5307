#pragma once
// The one script driver of the window suites (test_gui, test_roles,
// test_counter_tasks, …): the main thread runs the wx event loop; a script
// thread hands each action to the UI thread (CallAfter) and waits for it, so a
// modal dialog's own loop (a PIN, an approval) still serves the script. Checks
// are collected and reported by the test body on the main thread.
//   auto failures = test::run_gui_script([&](test::GuiDriver& d) { … }, 20s);
// The second argument is the script's default timeout for wait_for (30 s
// when left out). A failed require() screenshots the screen into the build
// folder ($CERTDESK_SCREENSHOT_DIR/<suite>-failure.png) before it stops the script.

#include <wx/app.h>
#include <wx/button.h>
#include <wx/evtloop.h>
#include <wx/toplevel.h>
#include <wx/uiaction.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "tests/gui/screenshot_dir.h"

namespace certdesk::test {

class GuiDriver {
 public:
  explicit GuiDriver(std::chrono::milliseconds default_timeout = std::chrono::seconds(30))
      : default_timeout_(default_timeout) {}

  // Runs f on the UI thread and returns its result (or rethrows its exception) here.
  template <class F>
  auto ui(F f) -> decltype(f()) {
    using T = decltype(f());
    auto p = std::make_shared<std::promise<T>>();
    auto fut = p->get_future();
    wxTheApp->CallAfter([p, f]() mutable {
      try {
        if constexpr (std::is_void_v<T>) {
          f();
          p->set_value();
        } else {
          p->set_value(f());
        }
      } catch (...) {
        p->set_exception(std::current_exception());
      }
    });
    return fut.get();
  }
  // Queues f on the UI thread without waiting (an action that opens a modal dialog).
  void post(std::function<void()> f) { wxTheApp->CallAfter(std::move(f)); }

  // Polls pred on the UI thread until it holds or the script's default timeout passes.
  bool wait_for(const std::function<bool()>& pred) { return wait_for(pred, default_timeout_); }
  bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (ui(pred)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void check(bool ok, const std::string& what) {
    std::fprintf(stderr, "[gui] %s: %s\n", ok ? "ok" : "FAILED", what.c_str());
    if (ok) return;
    std::lock_guard lock(m_);
    failures.push_back(what);
  }
  // Must hold: screenshots the screen as it was and stops the script when not.
  void require(bool ok, const std::string& what) {
    check(ok, what);
    if (ok) return;
    const std::string suite = wxTheApp ? std::string(wxTheApp->GetAppName().utf8_str()) : std::string("gui");
    const std::string path = (screenshot_dir() / (suite + "-failure.png")).string();
    std::string cmd = "import -window root '" + path + "' 2>/dev/null";
    if (std::system(cmd.c_str()) == 0) std::fprintf(stderr, "[gui] the screen at the failure: %s\n", path.c_str());
    throw std::runtime_error("stopped: " + what);
  }

  // A mouse click in the middle of w (left_edge: on its left end, where a check box is).
  void click(wxWindow* w, bool left_edge = false) {
    ui([w, left_edge] {
      wxUIActionSimulator sim;
      wxRect r = w->GetScreenRect();
      wxPoint p(left_edge ? r.x + 8 : r.x + r.width / 2, r.y + r.height / 2);
      sim.MouseMove(p);
      sim.MouseClick();
    });
    settle();
  }
  // Clicks without waiting for the click to be handled: for buttons that open a
  // modal dialog (its loop would otherwise run inside this action).
  void click_async(wxWindow* w) {
    ui([w] {
      wxRect r = w->GetScreenRect();
      wxUIActionSimulator().MouseMove(wxPoint(r.x + r.width / 2, r.y + r.height / 2));
    });
    post([] { wxUIActionSimulator().MouseClick(); });
    settle();
  }
  // Presses a button as a click would (its wxEVT_BUTTON), without waiting for what it opens.
  void press(wxButton* b) {
    post([b] {
      wxCommandEvent ev(wxEVT_BUTTON, b->GetId());
      ev.SetEventObject(b);
      b->ProcessWindowEvent(ev);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  // Keystrokes into the focused window, as a keyboard or a barcode scanner types them.
  void type(const std::string& text) {
    ui([text] { wxUIActionSimulator().Text(text.c_str()); });
    settle();
  }
  void key(int code) {
    ui([code] { wxUIActionSimulator().Char(code); });
    settle();
  }
  // Lets the UI thread handle what the last action queued.
  void settle() {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    ui([] {});
  }
  // The whole screen as PNG once the windows painted: `name` in screenshot_dir(),
  // or an absolute path as given.
  void screenshot(const std::string& name) {
    ui([] {
      for (auto* w : wxTopLevelWindows) w->Update();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::filesystem::path p(name);
    const std::string path = p.is_absolute() ? name : (screenshot_dir() / p).string();
    std::string cmd = "import -window root '" + path + "' 2>/dev/null";
    check(std::system(cmd.c_str()) == 0, "screenshot " + path);
  }

  std::vector<std::string> failures;

 private:
  std::chrono::milliseconds default_timeout_;
  std::mutex m_;
};

// Runs the script on a driver thread while this thread runs the event loop;
// returns the failed checks. default_timeout: what wait_for waits when not told.
inline std::vector<std::string> run_gui_script(const std::function<void(GuiDriver&)>& script,
                                               std::chrono::milliseconds default_timeout = std::chrono::seconds(30)) {
  GuiDriver d(default_timeout);
  wxGUIEventLoop loop;
  std::thread t([&] {
    try {
      script(d);
    } catch (const std::exception& e) {
      d.check(false, std::string("script threw: ") + e.what());
    }
    wxTheApp->CallAfter([&loop] { loop.ScheduleExit(); });
  });
  loop.Run();
  t.join();
  return d.failures;
}

// The shown top-level window of type T (matching pred), or nullptr. UI thread.
template <class T>
T* find_top(const std::function<bool(T*)>& pred = {}) {
  for (auto* w : wxTopLevelWindows)
    if (auto* t = dynamic_cast<T*>(w); t && t->IsShown() && !t->IsBeingDeleted() && (!pred || pred(t))) return t;
  return nullptr;
}

// The button with id among top's direct children (a dialog's OK / Cancel), or nullptr. UI thread.
inline wxButton* button_of(wxWindow* top, int id) {
  for (auto* c : top->GetChildren())
    if (auto* b = dynamic_cast<wxButton*>(c); b && b->GetId() == id) return b;
  return nullptr;
}

}  // namespace certdesk::test
