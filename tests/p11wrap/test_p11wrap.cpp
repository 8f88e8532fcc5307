// libcertdesk-p11wrap against SoftHSM2: the user-PIN lockout (in this process, across
// processes through pkcs11-tool, and as libp11 / pki::Module sees it), fault injection and
// the call trace. The wrapper is driven through the raw PKCS#11 API (dlopen + C_GetFunctionList).
#include <boost/test/unit_test.hpp>

#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "pki/module.h"
#include "pki/token.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using certdesk::test::run;
using certdesk::test::TempDir;

namespace {

const std::string so_pin = "12345678";
const std::string user_pin = "123456";
const std::string wrong_pin = "654321";
const std::string new_pin = "24681357";

CK_UTF8CHAR* bytes(const std::string& s) { return reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(s.data())); }

std::string trimmed(const unsigned char* p, size_t n) {
  std::string s(reinterpret_cast<const char*>(p), n);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

// One SoftHSM2 store, the wrapper loaded once (raw) and C_Initialize'd; the state
// file at its default place (next to softhsm2.conf) and a trace of this process's calls.
struct Fixture {
  TempDir dir{"certdesk-p11wrap"};
  fs::path conf, state, trace;
  void* dl = nullptr;
  CK_FUNCTION_LIST* p11 = nullptr;

  Fixture() {
    fs::create_directories(dir / "tokens");
    conf = certdesk::test::write_file(dir / "softhsm2.conf", "directories.tokendir = " + (dir / "tokens").string() +
                                                                "\nobjectstore.backend = file\nlog.level = ERROR\n");
    state = dir / "p11wrap.state";   // the default: $SOFTHSM2_CONF's folder
    trace = dir / "trace-self";
    setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    unsetenv("P11WRAP_STATE");
    unsetenv("P11WRAP_MODULE");
    unsetenv("P11WRAP_MAX_TRIES");
    unsetenv("P11WRAP_FAIL_AT");
    unsetenv("P11WRAP_FAIL_RV");
    unsetenv("P11WRAP_FAIL_PERSIST");
    setenv("P11WRAP_TRACE", trace.c_str(), 1);
    dl = dlopen(P11WRAP_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!dl) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(dl, "C_GetFunctionList"));
    if (!get || get(&p11) != CKR_OK) throw std::runtime_error("C_GetFunctionList failed");
    if (initialize() != CKR_OK) throw std::runtime_error("C_Initialize failed");
  }
  ~Fixture() {
    if (p11) p11->C_Finalize(nullptr);
    // The wrapper stays loaded (dlclose would unload SoftHSM2 under libp11's feet).
  }

  // Threads call in at once (as under libp11): ask for the module's own locking.
  CK_RV initialize() {
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    return p11->C_Initialize(&args);
  }
  // Finalize + Initialize: SoftHSM2 sees tokens made since, the wrapper re-reads P11WRAP_*.
  void reinit() {
    p11->C_Finalize(nullptr);
    BOOST_REQUIRE_EQUAL(initialize(), CKR_OK);
  }

  // A new token (softhsm2-util) with so_pin / user_pin; returns its serial.
  std::string new_token(const std::string& label) {
    auto r = run({"softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", user_pin});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    reinit();
    return token_info(slot_by_label(label)).serial;
  }

  struct Info {
    std::string serial, label;
    CK_FLAGS flags = 0;
  };
  Info token_info(CK_SLOT_ID slot) {
    CK_TOKEN_INFO ti{};
    BOOST_REQUIRE_EQUAL(p11->C_GetTokenInfo(slot, &ti), CKR_OK);
    return {trimmed(ti.serialNumber, sizeof ti.serialNumber), trimmed(ti.label, sizeof ti.label), ti.flags};
  }
  std::vector<CK_SLOT_ID> slots() {
    CK_ULONG n = 0;
    BOOST_REQUIRE_EQUAL(p11->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_OK);
    std::vector<CK_SLOT_ID> v(n);
    BOOST_REQUIRE_EQUAL(p11->C_GetSlotList(CK_TRUE, v.data(), &n), CKR_OK);
    v.resize(n);
    return v;
  }
  CK_SLOT_ID slot_by_label(const std::string& label) {
    for (auto s : slots())
      if (token_info(s).label == label) return s;
    BOOST_FAIL("no token labelled " + label);
    return 0;
  }
  CK_SLOT_ID slot_by_serial(const std::string& serial) {
    for (auto s : slots())
      if (token_info(s).serial == serial) return s;
    BOOST_FAIL("no token with serial " + serial);
    return 0;
  }
  CK_FLAGS flags(const std::string& serial) { return token_info(slot_by_serial(serial)).flags; }

  CK_SESSION_HANDLE open(const std::string& serial) {
    CK_SESSION_HANDLE h = 0;
    BOOST_REQUIRE_EQUAL(p11->C_OpenSession(slot_by_serial(serial), CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                           nullptr, &h),
                        CKR_OK);
    return h;
  }
  CK_RV login(CK_SESSION_HANDLE h, const std::string& pin, CK_USER_TYPE who = CKU_USER) {
    return p11->C_Login(h, who, bytes(pin), pin.size());
  }

  // Counted calls this process made so far (every one is in the trace).
  unsigned long counted_so_far() const {
    std::ifstream f(trace);
    unsigned long n = 0;
    std::string line;
    while (std::getline(f, line)) ++n;
    return n;
  }
  std::vector<std::string> trace_lines(const fs::path& p) const {
    std::ifstream f(p);
    std::vector<std::string> v;
    for (std::string line; std::getline(f, line);) v.push_back(line);
    return v;
  }

  // The count the state file holds for serial (0 when absent).
  unsigned long stored_count(const std::string& serial) const {
    std::ifstream f(state);
    std::string s;
    unsigned long n;
    while (f >> s >> n)
      if (s == serial) return n;
    return 0;
  }

  // pkcs11-tool through the wrapper in a child process (no trace unless asked).
  certdesk::test::RunResult tool(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    std::vector<std::string> argv{"pkcs11-tool", "--module", P11WRAP_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    env.insert(env.begin(), "P11WRAP_TRACE=");
    return run(argv, env);
  }
};

Fixture* fx = nullptr;
struct Global {
  Global() { fx = new Fixture; }
  ~Global() {
    delete fx;
    fx = nullptr;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

constexpr CK_FLAGS low = CKF_USER_PIN_COUNT_LOW, final_try = CKF_USER_PIN_FINAL_TRY, locked = CKF_USER_PIN_LOCKED;

// Flags expected after `wrong` consecutive wrong PINs out of max.
CK_FLAGS expected_flags(unsigned long wrong, unsigned long max) {
  if (wrong == 0) return 0;
  unsigned long remaining = wrong >= max ? 0 : max - wrong;
  return (remaining <= 3 ? low : 0) | (remaining == 1 ? final_try : 0) | (remaining == 0 ? locked : 0);
}

// Sets (or with an empty value, clears) a P11WRAP_* variable and re-initialises the wrapper.
void configure(const std::vector<std::pair<std::string, std::string>>& vars) {
  for (const auto& [k, v] : vars) {
    if (v.empty())
      unsetenv(k.c_str());
    else
      setenv(k.c_str(), v.c_str(), 1);
  }
  fx->reinit();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lockout)

BOOST_AUTO_TEST_CASE(ten_wrong_pins_lock_and_init_pin_unlocks) {
  std::string serial = fx->new_token("lock10");
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);
  CK_SESSION_HANDLE h = fx->open(serial);
  for (unsigned long i = 1; i <= 10; ++i) {
    BOOST_TEST_CONTEXT("wrong PIN #" << i) {
      BOOST_TEST(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);   // the 10th too; the lock shows after it
      BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == expected_flags(i, 10));
      BOOST_TEST(fx->stored_count(serial) == i);
    }
  }
  // Locked: the right PIN is refused without reaching SoftHSM2, so is a wrong one (not counted further).
  BOOST_TEST(fx->login(h, user_pin) == CKR_PIN_LOCKED);
  BOOST_TEST(fx->login(h, wrong_pin) == CKR_PIN_LOCKED);
  BOOST_TEST(fx->stored_count(serial) == 10u);
  CK_SESSION_INFO si{};
  BOOST_REQUIRE(fx->p11->C_GetSessionInfo(h, &si) == CKR_OK);
  BOOST_TEST(si.state == CKS_RW_PUBLIC_SESSION);

  // SO unlocks with C_InitPIN.
  BOOST_REQUIRE(fx->login(h, so_pin, CKU_SO) == CKR_OK);
  BOOST_REQUIRE(fx->p11->C_InitPIN(h, bytes(new_pin), new_pin.size()) == CKR_OK);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);
  BOOST_TEST(fx->stored_count(serial) == 0u);
  BOOST_REQUIRE(fx->p11->C_Logout(h) == CKR_OK);
  BOOST_TEST(fx->login(h, user_pin) == CKR_PIN_INCORRECT);   // the old PIN is gone
  BOOST_TEST(fx->login(h, new_pin) == CKR_OK);
  BOOST_TEST(fx->stored_count(serial) == 0u);
  fx->p11->C_CloseSession(h);
}

