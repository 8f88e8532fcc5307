#include "app/gui_menus_ui.h"

#include <wx/intl.h>

#include <memory>

#include "app/gui_menus.h"
#include "app/gui_model.h"
#include "app/gui_review.h"
#include "forms/admin_frame.h"
#include "forms/day_dialogs.h"
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

void status(wxFrame* frame, const wxString& text) {
  if (frame->GetStatusBar()) frame->SetStatusText(text, frame->GetStatusBar()->GetFieldsCount() - 1);
}

// A supervisor's dialog over the tasks, modeless; its result goes to the status bar.
template <class D>
void open_task_dialog(wxFrame* parent, forms::Worker& worker, const std::shared_ptr<forms::SupervisorTasks>& tasks,
                      wxString (*done)(const D&)) {
  auto* d = new D(parent, worker, tasks);
  d->on_success = [parent, d, done] { status(parent, done(*d)); };
  d->Show();
}

std::function<void(wxFrame*)> handler(Command c, desk::AppContext& ctx, forms::Worker& worker, const workflows::Actor& who,
                                      const std::shared_ptr<forms::SupervisorTasks>& tasks) {
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
    case Command::receipt_void:
      return [&worker, tasks](wxFrame* p) {
        open_task_dialog<forms::VoidReceiptDialog>(p, worker, tasks, [](const forms::VoidReceiptDialog& d) {
          return wxString::Format(_("Receipt voided; the voided copy is archived at %s."), wx(d.archived()));
        });
      };
    case Command::receipt_reprint:
      return [&worker, tasks](wxFrame* p) {
        open_task_dialog<forms::ReprintReceiptDialog>(p, worker, tasks, [](const forms::ReprintReceiptDialog& d) {
          return wxString::Format(_("The reprint (重印) is archived at %s."), wx(d.archived()));
        });
      };
    case Command::code_issue:
      return [&worker, tasks](wxFrame* p) { (new forms::SupervisorCodeDialog(p, worker, tasks))->Show(); };
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

std::vector<forms::RoleMenuBlock> role_menu_blocks(desk::AppContext& ctx, forms::Worker& worker, const workflows::Actor& who) {
  auto tasks = std::make_shared<GuiSupervisorTasks>(ctx, who);
  std::vector<forms::RoleMenuBlock> out;
  for (const auto& m : role_menus(who.role)) {
    forms::RoleMenuBlock block{wxGetTranslation(m.title), {}};
    for (const auto& c : m.commands) {
      wxString label = wxGetTranslation(c.label);
      if (*c.accelerator) label += "\t" + wxString(c.accelerator);
      block.items.push_back({label, handler(c.command, ctx, worker, who, tasks)});
    }
    out.push_back(std::move(block));
  }
  return out;
}

wxFrame* open_main_window(desk::AppContext& ctx, forms::CounterModel& counter, forms::Worker& worker,
                          const workflows::Actor& who, forms::SessionEnded ended) {
  wxFrame* frame = nullptr;
  switch (main_window_for(who.role)) {
    case MainWindow::counter: {
      auto* f = new forms::CounterFrame(counter, worker, who, role_menu_blocks(ctx, worker, who), std::move(ended));
      f->Show();
      f->check_unfinished(false);
      frame = f;
      break;
    }
    case MainWindow::admin:
      frame = new forms::AdminFrame(std::make_shared<GuiAdminModel>(ctx, who), worker, who, wx(counter.branch()),
                                    role_menu_blocks(ctx, worker, who), std::move(ended));
      frame->Show();
      break;
  }
  return frame;
}

}  // namespace certdesk::app
