#pragma once
// The window's one worker thread (STYLE habit 10). Every token and database
// call runs here, one at a time, so a PKCS#11 module is never entered from two
// threads. Results come back to a window with CallAfter through a wxWeakRef
// and are dropped when the window has closed meanwhile.

#include <type_traits>

#include <wx/app.h>
#include <wx/weakref.h>
#include <wx/window.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

#include "common/error.h"

namespace certdesk::forms {

// What went wrong in a job, for the window: the message says what happened and
// what to do, the code is the journal's outcome code.
struct Failure {
  std::string code;
  std::string message;
  ErrorKind kind = ErrorKind::other;
};

// The current exception as a Failure (certdesk::Error keeps its code).
Failure describe_current_exception();

class Worker {
 public:
  Worker();
  ~Worker();   // finishes the running job, drops the queued ones, joins
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queues a job; it runs on the worker thread after the ones before it.
  void post(std::function<void()> job);
  // Jobs queued or running.
  std::size_t pending() const;
  // True once any Worker began shutting down: a job waiting for the UI thread
  // (a prompt) gives up instead of blocking the join forever.
  static bool stopping();

  // Runs work() on the worker; then done(result) or failed(failure) on the UI
  // thread, only if `owner` still exists. Call from the UI thread.
  template <class T, class Work, class Done, class Failed>
  void run(wxWindow* owner, Work work, Done done, Failed failed) {
    auto ref = std::make_shared<wxWeakRef<wxWindow>>(owner);   // created and only read on the UI thread
    post([work = std::move(work), done = std::move(done), failed = std::move(failed), ref]() mutable {
      std::variant<T, Failure> out;
      try {
        out.template emplace<0>(work());
      } catch (...) {
        out.template emplace<1>(describe_current_exception());
      }
      // Hand the weak reference to the UI thread: it must be destroyed there.
      wxTheApp->CallAfter([ref = std::move(ref), done = std::move(done), failed = std::move(failed),
                           out = std::move(out)]() mutable {
        if (!ref->get()) return;
        if (out.index() == 0)
          done(std::move(std::get<0>(out)));
        else
          failed(std::get<1>(out));
      });
    });
  }

 private:
  void loop();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  bool busy_ = false;
  std::thread thread_;   // last: started after the members it uses exist
};

}  // namespace certdesk::forms