BOOST_AUTO_TEST_CASE(successful_login_resets_the_count) {
  std::string serial = fx->new_token("reset");
  CK_SESSION_HANDLE h = fx->open(serial);
  for (int i = 0; i < 8; ++i) BOOST_REQUIRE(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == low);
  BOOST_TEST(fx->login(h, user_pin) == CKR_OK);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);   // SoftHSM2's own COUNT_LOW is gone too
  BOOST_TEST(fx->stored_count(serial) == 0u);
  BOOST_REQUIRE(fx->p11->C_Logout(h) == CKR_OK);
  // The count starts over: 9 more wrong PINs leave the last try.
  for (int i = 0; i < 9; ++i) BOOST_REQUIRE(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == (low | final_try));
  BOOST_TEST(fx->login(h, user_pin) == CKR_OK);
  fx->p11->C_CloseSession(h);
}

BOOST_AUTO_TEST_CASE(one_wrong_pin_shows_no_count_low) {
  // SoftHSM2 itself sets COUNT_LOW after any wrong PIN; the wrapper only at ≤ 3 tries left.
  std::string serial = fx->new_token("one-wrong");
  CK_SESSION_HANDLE h = fx->open(serial);
  BOOST_REQUIRE(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);
  BOOST_TEST(fx->stored_count(serial) == 1u);
  fx->p11->C_CloseSession(h);
}

