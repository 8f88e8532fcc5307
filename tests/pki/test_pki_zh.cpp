// Issue 14.6 "all the way down": real failures of pki/ read in Chinese under
// zh_CN, a library's own words kept apart after 技术细节, and never a PIN in them.
// One private SoftHSM2 store (a temp folder) and one CA for the run.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/i18n.h"
#include "pki/ca.h"
#include "pki/module.h"
#include "pki/softhsm.h"
#include "pki/token.h"
#include "tests/support/support.h"

using namespace certdesk;
using namespace certdesk::pki;
namespace fs = std::filesystem;

namespace {

Seconds now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

struct Store {
  test::TempDir dir{"certdesk-pki-zh"};
  std::shared_ptr<Module> module;
  Store() {
    setenv("CERTDESK_LANG", "zh_CN", 1);
    BOOST_TEST_REQUIRE(std::string(init_language()) == "zh_CN");
    softhsm::prepare_store(dir.path() / "hsm");
    softhsm::use_store(dir.path() / "hsm");
    module = Module::load(softhsm::default_module);
    CertificateAuthority::create(module, dir.path() / "ca", "zh-ca", Secret("ca-so-pin"), Secret("ca-user-pin"),
                                 Subject{"certdesk 测试 CA", "", "certdesk Test CA"}, now() - std::chrono::hours(48));
  }
};
Store* store = nullptr;
struct GlobalStore {
  GlobalStore() { store = new Store; }
  ~GlobalStore() { delete store; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalStore);

}  // namespace

BOOST_AUTO_TEST_CASE(a_bad_certificate_serial_reads_in_chinese) {
  auto ca = CertificateAuthority::open(store->module, store->dir.path() / "ca", "zh-ca", Secret("ca-user-pin"));
  try {
    ca.revoke("not-a-serial", RevocationReason::unspecified, now());
    BOOST_FAIL("an unknown serial was revoked");
  } catch (const InputError& e) {
    const std::string what = e.what();
    BOOST_TEST(e.code() == codes::not_found);
    BOOST_TEST(has_cjk(what), what);
    BOOST_TEST(what.find("not-a-serial") != std::string::npos, what);   // the teller sees what they typed
    BOOST_TEST(shown_message(e) == what);
  }
}

BOOST_AUTO_TEST_CASE(a_corrupt_ca_certificate_file_reads_in_chinese) {
  const fs::path copy = store->dir.path() / "ca-damaged";
  fs::copy(store->dir.path() / "ca", copy, fs::copy_options::recursive);
  std::ofstream(copy / "ca.pem", std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  try {
    CertificateAuthority::open(store->module, copy, "zh-ca", Secret("ca-user-pin"));
    BOOST_FAIL("a damaged ca.pem opened");
  } catch (const Error& e) {
    const std::string what = e.what();
    BOOST_TEST(e.code() == codes::ca_error);
    BOOST_TEST(has_cjk(what), what);
    BOOST_TEST(what.find("备份") != std::string::npos, what);   // what to do: restore the backup
    BOOST_TEST(what.find((copy / "ca.pem").string()) != std::string::npos, what);
  }
}

BOOST_AUTO_TEST_CASE(a_wrong_pin_reads_in_chinese_and_never_holds_the_pin) {
  const std::string typed = "wrong-pin-97531";
  try {
    CertificateAuthority::open(store->module, store->dir.path() / "ca", "zh-ca", Secret(typed));
    BOOST_FAIL("a wrong CA PIN logged in");
  } catch (const TokenError& e) {
    const std::string what = e.what();
    BOOST_TEST(e.code() == codes::wrong_pin);
    BOOST_TEST(has_cjk(what), what);
    BOOST_TEST(what.find(typed) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_token_step_without_login_names_the_step_in_chinese) {
  Token t = Token::initialise_free_slot(store->module, Secret("so-pin-2468"), "zh-step");
  try {
    t.generate_key(KeyAlgorithm::ec_p256, Bytes{0x01}, "k");
    BOOST_FAIL("a key was generated without a login");
  } catch (const TokenError& e) {
    const std::string what = e.what();
    BOOST_TEST(has_cjk(what), what);
    BOOST_TEST(what.find("生成密钥对") != std::string::npos, what);   // the action, translated too
    BOOST_TEST(what.find("generate") == std::string::npos, what);
  }
}

BOOST_AUTO_TEST_CASE(a_label_too_long_reads_in_chinese) {
  try {
    Token::initialise_free_slot(store->module, Secret("so-pin-2468"), std::string(40, 'L'));
    BOOST_FAIL("a 40-byte label was accepted");
  } catch (const InputError& e) {
    BOOST_TEST(e.code() == codes::invalid_text);
    BOOST_TEST(has_cjk(e.what()), e.what());
  }
}

BOOST_AUTO_TEST_CASE(a_module_that_is_no_library_reads_in_chinese) {
  const fs::path fake = store->dir.path() / "libnot-pkcs11.so";
  std::ofstream(fake) << "plain text\n";
  try {
    Module::load(fake.string());
    BOOST_FAIL("a text file loaded as a PKCS#11 module");
  } catch (const TokenError& e) {
    const std::string what = e.what();
    BOOST_TEST(e.code() == codes::module_unavailable);
    BOOST_TEST(what.find("无法加载介质模块") != std::string::npos, what);
    BOOST_TEST(what.find("技术细节：") != std::string::npos, what);   // dlopen's words, apart
    BOOST_TEST(what.find(fake.string()) != std::string::npos, what);
  }
}
