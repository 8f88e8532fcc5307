// Which window and which menu commands each role gets (issue 14.1), asserted on
// the table itself (app/gui_menus.h) without a display: a person never sees a
// command their role's permissions (workflows/staff.h) lack.

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "app/gui_menus.h"
#include "common/error.h"

using namespace certdesk;
using app::Command;
using workflows::Role;

namespace {

std::set<Command> commands_of(Role r) {
  std::set<Command> out;
  for (const auto& m : app::role_menus(r))
    for (const auto& c : m.commands) out.insert(c.command);
  return out;
}

std::set<std::string> titles_of(Role r) {
  std::set<std::string> out;
  for (const auto& m : app::role_menus(r)) out.insert(m.title);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_login_decides_the_window) {
  BOOST_TEST((app::main_window_for(Role::teller) == app::MainWindow::counter));
  BOOST_TEST((app::main_window_for(Role::supervisor) == app::MainWindow::counter));
  BOOST_TEST((app::main_window_for(Role::admin) == app::MainWindow::admin));
}

BOOST_AUTO_TEST_CASE(a_teller_gets_the_counter_and_no_role_menu) {
  BOOST_TEST(app::role_menus(Role::teller).empty());
}

BOOST_AUTO_TEST_CASE(a_supervisor_gets_the_day_receipts_and_codes_and_nothing_of_the_admin) {
  std::set<Command> want{Command::day_review,     Command::day_verify,     Command::day_close,
                         Command::day_export_csv, Command::day_export_pdf, Command::day_correction,
                         Command::day_hall_review,
                         Command::receipt_void,   Command::receipt_reprint, Command::code_issue};
  BOOST_TEST((commands_of(Role::supervisor) == want));
  BOOST_TEST((titles_of(Role::supervisor) == std::set<std::string>{"&Day", "&Receipts", "&Authorisation codes"}));
}

BOOST_AUTO_TEST_CASE(an_admin_gets_staff_fees_and_settings_and_nothing_of_the_day) {
  std::set<Command> want{Command::staff_list, Command::staff_add, Command::fees_edit, Command::settings_edit};
  BOOST_TEST((commands_of(Role::admin) == want));
  BOOST_TEST((titles_of(Role::admin) == std::set<std::string>{"&Staff", "&Fees", "S&ettings"}));
}

BOOST_AUTO_TEST_CASE(every_command_shown_is_one_the_role_may_use_and_shortcuts_are_unique) {
  for (Role r : {Role::teller, Role::supervisor, Role::admin}) {
    std::set<std::string> accels;
    for (const auto& m : app::role_menus(r))
      for (const auto& c : m.commands) {
        BOOST_TEST(workflows::role_allows(r, c.needs), c.label);
        BOOST_TEST((app::permission_for(c.command) == c.needs));
        if (*c.accelerator) BOOST_TEST(accels.insert(c.accelerator).second, c.accelerator);
      }
    // Never one of the counter's or the account menu's own shortcuts.
    for (const char* taken : {"Ctrl+N", "Ctrl+U", "Ctrl+L", "Ctrl+Q"}) BOOST_TEST(accels.count(taken) == 0u);
  }
  // Every command of the table is offered to some role (none is dead).
  std::set<Command> offered;
  for (Role r : {Role::teller, Role::supervisor, Role::admin})
    for (Command c : commands_of(r)) offered.insert(c);
  std::size_t all = 0;
  for (const auto& m : app::all_role_menus()) all += m.commands.size();
  BOOST_TEST(offered.size() == all);
}
