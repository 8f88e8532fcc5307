#pragma once
// A script driving the window from a second thread (test_roles; the same way
// test_gui drives the counter): the main thread runs the wx event loop; the
// driver hands each action to the UI thread (CallAfter) and waits for it, so a
// modal dialog's own loop (a PIN) still serves the script. Checks are
// collected and reported by the test body on the main thread.

#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/toplevel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace certdesk::test {

class GuiDriver {
 public:
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

  bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
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
  // Must hold: stops the script when not.
  void require(bool ok, const std::string& what) {
    check(ok, what);
    if (!ok) throw std::runtime_error("stopped: " + what);
  }
  // The whole screen as PNG into dir once the windows painted.
  void screenshot(const std::string& path) {
    ui([] {
      for (auto* w : wxTopLevelWindows) w->Update();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::string cmd = "import -window root '" + path + "' 2>/dev/null";
    check(std::system(cmd.c_str()) == 0, "screenshot " + path);
  }

  std::vector<std::string> failures;

 private:
  std::mutex m_;
};

// Runs the script on a driver thread while this thread runs the event loop.
inline std::vector<std::string> run_gui_script(const std::function<void(GuiDriver&)>& script) {
  GuiDriver d;
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

}  // namespace certdesk::test