BOOST_AUTO_TEST_CASE(set_pin_with_a_wrong_old_pin_counts) {
  std::string serial = fx->new_token("setpin");
  CK_SESSION_HANDLE h = fx->open(serial);
  BOOST_REQUIRE(fx->login(h, user_pin) == CKR_OK);
  BOOST_TEST(fx->p11->C_SetPIN(h, bytes(wrong_pin), wrong_pin.size(), bytes(new_pin), new_pin.size()) ==
             CKR_PIN_INCORRECT);
  BOOST_TEST(fx->stored_count(serial) == 1u);
  BOOST_TEST(fx->p11->C_SetPIN(h, bytes(user_pin), user_pin.size(), bytes(new_pin), new_pin.size()) == CKR_OK);
  BOOST_TEST(fx->stored_count(serial) == 0u);
  fx->p11->C_CloseSession(h);
}

BOOST_AUTO_TEST_CASE(max_tries_from_the_environment) {
  std::string serial = fx->new_token("max3");
  configure({{"P11WRAP_MAX_TRIES", "3"}});
  CK_SESSION_HANDLE h = fx->open(serial);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);
  for (unsigned long i = 1; i <= 3; ++i) {
    BOOST_TEST_CONTEXT("wrong PIN #" << i) {
      BOOST_TEST(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
      BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == expected_flags(i, 3));
    }
  }
  BOOST_TEST(fx->login(h, user_pin) == CKR_PIN_LOCKED);
  fx->p11->C_CloseSession(h);
  configure({{"P11WRAP_MAX_TRIES", ""}});
  // Back at 10 tries, 3 wrong ones leave 7: not locked any more, no flags.
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);
  h = fx->open(serial);
  BOOST_TEST(fx->login(h, user_pin) == CKR_OK);
  fx->p11->C_CloseSession(h);
}

