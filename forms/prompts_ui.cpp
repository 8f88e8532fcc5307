#include "forms/prompts_ui.h"

#include <wx/app.h>
#include <wx/thread.h>

#include <chrono>
#include <future>
#include <memory>

#include "forms/dialogs.h"
#include "forms/worker.h"
#include "forms/ui.h"

namespace certdesk::forms {

namespace {

// Runs f on the UI thread and waits for its result. On the UI thread itself it
// just calls f.
template <class T, class F>
T on_ui_and_wait(F f) {
  if (wxThread::IsMain()) return f();
  // Shared: when the window shuts down the waiting side gives up first.
  auto promise = std::make_shared<std::promise<T>>();
  auto result = promise->get_future();
  auto fn = std::make_shared<F>(std::move(f));
  wxTheApp->CallAfter([promise, fn] {
    try {
      promise->set_value((*fn)());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  while (result.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready)
    if (Worker::stopping()) return T{};   // counts as cancelled
  return result.get();
}

}  // namespace

std::optional<Secret> UiPinPrompt::ask(const workflows::PinRules& rules, std::string_view serial, bool confirm) {
  std::string s(serial);
  return on_ui_and_wait<std::optional<Secret>>([parent = parent_, rules, s, confirm]() -> std::optional<Secret> {
    PinDialog dlg(parent, rules, wx(s), confirm);
    if (dlg.ShowModal() != wxID_OK) return std::nullopt;
    return dlg.take();
  });
}

std::optional<Secret> UiPinPrompt::new_pin(const workflows::PinRules& rules, std::string_view serial) {
  return ask(rules, serial, true);
}

std::optional<Secret> UiPinPrompt::current_pin(const workflows::PinRules& rules, std::string_view serial) {
  return ask(rules, serial, false);
}

std::optional<workflows::ApprovalCredentials> UiApprovalPrompt::approve(std::string_view what) {
  std::string w(what);
  return on_ui_and_wait<std::optional<workflows::ApprovalCredentials>>(
      [parent = parent_, w, requester = requester_]() -> std::optional<workflows::ApprovalCredentials> {
        ApprovalDialog dlg(parent, wx(w), requester);
        if (dlg.ShowModal() != wxID_OK) return std::nullopt;
        return dlg.take();
      });
}

void UiProgress::step(std::string_view what, int done, int total) {
  if (wxThread::IsMain()) {
    show_(std::string(what), done, total);
    return;
  }
  wxTheApp->CallAfter([show = show_, w = std::string(what), done, total] { show(w, done, total); });
}

}  // namespace certdesk::forms
