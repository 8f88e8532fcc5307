#pragma once
// The workflow prompts (workflows/ports.h) for people at the counter. A flow
// runs on the worker thread; these ask on the UI thread (CallAfter) and wait
// for the answer there, so the window keeps painting while the customer types.

#include <type_traits>

#include <wx/weakref.h>
#include <wx/window.h>

#include <functional>
#include <string>

#include "workflows/ports.h"

namespace certdesk::forms {

class UiPinPrompt final : public workflows::PinPrompt {
 public:
  explicit UiPinPrompt(wxWindow* parent) : parent_(parent) {}
  std::optional<Secret> new_pin(const workflows::PinRules& rules, std::string_view serial) override;
  std::optional<Secret> current_pin(const workflows::PinRules& rules, std::string_view serial) override;

 private:
  std::optional<Secret> ask(const workflows::PinRules& rules, std::string_view serial, bool confirm);
  wxWindow* parent_;   // only touched on the UI thread
};

class UiApprovalPrompt final : public workflows::ApprovalPrompt {
 public:
  UiApprovalPrompt(wxWindow* parent, std::string requester) : parent_(parent), requester_(std::move(requester)) {}
  std::optional<workflows::ApprovalCredentials> approve(std::string_view what) override;

 private:
  wxWindow* parent_;
  std::string requester_;
};

// Forwards each step to `show` on the UI thread (not waiting).
class UiProgress final : public workflows::Progress {
 public:
  using Show = std::function<void(const std::string& what, int done, int total)>;
  explicit UiProgress(Show show) : show_(std::move(show)) {}
  void step(std::string_view what, int done, int total) override;

 private:
  Show show_;
};

}  // namespace certdesk::forms
