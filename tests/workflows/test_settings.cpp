// Settings (workflows/settings.h): every key has a type and a range; a bad
// value is refused and changes nothing; a database already holding one still
// gives a working configuration and names the setting to fix (issue 13.6).

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "common/error.h"
#include "db/repositories.h"
#include "tests/workflows/flow_desk.h"
#include "workflows/settings.h"

using namespace certdesk;
using namespace certdesk::workflows;
using certdesk::test::code_of;

namespace {

struct ScriptedProbe final : ModuleProbe {
  std::string answer;   // "" = loads and has slots
  std::vector<std::string> asked;
  std::string problem_with(const std::string& path) override {
    asked.push_back(path);
    return answer;
  }
};

struct SettingsDesk : certdesk::test::FlowDesk {
  ScriptedProbe probe;
  SettingsService settings{db, journal, clock, &probe};
  std::string stored(const std::string& key) { return db::Settings(db).get_or(key, ""); }
  // A value an older version could have written without checks.
  void write_raw(const std::string& key, const std::string& value) { db::Settings(db).set(key, value); }
};

// A library file that exists on every Debian system (it need not be PKCS#11: the probe decides).
std::string some_library() {
  for (const char* p : {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/bin/sh"})
    if (std::filesystem::is_regular_file(p)) return p;
  return "/bin/sh";
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(an_admin_changes_a_setting_and_it_is_journaled, SettingsDesk) {
  const std::int64_t before = journal_size();
  BOOST_TEST(settings.set(admin, "renewal_opens_days_before", "45") == "45");
  BOOST_TEST(stored("renewal_opens_days_before") == "45");
  BOOST_TEST(journal_size() == before + 1);
  BOOST_TEST(load_counter_config(db).config.renewal_opens_days_before == 45);
}

BOOST_FIXTURE_TEST_CASE(only_an_admin_changes_settings, SettingsDesk) {
  BOOST_TEST(code_of<AuthError>([&] { settings.set(teller, "paper", "a4"); }) == codes::permission_denied);
  BOOST_TEST(code_of<AuthError>([&] { settings.set(sup, "paper", "a4"); }) == codes::permission_denied);
  BOOST_TEST(stored("paper") == "");
}

BOOST_FIXTURE_TEST_CASE(every_type_and_range_is_checked_and_a_refusal_changes_nothing, SettingsDesk) {
  settings.set(admin, "utc_offset_minutes", "480");
  const std::int64_t before = journal_size();
  struct Bad {
    const char* key;
    const char* value;
  };
  for (Bad b : {Bad{"utc_offset_minutes", "abc"}, Bad{"utc_offset_minutes", "-721"}, Bad{"utc_offset_minutes", "841"},
                Bad{"utc_offset_minutes", "480.5"}, Bad{"utc_offset_minutes", ""},
                Bad{"renewal_opens_days_before", "-1"}, Bad{"renewal_closes_days_after", "-5"},
                Bad{"renewal_closes_days_after", "99999"}, Bad{"key_algorithm", "ed25519"}, Bad{"paper", "letter"},
                Bad{"timezone", "Mars/Olympus_Mons"}, Bad{"timezone", "../../etc/passwd"}, Bad{"timezone", "/etc/passwd"},
                Bad{"pkcs11_module", "libsofthsm2.so"}, Bad{"pkcs11_module", "/nonexistent/lib.so"},
                Bad{"branch_name", ""}, Bad{"no_such_key", "1"}, Bad{"branch", "SH02"}, Bad{"cert_days", "30"}})
    BOOST_TEST(!code_of<InputError>([&] { settings.set(admin, b.key, b.value); }).empty(), b.key << "=" << b.value);
  BOOST_TEST(journal_size() == before);
  BOOST_TEST(stored("utc_offset_minutes") == "480");
  BOOST_TEST(stored("timezone") == "");
}

BOOST_FIXTURE_TEST_CASE(the_bounds_themselves_are_accepted, SettingsDesk) {
  BOOST_TEST(settings.set(admin, "utc_offset_minutes", " 480 ") == "480");   // surrounding blanks are trimmed
  BOOST_TEST(settings.set(admin, "utc_offset_minutes", "-720") == "-720");
  BOOST_TEST(settings.set(admin, "utc_offset_minutes", "840") == "840");
  BOOST_TEST(settings.set(admin, "renewal_opens_days_before", "0") == "0");
  BOOST_TEST(settings.set(admin, "renewal_closes_days_after", "0") == "0");
  BOOST_TEST(settings.set(admin, "timezone", "Asia/Shanghai") == "Asia/Shanghai");
  BOOST_TEST(settings.set(admin, "timezone", "Asia/Urumqi") == "Asia/Urumqi");
  BOOST_TEST(settings.set(admin, "key_algorithm", "rsa_2048") == "rsa_2048");
  BOOST_TEST(settings.set(admin, "paper", "roll80") == "roll80");
}

// The module path goes through the probe: a library that does not load or has no slot is refused.
BOOST_FIXTURE_TEST_CASE(a_module_path_must_load_and_have_slots, SettingsDesk) {
  const std::string lib = some_library();
  probe.answer = "it has no slots";
  try {
    settings.set(admin, "pkcs11_module", lib);
    BOOST_FAIL("accepted");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("it has no slots") != std::string::npos);
  }
  BOOST_TEST(probe.asked == std::vector<std::string>{lib});
  BOOST_TEST(stored("pkcs11_module") == "");
  probe.answer = "";
  BOOST_TEST(settings.set(admin, "pkcs11_module", lib) == lib);
}

// Issue 13.6: "settings set utc_offset_minutes abc" by an older version made every
// command fail, including the one that would repair it.
BOOST_FIXTURE_TEST_CASE(a_bad_stored_value_still_starts_and_names_the_setting, SettingsDesk) {
  write_raw("utc_offset_minutes", "abc");
  write_raw("renewal_closes_days_after", "-3");
  write_raw("key_algorithm", "rsa_2048");
  LoadedConfig loaded = load_counter_config(db);
  BOOST_TEST(loaded.config.utc_offset_minutes == 480);
  BOOST_TEST(loaded.config.renewal_closes_days_after == 90);
  BOOST_TEST((loaded.config.key_algorithm == KeyAlgorithm::rsa_2048));   // the good ones are read
  BOOST_REQUIRE(loaded.problems.size() == 2u);
  std::string all = loaded.problems[0] + "\n" + loaded.problems[1];
  BOOST_TEST(all.find("utc_offset_minutes") != std::string::npos);
  BOOST_TEST(all.find("renewal_closes_days_after") != std::string::npos);
  BOOST_TEST(all.find("abc") != std::string::npos);
  // And the repair goes through.
  settings.set(admin, "utc_offset_minutes", "420");
  BOOST_TEST(load_counter_config(db).config.utc_offset_minutes == 420);
  auto entries = settings.all();
  for (const auto& e : entries)
    if (e.key == "renewal_closes_days_after") BOOST_TEST(e.problem.has_value());
    else if (e.key == "utc_offset_minutes") BOOST_TEST(!e.problem.has_value());
}

// The business day follows the offset setting, never a hard-coded +8.
BOOST_FIXTURE_TEST_CASE(the_business_day_offset_comes_from_the_settings, SettingsDesk) {
  BOOST_TEST(load_counter_config(db).config.utc_offset_minutes == 480);   // nothing stored: the default
  settings.set(admin, "utc_offset_minutes", "-300");
  BOOST_TEST(load_counter_config(db).config.utc_offset_minutes == -300);
}

BOOST_AUTO_TEST_CASE(every_key_has_a_type_and_its_default_is_valid) {
  for (const auto& s : setting_specs()) {
    if (s.type == SettingType::module_path || std::string(s.fallback).empty()) continue;
    BOOST_TEST(!setting_problem(s, s.fallback).has_value(), s.key);
  }
  BOOST_TEST(find_setting("utc_offset_minutes")->min == -720);
  BOOST_TEST(find_setting("utc_offset_minutes")->max == 840);
  BOOST_TEST(!find_setting("no_such_key"));
}

// The workstation code (issue 12): A-Z 0-9, 1 to 8; an old folder reads W01; fixed by the first receipt.
BOOST_FIXTURE_TEST_CASE(the_workstation_code_is_checked_and_fixed_by_the_first_receipt, SettingsDesk) {
  BOOST_TEST(stored("workstation") == "W01");   // migration 6: a folder from before the codes
  BOOST_TEST(load_counter_config(db).config.workstation == "W01");
  for (const char* bad : {"w01", "W-1", "ABCDEFGHI", "W 1", "工位1"})
    BOOST_TEST(code_of<InputError>([&] { settings.set(admin, "workstation", bad); }) == codes::bad_request, bad);
  BOOST_TEST(settings.set(admin, "workstation", "W02") == "W02");
  BOOST_TEST(load_counter_config(db).config.workstation == "W02");
  {
    db::Transaction tx(db);
    BOOST_TEST(db::Payments(db).next_receipt_no("BJ01", "W02", 2026) == "BJ01-W02-2026-000001");
    db::ServiceOrder o;
    o.flow = "issue";
    o.state = "paid";
    o.staff_id = teller.id;
    o.request_key = "k-workstation";
    db::Id order = db::Orders(db).insert(o);
    db::Payment p;
    p.order_id = order;
    p.receipt_no = "BJ01-W02-2026-000001";
    p.method = "cash";
    p.teller_id = teller.id;
    db::Payments(db).insert(p);
    tx.commit();
  }
  BOOST_TEST(code_of<InputError>([&] { settings.set(admin, "workstation", "W03"); }) == codes::bad_request);
  BOOST_TEST(stored("workstation") == "W02");
}
