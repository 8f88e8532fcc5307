#include "app/gui_menus_ui.h"

#include <wx/intl.h>

#include <memory>

#include "app/gui_menus.h"
#include "app/gui_model.h"
#include "app/gui_review.h"
#include "desk/desk.h"
#include "forms/admin_frame.h"
#include "forms/day_dialogs.h"
#include "forms/password_dialog.h"
#include "forms/receipts_dialog.h"
#include "forms/unlock_code_dialog.h"
#include "forms/review_window.h"
#include "forms/ui.h"

namespace certdesk::app {

namespace {

using forms::wx;

// The review window of this counter frame: raised when open, else opened.
forms::ReviewWindow* review_window(wxFrame* parent, desk::AppContext& ctx, forms::Worker& worker, const workflows::Actor& who) {
  auto* frame = dynamic_cast<forms::CounterFrame*>(parent);
  if (!frame) return nullptr;
  if (auto* w = frame->adopted<forms::ReviewWindow>()) {
    w->Raise();
    return w;
  }
  try {
    std::shared_ptr<forms::ReviewModel> model = make_review_model(ctx, who);
    auto* w = new forms::ReviewWindow(model, worker, wx(who.name));
    frame->adopt(w);
    w->Show();
    return w;
  } catch (...) {
    forms::show_failure(parent, forms::describe_current_exception());
    return nullptr;
  }
}

std::function<void(wxFrame*)> handler(Command c, desk::AppContext& ctx, forms::CounterModel& counter, forms::Worker& worker,
                                      const workflows::Actor& who) {
  auto review = [&ctx, &worker, who](wxFrame* p) { return review_window(p, ctx, worker, who); };
  auto admin = [](wxFrame* p) { return dynamic_cast<forms::AdminFrame*>(p); };
  switch (c) {
    case Command::day_review:
      return [review](wxFrame* p) { review(p); };
    case Command::day_verify:
      return [review](wxFrame* p) {
        if (auto* w = review(p)) w->verify_journal();
      };
    case Command::day_close:
      return [review](wxFrame* p) {
        if (auto* w = review(p)) w->close_day();
      };
    case Command::day_export_csv:
      return [review](wxFrame* p) {
        if (auto* w = review(p)) w->export_day(false);
      };
    case Command::day_export_pdf:
      return [review](wxFrame* p) {
        if (auto* w = review(p)) w->export_day(true);
      };
    case Command::day_correction:
      return [review](wxFrame* p) {
        if (auto* w = review(p)) w->open_correction();
      };
    // One receipts dialog and one code dialog, the same the counter's tasks open
    // (forms/receipts_dialog.h: find, show, reprint 重印, void; a supervisor voids without approval).
    case Command::receipt_void:
    case Command::receipt_reprint:
      return [&counter, &worker, who](wxFrame* p) { forms::show_receipts_dialog(p, counter, worker, who); };
    case Command::code_issue:
      return [&counter, &worker, who](wxFrame* p) { forms::show_issue_unlock_code_dialog(p, counter, worker, who); };
    case Command::staff_list:
      return [admin](wxFrame* p) {
        if (auto* a = admin(p)) {
          a->reload_staff();
          a->staff_list()->SetFocus();
        }
      };
    case Command::staff_add:
      return [admin](wxFrame* p) {
        if (auto* a = admin(p)) a->open_add_staff();
      };
    case Command::fees_edit:
      return [admin](wxFrame* p) {
        if (auto* a = admin(p)) a->open_fees();
      };
    case Command::settings_edit:
      return [admin](wxFrame* p) {
        if (auto* a = admin(p)) a->open_settings();
      };
  }
  return {};
}

}  // namespace

std::vector<forms::RoleMenuBlock> role_menu_blocks(desk::AppContext& ctx, forms::CounterModel& counter, forms::Worker& worker,
                                                   const workflows::Actor& who) {
  std::vector<forms::RoleMenuBlock> out;
  for (const auto& m : role_menus(who.role)) {
    forms::RoleMenuBlock block{wxGetTranslation(m.title), {}};
    for (const auto& c : m.commands) {
      wxString label = wxGetTranslation(c.label);
      if (*c.accelerator) label += "\t" + wxString(c.accelerator);
      block.items.push_back({label, handler(c.command, ctx, counter, worker, who)});
    }
    out.push_back(std::move(block));
  }
  // Everyone's account menu: 修改密码, the desk's change_own_password (as `certdesk-cli staff password`), on the worker.
  forms::RoleMenuBlock account{wxEmptyString, {}, true};
  account.items.push_back({wxGetTranslation(kChangePasswordLabel), [&ctx, &worker, who](wxFrame* p) {
                             forms::show_change_password_dialog(p, worker, wx(who.name),
                                                                [&ctx, who](const Secret& current, const Secret& fresh) {
                                                                  desk::Desk(ctx).change_own_password(who, current, fresh);
                                                                });
                           }});
  out.push_back(std::move(account));
  return out;
}

wxFrame* open_main_window(desk::AppContext& ctx, forms::CounterModel& counter, forms::Worker& worker,
                          const workflows::Actor& who, forms::SessionEnded ended) {
  wxFrame* frame = nullptr;
  switch (main_window_for(who.role)) {
    case MainWindow::counter: {
      auto* f = new forms::CounterFrame(counter, worker, who, role_menu_blocks(ctx, counter, worker, who), std::move(ended));
      f->Show();
      f->check_unfinished(false);
      frame = f;
      break;
    }
    case MainWindow::admin:
      frame = new forms::AdminFrame(std::make_shared<GuiAdminModel>(ctx, who), worker, who, wx(counter.branch()),
                                    role_menu_blocks(ctx, counter, worker, who), std::move(ended));
      frame->Show();
      break;
  }
  return frame;
}

}  // namespace certdesk::app