BOOST_AUTO_TEST_CASE(state_persists_across_processes) {
  std::string serial = fx->new_token("cross");
  // Wrong PINs in child processes (pkcs11-tool through the wrapper).
  for (int i = 0; i < 8; ++i) {
    auto r = fx->tool({"--token-label", "cross", "--login", "--pin", wrong_pin, "--list-objects"});
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("CKR_PIN_INCORRECT") != std::string::npos, r.err);
  }
  BOOST_TEST(fx->stored_count(serial) == 8u);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == low);   // this process reads the file
  // One more here, then the child sees the final try, then the lock.
  CK_SESSION_HANDLE h = fx->open(serial);
  BOOST_REQUIRE(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
  auto r = fx->tool({"--token-label", "cross", "--list-token-slots"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("final user PIN try") != std::string::npos, r.out);
  r = fx->tool({"--token-label", "cross", "--login", "--pin", wrong_pin, "--list-objects"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST((fx->flags(serial) & locked) == locked);
  r = fx->tool({"--token-label", "cross", "--login", "--pin", user_pin, "--list-objects"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST(r.err.find("CKR_PIN_LOCKED") != std::string::npos, r.err);
  BOOST_TEST(fx->login(h, user_pin) == CKR_PIN_LOCKED);
  // The SO unlocks in a child (pkcs11-tool --init-pin); this process sees it.
  r = fx->tool({"--token-label", "cross", "--login", "--login-type", "so", "--so-pin", so_pin, "--init-pin",
                "--new-pin", new_pin});
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST((fx->flags(serial) & (low | final_try | locked)) == 0u);
  // SoftHSM2 in this process still holds the old PIN until it is initialised again.
  fx->reinit();
  h = fx->open(serial);
  BOOST_TEST(fx->login(h, new_pin) == CKR_OK);
  fx->p11->C_CloseSession(h);
  // The file: "serial count" lines, written by rename (no temp file left).
  for (const auto& e : fs::directory_iterator(fx->dir.path()))
    BOOST_TEST(e.path().filename().string().find(".tmp.") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_wrong_pins_all_count) {
  // 8 wrong PINs from 4 child processes at once and 2 from threads here: no update is lost.
  std::string serial = fx->new_token("race");
  std::vector<CK_SESSION_HANDLE> sessions{fx->open(serial), fx->open(serial)};
  std::vector<std::thread> threads;
  std::vector<certdesk::test::RunResult> children(8);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2; ++i) {
        // SoftHSM2's file store, used by several processes at once, sometimes misses the
        // token ("No slot with token named") or fails a login with CKR_GENERAL_ERROR;
        // neither counts as a wrong PIN, so try again.
        auto& c = children[t * 2 + i];
        for (int attempt = 0; attempt < 50; ++attempt) {
          c = fx->tool({"--token-label", "race", "--login", "--pin", wrong_pin, "--list-objects"});
          if (c.err.find("No slot with token") == std::string::npos &&
              c.err.find("CKR_GENERAL_ERROR") == std::string::npos)
            break;
        }
      }
    });
  std::vector<CK_RV> rvs(2, CKR_OK);
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (int attempt = 0; attempt < 50; ++attempt)
        if ((rvs[t] = fx->login(sessions[t], wrong_pin)) != CKR_GENERAL_ERROR) break;
    });
  for (auto& t : threads) t.join();
  for (const auto& c : children) BOOST_TEST(c.err.find("CKR_PIN_INCORRECT") != std::string::npos, c.err);
  for (CK_RV rv : rvs) BOOST_TEST(rv == CKR_PIN_INCORRECT);
  BOOST_TEST(fx->stored_count(serial) == 10u);
  BOOST_TEST((fx->flags(serial) & locked) == locked);
  for (auto h : sessions) fx->p11->C_CloseSession(h);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(fail_at_fails_exactly_that_call) {
  std::string serial = fx->new_token("fault");
  unsigned long n = fx->counted_so_far();
  configure({{"P11WRAP_FAIL_AT", std::to_string(n + 3)}, {"P11WRAP_FAIL_RV", "0x30"}});
  // Not counted: slot and token info.
  BOOST_TEST(fx->flags(serial) != 0u);
  BOOST_TEST(fx->counted_so_far() == n);
  CK_SESSION_HANDLE h = fx->open(serial);                  // n+1
  BOOST_TEST(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);   // n+2
  BOOST_TEST(fx->login(h, user_pin) == CKR_DEVICE_ERROR);     // n+3: not forwarded
  CK_SESSION_INFO si{};
  BOOST_TEST(fx->p11->C_GetSessionInfo(h, &si) == CKR_OK);    // n+4
  BOOST_TEST(si.state == CKS_RW_PUBLIC_SESSION);              // so not logged in
  BOOST_TEST(fx->stored_count(serial) == 1u);                 // and the failed login did not count
  BOOST_TEST(fx->login(h, user_pin) == CKR_OK);               // n+5
  unsigned char buf[16];
  BOOST_TEST(fx->p11->C_GenerateRandom(h, buf, sizeof buf) == CKR_OK);   // n+6
  BOOST_TEST(fx->p11->C_CloseSession(h) == CKR_OK);                      // n+7
  auto lines = fx->trace_lines(fx->trace);
  BOOST_REQUIRE(lines.size() == n + 7);
  const char* names[] = {"C_OpenSession", "C_Login",          "C_Login",       "C_GetSessionInfo",
                         "C_Login",       "C_GenerateRandom", "C_CloseSession"};
  for (unsigned long i = 0; i < 7; ++i)
    BOOST_TEST(lines[n + i] == std::to_string(n + i + 1) + " " + names[i]);
  configure({{"P11WRAP_FAIL_AT", ""}, {"P11WRAP_FAIL_RV", ""}});
}

BOOST_AUTO_TEST_CASE(default_rv_is_device_removed_and_decimal_rv_parses) {
  std::string serial = fx->new_token("fault-rv");
  unsigned long n = fx->counted_so_far();
  configure({{"P11WRAP_FAIL_AT", std::to_string(n + 1)}});
  CK_SESSION_HANDLE h = 0;
  BOOST_TEST(fx->p11->C_OpenSession(fx->slot_by_serial(serial), CKF_SERIAL_SESSION, nullptr, nullptr, &h) ==
             CKR_DEVICE_REMOVED);
  configure({{"P11WRAP_FAIL_AT", std::to_string(n + 2)}, {"P11WRAP_FAIL_RV", "48"}});
  BOOST_TEST(fx->p11->C_OpenSession(fx->slot_by_serial(serial), CKF_SERIAL_SESSION, nullptr, nullptr, &h) ==
             CKR_DEVICE_ERROR);
  h = fx->open(serial);
  fx->p11->C_CloseSession(h);
  configure({{"P11WRAP_FAIL_AT", ""}, {"P11WRAP_FAIL_RV", ""}});
}

BOOST_AUTO_TEST_CASE(fail_persist_keeps_the_token_pulled) {
  std::string serial = fx->new_token("pulled");
  CK_SLOT_ID slot = fx->slot_by_serial(serial);
  CK_SESSION_HANDLE h = fx->open(serial);
  BOOST_REQUIRE(fx->login(h, user_pin) == CKR_OK);
  unsigned long n = fx->counted_so_far();
  configure({{"P11WRAP_FAIL_AT", std::to_string(n + 2)}, {"P11WRAP_FAIL_PERSIST", "1"}});
  slot = fx->slot_by_serial(serial);   // slot IDs may change across a re-initialisation
  // (reinit closed the session: open again)
  h = fx->open(serial);                                                      // n+1
  unsigned char buf[8];
  BOOST_TEST(fx->p11->C_GenerateRandom(h, buf, sizeof buf) == CKR_DEVICE_REMOVED);   // n+2
  BOOST_TEST(fx->login(h, user_pin) == CKR_DEVICE_REMOVED);
  BOOST_TEST(fx->p11->C_CloseSession(h) == CKR_DEVICE_REMOVED);
  CK_SESSION_HANDLE h2 = 0;
  BOOST_TEST(fx->p11->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h2) == CKR_DEVICE_REMOVED);
  // A pulled key reads as absent, as in a real reader.
  CK_TOKEN_INFO ti{};
  BOOST_TEST(fx->p11->C_GetTokenInfo(slot, &ti) == CKR_TOKEN_NOT_PRESENT);
  CK_SLOT_INFO si{};
  BOOST_TEST(fx->p11->C_GetSlotInfo(slot, &si) == CKR_OK);
  BOOST_TEST((si.flags & CKF_TOKEN_PRESENT) == 0u);
  BOOST_TEST(fx->stored_count(serial) == 0u);
  // Still pulled after a re-initialisation with the same settings.
  fx->reinit();
  BOOST_TEST(fx->p11->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h2) == CKR_DEVICE_REMOVED);
  BOOST_TEST(fx->p11->C_GetTokenInfo(slot, &ti) == CKR_TOKEN_NOT_PRESENT);
  configure({{"P11WRAP_FAIL_AT", ""}, {"P11WRAP_FAIL_PERSIST", ""}});
  h = fx->open(serial);
  BOOST_TEST(fx->p11->C_CloseSession(h) == CKR_OK);
}

