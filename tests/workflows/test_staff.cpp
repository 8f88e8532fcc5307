// Staff accounts like a bank's (issue 13.5): lockout after wrong passwords, an
// admin's unlock, the same scrypt for unknown names, list, disable/enable,
// passwords changed and reset, the last admin kept, display names.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "common/crypto.h"
#include "common/error.h"
#include "common/text.h"
#include "db/database.h"
#include "db/journal.h"
#include "db/repositories.h"
#include "db/staff_logins.h"
#include "workflows/staff.h"

using namespace certdesk;
using namespace certdesk::workflows;
using namespace std::chrono_literals;

namespace {

struct Accounts {
  db::Database db = db::Database::in_memory();
  db::Journal journal{db, "ws1", 480};
  FixedClock clock{Seconds(std::chrono::seconds(1795000000))};
  StaffService staff{db, journal, clock, 8};
  Actor admin = staff.bootstrap_admin("admin", Secret("admin-password"));
  Actor teller = staff.add(admin, "li", Role::teller, Secret("li-password"), "李四");
  Actor sup = staff.add(admin, "wang", Role::supervisor, Secret("wang-password"));

  // The code of the refusal, or "" when it was accepted.
  std::string login_code(const std::string& name, const std::string& pw) {
    try {
      staff.login(name, Secret(pw));
    } catch (const AuthError& e) {
      return e.code();
    }
    return "";
  }
  int journaled(const std::string& action) {
    int n = 0;
    for (const auto& e : journal.entries_of_day(text::business_day(clock.now(), 480))) n += e.record.action == action;
    return n;
  }
  int failures(const Actor& a) { return db::StaffLogins(db).of(a.id)->failed_logins; }
};

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

struct OneApproval : ApprovalPrompt {
  std::string name, password;
  std::optional<ApprovalCredentials> approve(std::string_view) override { return ApprovalCredentials{name, Secret(password)}; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(lockout)

BOOST_FIXTURE_TEST_CASE(five_wrong_passwords_in_a_row_lock_for_the_setting, Accounts) {
  for (int i = 1; i <= 4; ++i) {
    BOOST_TEST(login_code("li", "wrong") == codes::bad_credentials);
    BOOST_TEST(failures(teller) == i);
  }
  BOOST_TEST(journaled("staff.locked") == 0);
  // The fifth locks, and says so.
  try {
    staff.login("li", Secret("wrong"));
    BOOST_FAIL("accepted");
  } catch (const AuthError& e) {
    BOOST_TEST(e.code() == codes::account_locked);
    BOOST_TEST(std::string(e.what()).find("admin") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find(text::iso_utc(clock.now() + 15min)) != std::string::npos);
  }
  BOOST_TEST(journaled("staff.locked") == 1);
  // Locked: even the right password is refused, and the lock does not grow.
  BOOST_TEST(login_code("li", "li-password") == codes::account_locked);
  clock.advance(15min - 1s);
  BOOST_TEST(login_code("li", "li-password") == codes::account_locked);
  BOOST_TEST(db::StaffLogins(db).of(teller.id)->locked_until == 1795000000 + 15 * 60);
  // Lifted when the time is up; a good login clears the count.
  clock.advance(1s);
  BOOST_TEST(login_code("li", "li-password") == "");
  BOOST_TEST(failures(teller) == 0);
  BOOST_TEST(db::StaffLogins(db).of(teller.id)->locked_until == 0);
  BOOST_TEST(journal.verify().ok);
}

BOOST_FIXTURE_TEST_CASE(a_good_login_in_between_restarts_the_count, Accounts) {
  for (int i = 0; i < 4; ++i) login_code("li", "wrong");
  BOOST_TEST(login_code("li", "li-password") == "");
  for (int i = 0; i < 4; ++i) BOOST_TEST(login_code("li", "wrong") == codes::bad_credentials);
  BOOST_TEST(failures(teller) == 4);
}

BOOST_FIXTURE_TEST_CASE(the_minutes_are_a_setting, Accounts) {
  db::Settings(db).set(kLockoutMinutesSetting, "2");
  for (int i = 0; i < 5; ++i) login_code("li", "wrong");
  clock.advance(2min);
  BOOST_TEST(login_code("li", "li-password") == "");
  // After a lock ran out, the count starts again from one.
  for (int i = 0; i < 4; ++i) login_code("li", "wrong");
  BOOST_TEST(login_code("li", "li-password") == "");
}

BOOST_FIXTURE_TEST_CASE(an_admin_unlocks_journaled, Accounts) {
  for (int i = 0; i < 5; ++i) login_code("li", "wrong");
  BOOST_TEST(login_code("li", "li-password") == codes::account_locked);
  BOOST_TEST(code_of([&] { staff.unlock(sup, "li"); }) == codes::permission_denied);
  staff.unlock(admin, "li");
  BOOST_TEST(journaled("staff.unlocked") == 1);
  BOOST_TEST(login_code("li", "li-password") == "");
  BOOST_TEST(code_of([&] { staff.unlock(admin, "nobody"); }) == codes::not_found);
}

BOOST_FIXTURE_TEST_CASE(wrong_approval_passwords_count_too, Accounts) {
  OneApproval p;
  p.name = "wang";
  p.password = "wrong";
  for (int i = 0; i < 4; ++i) BOOST_TEST(code_of([&] { staff.approve(teller, p, "waive"); }) == codes::bad_credentials);
  BOOST_TEST(code_of([&] { staff.approve(teller, p, "waive"); }) == codes::account_locked);
  p.password = "wang-password";
  BOOST_TEST(code_of([&] { staff.approve(teller, p, "waive"); }) == codes::account_locked);
  BOOST_TEST(journaled("approval.refused") == 6);
}

BOOST_FIXTURE_TEST_CASE(an_unknown_name_costs_one_scrypt_of_the_same_cost, Accounts) {
  // Structural, not timed: the dummy has exactly the parameters of a stored hash,
  // so verify_password does the same scrypt work for both.
  const std::string stored = db::Staff(db).by_name("li")->password_hash;
  BOOST_TEST(!crypto::password_cost(stored).empty());
  BOOST_TEST(crypto::password_cost(staff.unknown_name_hash()) == crypto::password_cost(stored));
  BOOST_TEST(crypto::password_cost(staff.unknown_name_hash()) == "scrypt$8$8$1");
  BOOST_TEST(crypto::password_cost(crypto::unmatchable_password_hash(15)) ==
             crypto::password_cost(crypto::hash_password(Secret("x"), 15)));
  BOOST_TEST(!crypto::verify_password(Secret("not-a-password"), staff.unknown_name_hash()));
  // And the same refusal, journaled the same way, no count for anyone.
  BOOST_TEST(login_code("nobody", "x") == codes::bad_credentials);
  BOOST_TEST(login_code("li", "x") == codes::bad_credentials);
  BOOST_TEST(journaled("login.refused") == 2);
  BOOST_TEST(failures(admin) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(accounts)

BOOST_FIXTURE_TEST_CASE(list_shows_roles_states_and_display_names, Accounts) {
  for (int i = 0; i < 5; ++i) login_code("li", "wrong");
  auto all = staff.list(admin);
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[1].name == "li");
  BOOST_TEST(all[1].display_name == "李四");
  BOOST_TEST(all[1].failed_logins == 5);
  BOOST_TEST(all[1].locked_until == text::iso_utc(clock.now() + 15min));
  BOOST_TEST(all[2].display_name == "wang");   // none set: the login name
  BOOST_TEST(all[2].locked_until.empty());
  BOOST_TEST(code_of([&] { staff.list(teller); }) == codes::permission_denied);
}

BOOST_FIXTURE_TEST_CASE(disable_and_enable_journaled, Accounts) {
  staff.set_active(admin, "li", false);
  BOOST_TEST(login_code("li", "li-password") == codes::bad_credentials);
  BOOST_TEST(journaled("staff.disabled") == 1);
  staff.set_active(admin, "li", true);
  BOOST_TEST(login_code("li", "li-password") == "");
  BOOST_TEST(journaled("staff.enabled") == 1);
  BOOST_TEST(code_of([&] { staff.set_active(sup, "li", false); }) == codes::permission_denied);
  BOOST_TEST(code_of([&] { staff.set_active(admin, "nobody", false); }) == codes::not_found);
}

BOOST_FIXTURE_TEST_CASE(the_only_active_admin_cannot_be_disabled, Accounts) {
  try {
    staff.set_active(admin, "admin", false);
    BOOST_FAIL("the last admin was disabled");
  } catch (const RuleRefused& e) {
    BOOST_TEST(e.rule() == "last-admin");
  }
  BOOST_TEST(db::Staff(db).by_name("admin")->active);
  // With a second active admin it can; and then that one is the last.
  staff.add(admin, "zhao", Role::admin, Secret("zhao-password"));
  staff.set_active(admin, "admin", false);
  Actor zhao = staff.login("zhao", Secret("zhao-password"));
  BOOST_TEST(code_of([&] { staff.set_active(zhao, "zhao", false); }) == codes::rule_refused);
  // A disabled admin does not count as the other one.
  BOOST_TEST(!db::Staff(db).by_name("admin")->active);
}

BOOST_FIXTURE_TEST_CASE(change_own_password_needs_the_old_one, Accounts) {
  BOOST_TEST(code_of([&] { staff.change_password(teller, Secret("wrong"), Secret("new-password-1")); }) ==
             codes::bad_credentials);
  BOOST_TEST(failures(teller) == 1);   // a wrong old password counts
  BOOST_TEST(code_of([&] { staff.change_password(teller, Secret("li-password"), Secret("short")); }) == codes::invalid_text);
  BOOST_TEST(code_of([&] { staff.change_password(teller, Secret("li-password"), Secret("li-password")); }) ==
             codes::invalid_text);
  staff.change_password(teller, Secret("li-password"), Secret("new-password-1"));
  BOOST_TEST(journaled("staff.password_changed") == 1);
  BOOST_TEST(login_code("li", "li-password") == codes::bad_credentials);
  BOOST_TEST(login_code("li", "new-password-1") == "");
}

BOOST_FIXTURE_TEST_CASE(an_admin_resets_a_password_and_lifts_the_lock, Accounts) {
  for (int i = 0; i < 5; ++i) login_code("li", "wrong");
  BOOST_TEST(code_of([&] { staff.reset_password(sup, "li", Secret("reset-password")); }) == codes::permission_denied);
  BOOST_TEST(code_of([&] { staff.reset_password(admin, "li", Secret("short")); }) == codes::invalid_text);
  staff.reset_password(admin, "li", Secret("reset-password"));
  BOOST_TEST(journaled("staff.password_reset") == 1);
  BOOST_TEST(login_code("li", "reset-password") == "");
  // The journal names the account, never the password.
  for (const auto& e : journal.entries_of_day(text::business_day(clock.now(), 480)))
    BOOST_TEST(e.record.details.find("reset-password") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(display_name_is_the_payee, Accounts) {
  BOOST_TEST(teller.display_name == "李四");
  BOOST_TEST(staff.login("li", Secret("li-password")).shown_name() == "李四");
  BOOST_TEST(staff.login("wang", Secret("wang-password")).shown_name() == "wang");
  staff.set_display_name(admin, "wang", "王 五");
  BOOST_TEST(staff.login("wang", Secret("wang-password")).display_name == "王 五");
  BOOST_TEST(journaled("staff.renamed") == 1);
  BOOST_TEST(code_of([&] { staff.set_display_name(admin, "wang", "王\x1B"); }) == codes::invalid_text);
}

BOOST_AUTO_TEST_SUITE_END()
