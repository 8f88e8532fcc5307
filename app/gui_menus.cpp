#include "app/gui_menus.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::app {

using workflows::Permission;

MainWindow main_window_for(workflows::Role role) {
  if (workflows::role_allows(role, Permission::run_order)) return MainWindow::counter;
  if (workflows::role_allows(role, Permission::manage_staff)) return MainWindow::admin;
  throw AuthError(codes::permission_denied,
                  fmt::format(fmt::runtime(tr("The role {} has no window in certdesk; ask an admin.")),
                              tr(workflows::to_string(role))));
}

const std::vector<RoleMenu>& all_role_menus() {
  // Shortcuts: Ctrl+Shift+letter, none taken by the counter (Ctrl+N, Ctrl+U),
  // the account menu (Ctrl+L, Ctrl+Q) or a text field (Ctrl+A/C/V/X/Z).
  static const std::vector<RoleMenu> menus{
      {tr_noop("&Day"),
       {{Command::day_review, tr_noop("&Review the day…"), "Ctrl+Shift+R", Permission::review_day},
        {Command::day_verify, tr_noop("&Verify the journal…"), "Ctrl+Shift+V", Permission::review_day},
        {Command::day_export_csv, tr_noop("Export as &CSV…"), "", Permission::review_day},
        {Command::day_export_pdf, tr_noop("Export as &PDF…"), "", Permission::review_day},
        {Command::day_correction, tr_noop("Correction &entry…"), "", Permission::close_day},
        {Command::day_hall_review, tr_noop("&Hall review…"), "Ctrl+Shift+H", Permission::review_day},
        {Command::day_close, tr_noop("C&lose the day…"), "Ctrl+Shift+E", Permission::close_day}}},
      {tr_noop("&Receipts"),
       {{Command::receipt_void, tr_noop("&Void a receipt…"), "Ctrl+Shift+X", Permission::void_receipt},
        {Command::receipt_reprint, tr_noop("&Reprint a receipt…"), "Ctrl+Shift+P", Permission::void_receipt}}},
      {tr_noop("&Authorisation codes"),
       {{Command::code_issue, tr_noop("&Issue an authorisation code…"), "Ctrl+Shift+A", Permission::approve}}},
      {tr_noop("&Staff"),
       {{Command::staff_list, tr_noop("&Staff accounts…"), "Ctrl+Shift+S", Permission::manage_staff},
        {Command::staff_add, tr_noop("&Add a person…"), "Ctrl+Shift+N", Permission::manage_staff}}},
      {tr_noop("&Fees"), {{Command::fees_edit, tr_noop("&Fee schedule…"), "Ctrl+Shift+F", Permission::edit_fees}}},
      {tr_noop("S&ettings"),
       {{Command::settings_edit, tr_noop("&Settings…"), "Ctrl+Shift+G", Permission::edit_settings}}},
  };
  return menus;
}

std::vector<RoleMenu> role_menus(workflows::Role role) {
  std::vector<RoleMenu> out;
  for (const auto& m : all_role_menus()) {
    RoleMenu shown{m.title, {}};
    for (const auto& c : m.commands)
      if (workflows::role_allows(role, c.needs)) shown.commands.push_back(c);
    if (!shown.commands.empty()) out.push_back(std::move(shown));
  }
  return out;
}

Permission permission_for(Command c) {
  for (const auto& m : all_role_menus())
    for (const auto& mc : m.commands)
      if (mc.command == c) return mc.needs;
  throw InputError(codes::bad_request, "unknown command");
}

}  // namespace certdesk::app
