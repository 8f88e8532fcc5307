#pragma once
// The login decides the window (issue 14.1): app::main_window_for and
// app::role_menus (gui_menus.h, no wx) turned into the frames and their menus,
// each command wired to the window or dialog that does it: the day's review
// (forms/review_window.h), receipts and codes (forms/receipts_dialog.h,
// forms/unlock_code_dialog.h — the counter's own), the admin's staff, fees and settings
// (forms/admin_frame.h). gui_main.cpp and the GUI tests open windows through here.

#include <wx/frame.h>

#include "desk/context.h"
#include "forms/counter_frame.h"
#include "forms/model.h"
#include "forms/worker.h"
#include "workflows/staff.h"

namespace certdesk::app {

// The role's menus with their handlers. ctx, worker and the frame they are
// added to outlive the handlers.
std::vector<forms::RoleMenuBlock> role_menu_blocks(desk::AppContext& ctx, forms::CounterModel& counter, forms::Worker& worker,
                                                   const workflows::Actor& who);

// Opens and shows the window for `who`: the counter (with the role's menus)
// or the admin's window. `ended` is told when the person logs out or quits.
// The counter model, ctx and worker outlive the window. Throws AuthError for a
// role with no window.
wxFrame* open_main_window(desk::AppContext& ctx, forms::CounterModel& counter, forms::Worker& worker,
                          const workflows::Actor& who, forms::SessionEnded ended);

}  // namespace certdesk::app