// The intended use: trace a whole flow once, then fail each of its calls in turn.
BOOST_AUTO_TEST_CASE(trace_then_fail_each_call_of_a_pkcs11_tool_flow) {
  std::string serial = fx->new_token("flow");
  const std::vector<std::string> flow{"--token-label", "flow",   "--login",  "--pin", user_pin,
                                      "--keypairgen",  "--key-type", "EC:prime256v1", "--label", "k"};
  fs::path base_trace = fx->dir / "trace-flow";
  auto r = fx->tool(flow, {"P11WRAP_TRACE=" + base_trace.string()});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto base = fx->trace_lines(base_trace);
  BOOST_REQUIRE(base.size() >= 3);
  std::vector<std::string> names;
  for (size_t i = 0; i < base.size(); ++i) {
    BOOST_TEST(base[i].starts_with(std::to_string(i + 1) + " C_"));
    names.push_back(base[i].substr(base[i].find(' ') + 1));
  }
  auto at = [&](const std::string& name) { return std::find(names.begin(), names.end(), name) - names.begin(); };
  BOOST_REQUIRE(static_cast<size_t>(at("C_Login")) < names.size());
  BOOST_REQUIRE(static_cast<size_t>(at("C_GenerateKeyPair")) < names.size());

  for (size_t k = 1; k <= base.size(); ++k) {
    BOOST_TEST_CONTEXT("FAIL_AT=" << k << " (" << names[k - 1] << ")") {
      fs::path t = fx->dir / ("trace-flow-" + std::to_string(k));
      r = fx->tool(flow, {"P11WRAP_TRACE=" + t.string(), "P11WRAP_FAIL_AT=" + std::to_string(k)});
      auto lines = fx->trace_lines(t);
      // Everything before k ran as in the traced run; call k was made (and failed).
      BOOST_REQUIRE(lines.size() >= k);
      for (size_t i = 0; i < k; ++i) BOOST_TEST(lines[i] == base[i]);
      const std::string& name = names[k - 1];
      if (name == "C_Login" || name == "C_GenerateKeyPair" || name == "C_OpenSession") {
        BOOST_TEST(r.exit_code != 0);
        BOOST_TEST(r.err.find("CKR_DEVICE_REMOVED") != std::string::npos, r.err);
      }
    }
  }
  BOOST_TEST(fx->stored_count(serial) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// libp11 (through pki::Module) loads the wrapper and sees the flags it reports.
BOOST_AUTO_TEST_CASE(libp11_sees_the_lockout_flags) {
  std::string locked_serial = fx->new_token("p11-locked");
  std::string low_serial = fx->new_token("p11-low");
  CK_SESSION_HANDLE h = fx->open(locked_serial);
  for (int i = 0; i < 10; ++i) BOOST_REQUIRE(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
  fx->p11->C_CloseSession(h);
  h = fx->open(low_serial);
  for (int i = 0; i < 7; ++i) BOOST_REQUIRE(fx->login(h, wrong_pin) == CKR_PIN_INCORRECT);
  fx->p11->C_CloseSession(h);

  fx->p11->C_Finalize(nullptr);   // libp11 initialises the module itself
  {
    auto module = certdesk::pki::Module::load(P11WRAP_PATH);
    bool seen_locked = false, seen_low = false;
    for (const auto& t : module->tokens()) {
      if (t.serial == locked_serial) {
        seen_locked = true;
        BOOST_TEST(t.pin_locked);
        BOOST_TEST(t.pin_count_low);
        BOOST_TEST(!t.pin_final_try);
      } else if (t.serial == low_serial) {
        seen_low = true;
        BOOST_TEST(!t.pin_locked);
        BOOST_TEST(t.pin_count_low);
        BOOST_TEST(!t.pin_final_try);
      }
    }
    BOOST_TEST(seen_locked);
    BOOST_TEST(seen_low);
  }
  BOOST_REQUIRE_EQUAL(fx->initialize(), CKR_OK);
}

// libp11 0.4.12 waits forever on a condition variable when its own C_OpenSession
// fails (pkcs11_get_session; fixed in 0.4.14). pki::Module guards that call: the
// failure comes back as the TokenError it is, at once, and the module recovers.
BOOST_AUTO_TEST_CASE(a_failing_c_open_session_inside_libp11_is_a_token_error_not_a_hang) {
  using certdesk::Secret;
  using certdesk::TokenError;
  using certdesk::pki::Module;
  using certdesk::pki::Token;
  std::string serial = fx->new_token("p11-open");
  fx->p11->C_Finalize(nullptr);   // libp11 initialises the module itself

  // A clean run: which counted call, after the load, is libp11's C_OpenSession for the login?
  unsigned long start = fx->counted_so_far(), open_at = 0;
  {
    auto module = Module::load(P11WRAP_PATH);
    BOOST_REQUIRE(module->open_session_guarded());
    Token token = Token::open(module, serial);
    unsigned long before_login = fx->counted_so_far();
    token.login_user(Secret(user_pin));
    auto lines = fx->trace_lines(fx->trace);
    for (size_t i = before_login; i < lines.size() && !open_at; ++i)
      if (lines[i].ends_with(" C_OpenSession")) open_at = i + 1;
    token.logout();
  }
  BOOST_REQUIRE_MESSAGE(open_at > 0, "libp11 opened no session of its own for the login");

  // The same run with that very call failing (and the token staying pulled).
  unsigned long start2 = fx->counted_so_far();
  setenv("P11WRAP_FAIL_AT", std::to_string(start2 + (open_at - start)).c_str(), 1);
  setenv("P11WRAP_FAIL_PERSIST", "1", 1);
  std::string code, what;
  unsigned long rv = 0;
  {
    auto module = Module::load(P11WRAP_PATH);
    Token token = Token::open(module, serial);
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    std::thread worker([&, done] {
      try {
        token.login_user(Secret(user_pin));
      } catch (const TokenError& e) {
        code = e.code();
        what = e.what();
        rv = e.ck_rv();
      } catch (...) {
      }
      done->set_value();
    });
    if (finished.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
      BOOST_ERROR("login_user hung inside libp11 after a failed C_OpenSession");
      std::fflush(nullptr);
      std::_Exit(201);   // the worker is stuck in libp11 for good
    }
    worker.join();
    auto lines = fx->trace_lines(fx->trace);
    BOOST_TEST(lines.at(start2 + (open_at - start) - 1).ends_with(" C_OpenSession"));
    BOOST_TEST(rv == CKR_DEVICE_REMOVED, what);
    BOOST_TEST((code == certdesk::codes::token_removed), code << " " << what);
    // The next step re-enumerates instead of using the invalid session libp11 pooled: still an error, no hang.
    BOOST_CHECK_THROW(token.login_user(Secret(user_pin)), TokenError);
  }
  unsetenv("P11WRAP_FAIL_AT");
  unsetenv("P11WRAP_FAIL_PERSIST");
  BOOST_REQUIRE_EQUAL(fx->initialize(), CKR_OK);
  // And with the fault gone, the same login works.
  fx->p11->C_Finalize(nullptr);
  {
    auto module = Module::load(P11WRAP_PATH);
    Token token = Token::open(module, serial);
    BOOST_CHECK_NO_THROW(token.login_user(Secret(user_pin)));
    token.logout();
  }
  BOOST_REQUIRE_EQUAL(fx->initialize(), CKR_OK);
}

namespace {
// A throwaway self-signed P-256 certificate (software key), DER.
certdesk::pki::Bytes self_signed_der() {
  using namespace certdesk::pki;
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  X509Ptr cert(X509_new());
  BOOST_REQUIRE(key && cert);
  X509NamePtr name = make_name({"示例", "91110108MA01C8D24U", ""});
  BOOST_REQUIRE(X509_set_version(cert.get(), 2) == 1);
  BOOST_REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7) == 1);
  BOOST_REQUIRE(X509_set_subject_name(cert.get(), name.get()) == 1 && X509_set_issuer_name(cert.get(), name.get()) == 1);
  BOOST_REQUIRE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) && X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400));
  BOOST_REQUIRE(X509_set_pubkey(cert.get(), key.get()) == 1 && X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
  return to_der(cert.get());
}
}  // namespace

