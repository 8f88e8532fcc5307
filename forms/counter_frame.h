#pragma once
// The teller's main window: the live token panel (polled on the worker about
// once a second), the service-order area (order_page.h) and the customer's
// history. Enter advances, Esc goes back. Closing waits for a running flow.
// The login's role adds its menus (RoleMenuBlock, built by app/gui_menus_ui.cpp
// from app::role_menus); everyone gets the account menu: log out / switch user
// (Ctrl+L) and quit (Ctrl+Q).

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/frame.h>
#include <wx/listctrl.h>
#include <wx/stattext.h>
#include <wx/timer.h>

#include <wx/menu.h>
#include <wx/weakref.h>

#include <functional>
#include <memory>
#include <vector>

#include "forms/counter_tasks.h"
#include "forms/order_page.h"
#include "forms/model.h"
#include "forms/token_panel.h"
#include "forms/worker.h"

namespace certdesk::forms {

// One command a role's menu offers; run(parent) opens its window or dialog.
struct RoleMenuItem {
  wxString label;                          // translated, with "\tCtrl+…" when it has a shortcut
  std::function<void(wxFrame* parent)> run;
};
struct RoleMenuBlock {
  wxString title;                          // translated
  std::vector<RoleMenuItem> items;
  bool account = false;                    // true: the items go at the top of the account menu (title unused)
};

// How a person's session at a window ended.
enum class SessionEnd { quit, switch_user };
using SessionEnded = std::function<void(SessionEnd)>;

// Appends the role's menus and the account menu (the account blocks' items such
// as 修改密码, then log out / switch user, quit) to bar and binds them on frame. Menu ids: wxID_HIGHEST + 500 onwards.
void add_role_and_account_menus(wxFrame* frame, wxMenuBar* bar, const std::vector<RoleMenuBlock>& menus);
// The ids of the account menu's commands (the frame binds them).
inline constexpr int kSwitchUserId = wxID_HIGHEST + 490;

// The orders a crash or a pulled token left unfinished, with resume / roll back.
class UnfinishedDialog : public wxDialog {
 public:
  UnfinishedDialog(wxWindow* parent, CounterModel& model, Worker& worker, workflows::Actor teller,
                   std::vector<UnfinishedRow> rows);
  wxListCtrl* list() const { return list_; }
  wxStaticText* status_label() const { return status_; }
  // Orders resumed or rolled back while the dialog was open.
  const std::vector<std::int64_t>& handled() const { return handled_; }

 private:
  void act(bool resume);
  // A resumed order's papers that did not come out: offered as PDF.
  void show_prints(const std::vector<PaperPrint>& prints);
  CounterModel& model_;
  Worker& worker_;
  workflows::Actor teller_;
  std::vector<UnfinishedRow> rows_;
  wxListCtrl* list_;
  wxStaticText* status_;
  std::vector<std::int64_t> handled_;
  bool busy_ = false;
  wxButton* pdf_;
  std::vector<PaperPrint> not_printed_;
};

class CounterFrame : public wxFrame {
 public:
  // The frame owns no model; model and worker outlive it.
  CounterFrame(CounterModel& model, Worker& worker, workflows::Actor teller, std::vector<RoleMenuBlock> role_menus = {},
               SessionEnded ended = {});
  ~CounterFrame() override;

  const workflows::Actor& actor() const { return teller_; }
  // Log out / switch user (Ctrl+L) or quit (Ctrl+Q): asks first when an order
  // is open, logs out, closes this window and the ones it adopted, then tells
  // `ended`. Refused while a token operation runs.
  void end_session(SessionEnd how);
  // True while an order is between its customer page and its done page.
  bool order_open() const;
  // A window opened from a role menu (the review window): closed with this one.
  void adopt(wxWindow* w);
  // The adopted window of type T still open, or nullptr.
  template <class T>
  T* adopted() const {
    for (const auto& w : adopted_)
      if (auto* t = dynamic_cast<T*>(w.get())) return t;
    return nullptr;
  }

  TokenPanel* tokens() const { return tokens_; }
  OrderPage* order_page() const { return order_page_; }
  wxListCtrl* history() const { return history_; }
  // Polls done since the window opened (tests wait on it).
  int polls() const { return polls_; }
  // Shows the unfinished orders if there are any (at login) or always (menu).
  void check_unfinished(bool always);

 private:
  void poll();
  void load_history(std::int64_t organisation_id);
  void history_of(const std::string& uscc);
  // The history's columns sized from their text; the What column takes the rest.
  void fit_history_columns();
  void on_key(wxKeyEvent& e);

  CounterModel& model_;
  Worker& worker_;
  workflows::Actor teller_;
  TokenPanel* tokens_;
  OrderPage* order_page_;
  wxListCtrl* history_;
  wxTimer poll_timer_;
  bool poll_in_flight_ = false;
  bool busy_ = false;
  int polls_ = 0;
  int modal_depth_ = 0;
  bool close_pending_ = false;   // dialogs on the stack of this window's handlers
  SessionEnded ended_;
  SessionEnd how_ = SessionEnd::quit;
  std::vector<wxWeakRef<wxWindow>> adopted_;
};

}  // namespace certdesk::forms
