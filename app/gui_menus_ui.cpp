#include "app/gui_menus_ui.h"

#include <wx/intl.h>

#include <memory>

#include "app/gui_menus.h"
#include "app/gui_model.h"
#include "app/gui_hall_review.h"
#include "app/gui_review.h"
#include "desk/desk.h"
#include "desk/hall_link.h"
#include "forms/admin_frame.h"
#include "forms/day_dialogs.h"
#include "forms/hall_review_window.h"
#include "forms/password_dialog.h"
#include "forms/receipts_dialog.h"
#include "forms/unlock_code_dialog.h"
#include "forms/review_window.h"
#include "forms/ui.h"

namespace certdesk::app {

namespace {

using forms::wx;

// The window W adopted by this counter frame: raised when open, else made (make()) and shown.
template <class W, class Make>
W* adopted_window(wxFrame* parent, Make make) {
  auto* frame = dynamic_cast<forms::CounterFrame*>(parent);
  if (!frame) return nullptr;
  if (auto* w = frame->adopted<W>()) {
    w->Raise();
    return w;
  }
  try {
    W* w = make();
    frame->adopt(w);
    w->Show();
    return w;
  } catch (...) {
    forms::show_failure(parent, forms::describe_current_exception());
    return nullptr;
  }
}

// The day's review of this counter.
forms::ReviewWindow* review_window(wxFrame* parent, desk::AppContext& ctx, forms::Worker& worker, const workflows::Actor& who) {
  return adopted_window<forms::ReviewWindow>(parent, [&] {
    std::shared_ptr<forms::ReviewModel> model = make_review_model(ctx, who);
    return new forms::ReviewWindow(model, worker, wx(who.name));
  });
}

// The hall's day across every counter (issue 12.5).
forms::HallReviewWindow* hall_review_window(wxFrame* parent, desk::AppContext& ctx, forms::Worker& worker,
                                            const workflows::Actor& who) {
  return adopted_window<forms::HallReviewWindow>(
      parent, [&] { return new forms::HallReviewWindow(make_hall_review_model(ctx, who), worker, wx(who.name)); });
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
    case Command::day_hall_review:
      return [&ctx, &worker, who](wxFrame* p) { hall_review_window(p, ctx, worker, who); };
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
  const bool joined = desk::joined_head(ctx.paths().root).has_value();   // its own read-only look
  for (const auto& m : role_menus(who.role)) {
    forms::RoleMenuBlock block{wxGetTranslation(m.title), {}};
    for (const auto& c : m.commands) {
      // The hall review only where the counter joined a hall (decided at the login).
      if (c.command == Command::day_hall_review && !joined) continue;
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
