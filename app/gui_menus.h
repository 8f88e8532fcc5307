#pragma once
// Which window and which menu commands each role gets (issue 14.1): one table,
// decided by the permissions of workflows/staff.h (role_allows), never by a role
// check in a form. No wxWidgets here, so tests/app/test_gui_menus.cpp asserts it
// per role without a display; app/gui_menus_ui.cpp turns it into wx menus.

#include <optional>
#include <string>
#include <vector>

#include "common/i18n.h"
#include "workflows/staff.h"

namespace certdesk::app {

// The window a person gets after the login.
enum class MainWindow {
  counter,   // the counter (run_order): tellers and supervisors
  admin,     // the staff list with the admin's menus (manage_staff)
};
// Throws AuthError(permission_denied) for a role that may do neither.
MainWindow main_window_for(workflows::Role role);

// Every command a role menu can offer. The counter's own menu (新业务, 未完成业务,
// the counter tasks) belongs to forms/counter_frame.cpp; the account menu
// (log out / switch user, change password, quit) is everyone's.
enum class Command {
  day_review,        // 日结: open the review window
  day_verify,        //   verify the journal
  day_close,         //   close (sign off) the day
  day_export_csv,    //   export the day as CSV
  day_export_pdf,    //   export the daily report as PDF
  day_correction,    //   a correction entry with a reason
  day_hall_review,   //   全厅日志: every counter of the hall (shown only where the counter joined a hall)
  receipt_void,      // 收据: void with a reason
  receipt_reprint,   //   reprint (marked 重印)
  code_issue,        // 授权码: issue an authorisation code
  staff_list,        // 人员: the staff list (add, disable/enable, reset password, unlock, enrol token)
  staff_add,         //   add a person
  fees_edit,         // 收费标准
  settings_edit,     // 设置
};

struct MenuCommand {
  Command command;
  const char* label;        // English msgid (tr_noop), translated where shown; "\t" + accel appended by the UI
  const char* accelerator;  // "Ctrl+Shift+R" or ""
  workflows::Permission needs;
};

struct RoleMenu {
  const char* title;        // English msgid (tr_noop)
  std::vector<MenuCommand> commands;
};

// The account menu's 修改密码 (every role; app/gui_menus_ui.cpp puts it above 注销/切换用户).
inline constexpr const char* kChangePasswordLabel = tr_noop("Change my &password…");

// The menus (after the counter's own) that `role` sees, in menu-bar order:
// only the commands its permissions allow; a menu left empty is left out.
std::vector<RoleMenu> role_menus(workflows::Role role);

// Every command of every menu, whoever may use it (the table itself; tests).
const std::vector<RoleMenu>& all_role_menus();

// The permission a command needs.
workflows::Permission permission_for(Command c);

}  // namespace certdesk::app