// STYLE habit 7 for pki::Token: each wrapper whose module call fails throws
// TokenError with that CK_RV. For every operation, a clean run on a fresh
// token finds the first counted PKCS#11 call the operation itself makes; a
// second run on another fresh token fails exactly that call (CKR_DEVICE_ERROR).
// (info() and the slot list use uncounted calls the wrapper never fails.)
BOOST_AUTO_TEST_CASE(every_token_operation_whose_module_call_fails_throws_token_error) {
  using certdesk::Secret;
  using certdesk::TokenError;
  using certdesk::pki::KeyAlgorithm;
  using certdesk::pki::Module;
  using certdesk::pki::Token;
  using Step = std::function<void(Token&)>;
  const certdesk::pki::Bytes id{0x42};
  const Step none = [](Token&) {};
  const Step user = [&](Token& t) { t.login_user(Secret(user_pin)); };
  const Step so = [&](Token& t) { t.login_so(Secret(so_pin)); };
  const Step with_key = [&](Token& t) {
    t.login_user(Secret(user_pin));
    t.generate_key(KeyAlgorithm::ec_p256, id, "k");
  };
  struct Op {
    const char* name;
    Step setup, op;
  };
  const std::vector<Op> ops{
      {"login_user", none, user},
      {"login_so", none, so},
      {"init_user_pin", so, [&](Token& t) { t.init_user_pin(Secret(new_pin)); }},
      {"change_so_pin", none, [&](Token& t) { t.change_so_pin(Secret(so_pin), Secret("87654321")); }},
      {"reinitialise", none, [&](Token& t) { t.reinitialise(Secret(so_pin), "again"); }},
      {"generate_key", user, [&](Token& t) { t.generate_key(KeyAlgorithm::ec_p256, id, "k"); }},
      {"make_csr", with_key, [&](Token& t) { t.make_csr(id, {"示例", "91110108MA01C8D24U", ""}); }},
      {"sign", with_key, [&](Token& t) { t.sign(id, {1, 2, 3}); }},
      {"public_key", with_key, [&](Token& t) { t.public_key(id); }},
      {"certificates", none, [&](Token& t) { t.certificates(); }},
      {"private_keys", with_key, [&](Token& t) { t.private_keys(); }},
      {"remove_key_pair", with_key, [&](Token& t) { t.remove_key_pair(id); }},
      {"store_certificate", with_key, [&](Token& t) { t.store_certificate(self_signed_der(), id, "c"); }},
      {"remove_certificate", [&](Token& t) {
         with_key(t);
         t.store_certificate(self_signed_der(), id, "c");
       },
       [&](Token& t) { t.remove_certificate(id); }},
      {"logout", user, [&](Token& t) { t.logout(); }},
  };
  fx->p11->C_Finalize(nullptr);   // libp11 initialises the module itself
  int n = 0;
  for (const auto& op : ops) {
    BOOST_TEST_CONTEXT(op.name) {
      ++n;
      BOOST_REQUIRE_EQUAL(fx->initialize(), CKR_OK);
      std::string clean = fx->new_token("w" + std::to_string(n) + "a");
      std::string faulted = fx->new_token("w" + std::to_string(n) + "b");
      fx->p11->C_Finalize(nullptr);
      // Clean: the offset (from the load) of the operation's first counted call.
      unsigned long start = fx->counted_so_far(), first = 0;
      {
        auto module = Module::load(P11WRAP_PATH);
        Token token = Token::open(module, clean);
        op.setup(token);
        unsigned long before = fx->counted_so_far();
        op.op(token);
        if (fx->counted_so_far() > before) first = before + 1 - start;
      }
      BOOST_REQUIRE_MESSAGE(first > 0, "the operation made no counted PKCS#11 call");
      // Faulted: the same sequence on the other token, that call failing.
      setenv("P11WRAP_FAIL_AT", std::to_string(fx->counted_so_far() + first).c_str(), 1);
      setenv("P11WRAP_FAIL_RV", "0x30", 1);   // CKR_DEVICE_ERROR
      {
        auto module = Module::load(P11WRAP_PATH);
        Token token = Token::open(module, faulted);
        op.setup(token);
        try {
          op.op(token);
          BOOST_ERROR("no exception when the module failed the call");
        } catch (const TokenError& e) {
          BOOST_TEST(e.ck_rv() == CKR_DEVICE_ERROR, e.what());
        }
      }
      unsetenv("P11WRAP_FAIL_AT");
      unsetenv("P11WRAP_FAIL_RV");
    }
  }
  BOOST_REQUIRE_EQUAL(fx->initialize(), CKR_OK);
}
