// pki/ against SoftHSM2: module loading, blank tokens, personalisation, the CA,
// and what tools nobody here wrote (pkcs11-tool, openssl) make of the result.
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "common/error.h"
#include "pki/ca.h"
#include "pki/module.h"
#include "pki/softhsm.h"
#include "pki/token.h"
#include "pki/token_lock.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using namespace certdesk;
using namespace certdesk::pki;
using certdesk::test::run;
using certdesk::test::TempDir;

namespace {

const std::string transport_pin = "87654321";
const std::string so_pin = "so-pin-2468";
const std::string user_pin = "user-1357";

Seconds at(std::int64_t unix_seconds) { return Seconds(std::chrono::seconds(unix_seconds)); }
Seconds now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

// One SoftHSM2 store and one loaded module for the whole run (SOFTHSM2_CONF and
// C_Initialize are process-wide); every case takes its own token serials.
struct Store {
  TempDir dir{"certdesk-pki"};
  fs::path conf;
  std::shared_ptr<Module> module;
  std::optional<CertificateAuthority> ca;

  Store() {
    conf = softhsm::prepare_store(dir.path() / "hsm");
    softhsm::use_store(dir.path() / "hsm");
    module = Module::load(softhsm::default_module);
  }
  std::string env() const { return "SOFTHSM2_CONF=" + conf.string(); }
  fs::path hsm() const { return dir.path() / "hsm"; }

  CertificateAuthority& authority() {
    if (!ca) {
      Subject name{"certdesk 测试 CA", "", "certdesk Test CA"};
      CertificateAuthority::create(module, dir.path() / "ca", "certdesk-ca", Secret("ca-so-pin"), Secret("ca-user-pin"),
                                   name, now() - std::chrono::hours(48));
      ca.emplace(CertificateAuthority::open(module, dir.path() / "ca", "certdesk-ca", Secret("ca-user-pin")));
    }
    return *ca;
  }
};

Store* the_store = nullptr;
struct GlobalStore {
  GlobalStore() { the_store = new Store; }
  ~GlobalStore() {
    delete the_store;
    the_store = nullptr;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalStore);
Store& store() { return *the_store; }

std::string next_serial() {
  static std::atomic<int> n{0};
  return "2100" + std::to_string(100000 + getpid() % 10000 * 10 + n++);
}

const Subject customer{"北京示例科技有限公司", "91110108MA01C8D24U", ""};

// A blank token personalised the way the counter does it, logged in as user.
Token personalise(const std::string& serial, const std::string& label) {
  softhsm::insert_blank(store().hsm(), serial, Secret(transport_pin));
  Token t = Token::open(store().module, serial);
  t.reinitialise(Secret(transport_pin), label);
  t.change_so_pin(Secret(transport_pin), Secret(so_pin));
  t.login_so(Secret(so_pin));
  t.init_user_pin(Secret(user_pin));
  t.login_user(Secret(user_pin));
  return t;
}

template <class E, class F>
E expect_throw(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  BOOST_FAIL("expected exception not thrown");
  throw;   // unreachable
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(module)

BOOST_AUTO_TEST_CASE(vendor_from_serial_prefix) {
  BOOST_TEST(vendor_for_serial("1100012345", "SoftHSM project") == "捷德");
  BOOST_TEST(vendor_for_serial("2100012345", "SoftHSM project") == "握奇");
  BOOST_TEST(vendor_for_serial("3100012345", "SoftHSM project") == "华大");
  BOOST_TEST(vendor_for_serial("4100012345", "SoftHSM project") == "大明");
  BOOST_TEST(vendor_for_serial("5100012345", "SoftHSM project") == "SoftHSM project");
  BOOST_TEST(vendor_for_serial("", "Acme") == "Acme");
}

BOOST_AUTO_TEST_CASE(missing_module_file_is_module_unavailable) {
  auto e = expect_throw<TokenError>([] { Module::load("/nonexistent/libvendor-pkcs11.so"); });
  BOOST_TEST(e.code() == codes::module_unavailable);
  BOOST_TEST(std::string(e.what()).find("/nonexistent/libvendor-pkcs11.so") != std::string::npos);
  BOOST_TEST(std::string(e.what()).find("check the token module setting") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(library_without_pkcs11_is_module_unavailable) {
  std::string lib;
  for (const char* p : {"/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1",
                        "/usr/lib/aarch64-linux-gnu/libz.so.1"})
    if (fs::exists(p)) lib = p;
  BOOST_REQUIRE_MESSAGE(!lib.empty(), "no libz to try");
  auto e = expect_throw<TokenError>([&] { Module::load(lib); });
  BOOST_TEST(e.code() == codes::module_unavailable);
  BOOST_TEST(std::string(e.what()).find("not a PKCS#11 library") != std::string::npos);
}

// SoftHSM2 without its token folder fails C_Initialize. The module is loaded in
// this process already, so load a copy under another path in a forked child.
BOOST_AUTO_TEST_CASE(softhsm_without_token_dir_is_module_unavailable) {
  TempDir tmp("certdesk-nodir");
  fs::copy_file(softhsm::default_module, tmp / "libsofthsm2-copy.so");
  certdesk::test::write_file(tmp / "bad.conf", "directories.tokendir = " + (tmp / "missing").string() +
                                                    "\nobjectstore.backend = file\nlog.level = ERROR\n");
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    setenv("SOFTHSM2_CONF", (tmp / "bad.conf").c_str(), 1);
    std::string out = "none";
    try {
      Module::load((tmp / "libsofthsm2-copy.so").string());
      out = "loaded";
    } catch (const TokenError& e) {
      out = e.code() + "|" + std::to_string(e.ck_rv()) + "|" + e.what();
    } catch (const std::exception& e) {
      out = std::string("other|") + e.what();
    }
    ssize_t ignored = write(fds[1], out.data(), out.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST_MESSAGE("child said: " << got);
  BOOST_TEST(got.rfind(std::string(codes::module_unavailable) + "|5|", 0) == 0);   // CKR_GENERAL_ERROR
  BOOST_TEST(got.find("token directory must exist") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(absent_serial_is_no_token) {
  auto e = expect_throw<TokenError>([] { Token::open(store().module, "2199999999"); });
  BOOST_TEST(e.code() == codes::no_token);
  BOOST_TEST(std::string(e.what()) ==
             "no token with serial 2199999999 is inserted: insert the customer's key and try again");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(blank)

BOOST_AUTO_TEST_CASE(insert_blank_shows_printed_serial_and_vendor) {
  const std::string serial = next_serial();
  BOOST_TEST(softhsm::insert_blank(store().hsm(), serial, Secret(transport_pin)) == serial);
  bool seen = false;
  for (const auto& t : store().module->tokens()) {
    if (t.serial != serial) continue;
    seen = true;
    BOOST_TEST(t.vendor == "握奇");
    BOOST_TEST(t.label == "BLANK");
    BOOST_TEST(t.initialized);
    BOOST_TEST(!t.user_pin_initialized);
  }
  BOOST_TEST(seen);
  // Another process sees it too.
  auto r = run({"pkcs11-tool", "--module", softhsm::default_module, "-L"}, {store().env()});
  BOOST_TEST(r.out.find(serial) != std::string::npos);

  auto dup = expect_throw<RuleRefused>([&] { softhsm::insert_blank(store().hsm(), serial, Secret(transport_pin)); });
  BOOST_TEST(dup.code() == codes::duplicate);
}

// SoftHSM2 derives slot IDs from the last 8 characters of the serial and aborts
// in C_Initialize on a clash: serials that share their last digits must coexist,
// and a clash must be refused before it reaches the store.
BOOST_AUTO_TEST_CASE(serials_sharing_last_digits_coexist_and_slot_clash_is_refused) {
  const std::string tail = "9" + std::to_string(100000 + getpid() % 900000);   // 7 digits shared
  std::vector<std::string> serials = {"215" + tail, "216" + tail, "217" + tail};
  for (const auto& s : serials) softhsm::insert_blank(store().hsm(), s, Secret(transport_pin));
  std::set<std::string> seen;
  for (const auto& t : store().module->tokens()) seen.insert(t.serial);
  for (const auto& s : serials) BOOST_TEST(seen.count(s) == 1u);
  // Same last 8 digits as a token already in the store.
  auto clash = expect_throw<RuleRefused>(
      [&] { softhsm::insert_blank(store().hsm(), "3199" + serials[0].substr(2), Secret(transport_pin)); });
  BOOST_TEST(clash.code() == codes::duplicate);
  BOOST_TEST(std::string(clash.what()).find(serials[0]) != std::string::npos);
  // Last 8 digits read as hex below 0x1000: where the empty slot's number lies.
  BOOST_CHECK_THROW(softhsm::insert_blank(store().hsm(), "2100000999", Secret(transport_pin)), RuleRefused);
  // The store still loads in a fresh process.
  auto r = run({"pkcs11-tool", "--module", softhsm::default_module, "-L"}, {store().env()});
  BOOST_TEST(r.exit_code == 0);
  for (const auto& s : serials) BOOST_TEST(r.out.find(s) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(insert_blank_validates_serial) {
  for (const char* bad : {"12a45", "123", "12345678901234567", "21 0001"}) {
    auto e = expect_throw<InputError>([&] { softhsm::insert_blank(store().hsm(), bad, Secret(transport_pin)); });
    BOOST_TEST(e.code() == codes::bad_request);
  }
  std::string random = softhsm::insert_blank(store().hsm(), "", Secret(transport_pin));
  BOOST_TEST(std::regex_match(random, std::regex("21[0-9]{8}")));
  BOOST_TEST(Token::open(store().module, random).info().vendor == "握奇");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(personalisation)

BOOST_AUTO_TEST_CASE(ec_key_csr_certificate_checked_by_pkcs11_tool_and_openssl) {
  const std::string serial = next_serial();
  const std::string label = "CUST-" + serial;
  Token token = personalise(serial, label);
  TokenInfo info = token.info();
  BOOST_TEST(info.label == label);
  BOOST_TEST(info.serial == serial);   // C_InitToken keeps the printed serial
  BOOST_TEST(info.vendor == "握奇");
  BOOST_TEST(info.user_pin_initialized);

  const Bytes id = {0x01, 0x02, 0x03, 0x04};
  auto t0 = std::chrono::steady_clock::now();
  token.generate_key(KeyAlgorithm::ec_p256, id, label);
  BOOST_TEST_MESSAGE("P-256 keygen: " << ms_since(t0) << " ms");
  Bytes csr = token.make_csr(id, customer);

  CertificateAuthority& ca = store().authority();
  const std::int64_t nb = now().time_since_epoch().count() / 86400 * 86400;   // today 00:00 UTC
  t0 = std::chrono::steady_clock::now();
  IssuedCertificate issued = ca.issue(csr, customer, at(nb));
  BOOST_TEST_MESSAGE("issue: " << ms_since(t0) << " ms");
  BOOST_TEST(issued.not_before == nb);
  BOOST_TEST(issued.not_after - issued.not_before == 365 * 86400);
  BOOST_TEST(issued.serial.size() == 32u);
  BOOST_TEST(issued.subject.find("北京示例科技有限公司") != std::string::npos);
  BOOST_TEST(issued.subject.find("91110108MA01C8D24U") != std::string::npos);

  token.store_certificate(issued.der, id, label);
  auto certs = token.certificates();
  BOOST_REQUIRE(certs.size() == 1u);
  BOOST_TEST(certs[0].id == "01020304");
  BOOST_TEST(certs[0].der == issued.der);

  // The token's signature verifies with the certificate's key.
  X509Ptr cert = x509_from_der(issued.der);
  Bytes data = {'h', 'e', 'l', 'l', 'o'};
  Bytes sig = token.sign(id, data);
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  BOOST_REQUIRE(EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(cert.get())) == 1);
  BOOST_TEST(EVP_DigestVerify(md.get(), sig.data(), sig.size(), data.data(), data.size()) == 1);

  // pkcs11-tool: a private key and a certificate with the same ID.
  auto r = run({"pkcs11-tool", "--module", softhsm::default_module, "--token-label", label, "-O", "--login", "--pin",
                user_pin},
               {store().env()});
  BOOST_TEST_MESSAGE(r.out);
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("Private Key Object; EC") != std::string::npos);
  BOOST_TEST(r.out.find("Certificate Object") != std::string::npos);
  std::smatch m;
  std::regex key_id("Private Key Object[^]*?ID:\\s+([0-9a-f]+)"), cert_id("Certificate Object[^]*?ID:\\s+([0-9a-f]+)");
  BOOST_REQUIRE(std::regex_search(r.out, m, key_id));
  std::string kid = m[1];
  BOOST_REQUIRE(std::regex_search(r.out, m, cert_id));
  BOOST_TEST(kid == "01020304");
  BOOST_TEST(std::string(m[1]) == kid);
  BOOST_TEST(r.out.find("never extractable") != std::string::npos);

  // openssl verify, strict.
  TempDir tmp("certdesk-verify");
  certdesk::test::write_file(tmp / "cert.pem", to_pem(cert.get()));
  auto v = run({"openssl", "verify", "-x509_strict", "-CAfile",
                ca.cert_path().string(), (tmp / "cert.pem").string()});
  BOOST_TEST_MESSAGE(v.out << v.err);
  BOOST_TEST(v.exit_code == 0);
  BOOST_TEST(v.out.find(": OK") != std::string::npos);
  auto text = run({"openssl", "x509", "-in", (tmp / "cert.pem").string(), "-noout", "-text"});
  BOOST_TEST(text.out.find("TLS Web Client Authentication") != std::string::npos);
  BOOST_TEST(text.out.find("Digital Signature, Non Repudiation") != std::string::npos);
  BOOST_TEST(text.out.find("URI:file://" + ca.crl_path().string()) != std::string::npos);
  BOOST_TEST(text.out.find("CA:FALSE") != std::string::npos);

  // The index lists it.
  auto entry = ca.find(issued.serial);
  BOOST_REQUIRE(entry.has_value());
  BOOST_TEST(entry->not_after == issued.not_after);
  BOOST_TEST(!entry->revoked);
}

BOOST_AUTO_TEST_CASE(rsa_2048_variant) {
  const std::string serial = next_serial();
  Token token = personalise(serial, "RSA-" + serial);
  const Bytes id = {0xaa, 0x01};
  auto t0 = std::chrono::steady_clock::now();
  token.generate_key(KeyAlgorithm::rsa_2048, id, "rsa key");
  BOOST_TEST_MESSAGE("RSA-2048 keygen: " << ms_since(t0) << " ms");
  Bytes csr = token.make_csr(id, customer);
  IssuedCertificate issued = store().authority().issue(csr, customer, now());
  X509Ptr cert = x509_from_der(issued.der);
  BOOST_TEST(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())) == 2048);
  BOOST_TEST(EVP_PKEY_get_base_id(X509_get0_pubkey(cert.get())) == EVP_PKEY_RSA);
  token.store_certificate(issued.der, id, "rsa cert");
  TempDir tmp("certdesk-verify");
  certdesk::test::write_file(tmp / "cert.pem", to_pem(cert.get()));
  auto v = run({"openssl", "verify", "-x509_strict", "-CAfile", store().authority().cert_path().string(),
                (tmp / "cert.pem").string()});
  BOOST_TEST(v.exit_code == 0);
  auto r = run({"pkcs11-tool", "--module", softhsm::default_module, "--token-label", "RSA-" + serial, "-O",
                "--login", "--pin", user_pin},
               {store().env()});
  BOOST_TEST(r.out.find("Private Key Object; RSA") != std::string::npos);
  BOOST_TEST(r.out.find("Certificate Object") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_pin_and_short_pin) {
  const std::string serial = next_serial();
  Token token = personalise(serial, "PIN-" + serial);
  token.logout();
  auto e = expect_throw<TokenError>([&] { token.login_user(Secret("not-the-pin")); });
  BOOST_TEST(e.code() == codes::wrong_pin);
  BOOST_TEST(e.ck_rv() == 0xa0ul);
  BOOST_TEST(std::string(e.what()).find("Wrong PIN") == 0);
  BOOST_TEST(std::string(e.what()).find("not-the-pin") == std::string::npos);
  // The embedded default's lock module counts like a USB key: 9 tries left are not "low"
  // (SoftHSM2 alone would set COUNT_LOW after any wrong PIN).
  BOOST_TEST(!token.info().pin_count_low);
  BOOST_TEST(!token.info().pin_locked);
  token.login_user(Secret(user_pin));
  BOOST_TEST(!token.info().pin_count_low);

  token.login_so(Secret(so_pin));
  auto s = expect_throw<TokenError>([&] { token.init_user_pin(Secret("12")); });
  BOOST_TEST(s.code() == codes::pin_length);
  BOOST_TEST(s.ck_rv() == 0xa2ul);
  BOOST_TEST(std::string(s.what()).find("4 to 255") != std::string::npos);

  auto so = expect_throw<TokenError>([&] { token.login_so(Secret("wrong-so-pin")); });
  BOOST_TEST(so.code() == codes::wrong_pin);
}

// Issue 14.10: the embedded default (softhsm::default_module) is the lock module over
// SoftHSM2, so a customer key locks after 10 wrong PINs, the CA on the same store keeps
// signing beside it (one Module, one libp11 context), and the SO's PIN unlock opens it.
BOOST_AUTO_TEST_CASE(embedded_default_locks_after_ten_wrong_pins_and_the_ca_still_signs) {
  BOOST_TEST(store().module->path() == softhsm::default_module);
  BOOST_TEST(store().module->library().find("libcertdesk-p11lock.so") != std::string::npos, store().module->library());
  BOOST_TEST(Module::load(softhsm::default_module) == store().module);
  BOOST_TEST(Module::load(store().module->library()) == store().module);

  CertificateAuthority& ca = store().authority();
  const std::string serial = next_serial();
  Token token = personalise(serial, "LOCK-" + serial);
  token.logout();
  for (int wrong = 1; wrong <= 10; ++wrong) {
    auto e = expect_throw<TokenError>([&] { token.login_user(Secret("not-the-pin")); });
    const int left = 10 - wrong;
    // The tenth wrong PIN already reports the lock: the token says so right after it.
    BOOST_TEST(e.code() == (left == 0 ? codes::pin_locked : codes::wrong_pin), "after " << wrong << " wrong PINs");
    TokenInfo info = token.info();
    BOOST_TEST(info.pin_count_low == (left <= 3), "after " << wrong << " wrong PINs");
    BOOST_TEST(info.pin_final_try == (left == 1), "after " << wrong << " wrong PINs");
    BOOST_TEST(info.pin_locked == (left == 0), "after " << wrong << " wrong PINs");
  }
  auto locked = expect_throw<TokenError>([&] { token.login_user(Secret(user_pin)); });
  BOOST_TEST(locked.code() == codes::pin_locked);
  BOOST_TEST(locked.ck_rv() == 0xa4ul);   // CKR_PIN_LOCKED

  // The CA works beside the locked key: a new blank token (a reload of the module), a key, a certificate.
  const std::string other = next_serial();
  Token fresh = personalise(other, "AFTER-" + other);
  const Bytes id = {0x0a};
  fresh.generate_key(KeyAlgorithm::ec_p256, id, "AFTER-" + other);
  IssuedCertificate issued = ca.issue(fresh.make_csr(id, customer), customer, now());
  fresh.store_certificate(issued.der, id, "AFTER-" + other);
  BOOST_TEST(ca.find(issued.serial).has_value());

  // The counter's unlock: SO login, a new user PIN; the key opens with it.
  token.login_so(Secret(so_pin));
  token.init_user_pin(Secret("user-8642"));
  BOOST_TEST(!token.info().pin_locked);
  BOOST_TEST(!token.info().pin_count_low);
  token.login_user(Secret("user-8642"));
  BOOST_TEST(token.certificates().empty());
}

BOOST_AUTO_TEST_CASE(operations_need_login_and_survive_reenumeration) {
  const std::string serial = next_serial();
  Token token = personalise(serial, "ENUM-" + serial);
  const Bytes id = {0x42};
  token.generate_key(KeyAlgorithm::ec_p256, id, "k");
  // Listing the module re-enumerates, which logs out: the Token logs in again by itself.
  store().module->tokens();
  BOOST_TEST(token.private_keys().size() == 1u);
  BOOST_TEST(!token.make_csr(id, customer).empty());
  token.logout();
  auto e = expect_throw<TokenError>([&] { token.generate_key(KeyAlgorithm::ec_p256, {0x43}, "k2"); });
  BOOST_TEST(std::string(e.what()).find("log in") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(remove_key_pair_and_certificate) {
  const std::string serial = next_serial();
  const std::string label = "RM-" + serial;
  Token token = personalise(serial, label);
  const Bytes old_id = {0x01}, new_id = {0x02};
  token.generate_key(KeyAlgorithm::ec_p256, old_id, "old");
  token.store_certificate(store().authority().issue(token.make_csr(old_id, customer), customer, now()).der, old_id,
                          "old");
  token.generate_key(KeyAlgorithm::ec_p256, new_id, "new");
  token.remove_certificate(old_id);
  token.remove_key_pair(old_id);
  auto keys = token.private_keys();
  BOOST_REQUIRE(keys.size() == 1u);
  BOOST_TEST(keys[0].id == "02");
  BOOST_TEST(token.certificates().empty());
  auto r = run({"pkcs11-tool", "--module", softhsm::default_module, "--token-label", label, "-O", "--login", "--pin",
                user_pin},
               {store().env()});
  BOOST_TEST(r.out.find("ID:         01") == std::string::npos);
  BOOST_TEST(r.out.find("ID:         02") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ca)

BOOST_AUTO_TEST_CASE(garbage_csr_is_crypto_error) {
  Bytes garbage = {0x30, 0x03, 0x02, 0x01, 0x05, 0xff};
  BOOST_CHECK_THROW(store().authority().issue(garbage, customer, now()), CryptoError);
  BOOST_CHECK_THROW(store().authority().issue({}, customer, now()), CryptoError);
}

BOOST_AUTO_TEST_CASE(revoke_publishes_crl_that_openssl_honours) {
  const std::string serial = next_serial();
  Token token = personalise(serial, "REV-" + serial);
  const Bytes id = {0x07};
  token.generate_key(KeyAlgorithm::ec_p256, id, "k");
  CertificateAuthority& ca = store().authority();
  IssuedCertificate issued = ca.issue(token.make_csr(id, customer), customer, now() - std::chrono::minutes(5));
  IssuedCertificate other = ca.issue(token.make_csr(id, customer), customer, now() - std::chrono::minutes(5));
  TempDir tmp("certdesk-crl");
  certdesk::test::write_file(tmp / "cert.pem", to_pem(x509_from_der(issued.der).get()));
  certdesk::test::write_file(tmp / "other.pem", to_pem(x509_from_der(other.der).get()));

  const Seconds when = now() - std::chrono::minutes(1);
  ca.revoke(issued.serial, RevocationReason::key_compromise, when);
  ca.revoke(issued.serial, RevocationReason::superseded, when + std::chrono::seconds(30));   // idempotent

  auto c = run({"openssl", "crl", "-CAfile", ca.cert_path().string(), "-in", ca.crl_path().string(), "-noout"});
  BOOST_TEST_MESSAGE(c.out << c.err);
  BOOST_TEST(c.exit_code == 0);
  BOOST_TEST(c.err.find("verify OK") != std::string::npos);
  auto text = run({"openssl", "crl", "-in", ca.crl_path().string(), "-noout", "-text"});
  BOOST_TEST(text.out.find("Key Compromise") != std::string::npos);
  BOOST_TEST(text.out.find("Superseded") == std::string::npos);
  BOOST_TEST(text.out.find("X509v3 CRL Number") != std::string::npos);
  BOOST_TEST(text.out.find("X509v3 Authority Key Identifier") != std::string::npos);
  std::string upper;
  for (char ch : issued.serial) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  BOOST_TEST(text.out.find(upper) != std::string::npos);

  auto bad = run({"openssl", "verify", "-crl_check", "-CRLfile", ca.crl_path().string(), "-CAfile",
                  ca.cert_path().string(), (tmp / "cert.pem").string()});
  BOOST_TEST(bad.exit_code != 0);
  BOOST_TEST((bad.out + bad.err).find("certificate revoked") != std::string::npos);
  auto good = run({"openssl", "verify", "-crl_check", "-CRLfile", ca.crl_path().string(), "-CAfile",
                   ca.cert_path().string(), (tmp / "other.pem").string()});
  BOOST_TEST(good.exit_code == 0);

  auto entry = ca.find(issued.serial);
  BOOST_REQUIRE(entry.has_value());
  BOOST_TEST(entry->revoked);
  BOOST_TEST(std::string(reason_name(entry->reason)) == "keyCompromise");
  BOOST_TEST(entry->revoked_at == when.time_since_epoch().count());
  BOOST_TEST(!ca.find(other.serial)->revoked);

  auto unknown = expect_throw<Error>([&] { ca.revoke("00ff", RevocationReason::superseded, now()); });
  BOOST_TEST(unknown.code() == codes::not_found);
}

BOOST_AUTO_TEST_CASE(index_lists_issued_and_crl_number_increments) {
  CertificateAuthority& ca = store().authority();
  const std::string serial = next_serial();
  Token token = personalise(serial, "IDX-" + serial);
  token.generate_key(KeyAlgorithm::ec_p256, {0x09}, "k");
  std::set<std::string> serials;
  for (int i = 0; i < 3; ++i) serials.insert(ca.issue(token.make_csr({0x09}, customer), customer, now()).serial);
  BOOST_TEST(serials.size() == 3u);
  std::set<std::string> listed;
  for (const auto& e : ca.index()) listed.insert(e.serial);
  for (const auto& s : serials) BOOST_TEST(listed.count(s) == 1u);

  TempDir tmp("certdesk-crl2");
  auto number = [&](const fs::path& p) {
    auto r = run({"openssl", "crl", "-in", p.string(), "-noout", "-crlnumber"});
    return r.out;
  };
  ca.write_crl(tmp / "a.pem", now());
  ca.write_crl(tmp / "b.pem", now());
  BOOST_TEST(number(tmp / "a.pem") != number(tmp / "b.pem"));

  // Opening the CA again finds the same key on its token.
  auto again = CertificateAuthority::open(store().module, ca.cert_path().parent_path(), "certdesk-ca",
                                          Secret("ca-user-pin"));
  BOOST_TEST(again.index().size() == ca.index().size());
  auto wrong = expect_throw<TokenError>([&] {
    CertificateAuthority::open(store().module, ca.cert_path().parent_path(), "certdesk-ca", Secret("nope-nope"));
  });
  BOOST_TEST(wrong.code() == codes::wrong_pin);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the token store's lock (issue 13.8) ------------------------------------
BOOST_AUTO_TEST_SUITE(token_lock)

// Another process holds the store: this one says once that it waits, gives up
// after the limit naming the holder, and gets the lock once the holder lets go.
BOOST_AUTO_TEST_CASE(a_second_process_waits_says_so_and_gives_up_naming_the_holder) {
  using namespace std::chrono_literals;
  TempDir tmp("certdesk-lock");
  const fs::path file = tmp / "token.lock";
  int go[2], done[2];
  BOOST_REQUIRE(pipe(go) == 0);
  BOOST_REQUIRE(pipe(done) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(go[0]);
    close(done[1]);
    auto held = TokenLock::open(file);
    held->lock();
    ssize_t w = write(go[1], "x", 1);
    (void)w;
    char c;
    ssize_t r = read(done[0], &c, 1);   // returns when the parent closes its end
    (void)r;
    held->unlock();
    _exit(0);
  }
  close(go[1]);
  close(done[0]);
  char c = 0;
  BOOST_REQUIRE(read(go[0], &c, 1) == 1);
  close(go[0]);

  std::vector<std::string> notices;
  TokenLock::set_notice([&](const std::string& line) { notices.push_back(line); });
  TokenLock::set_wait_limit(300ms);
  auto mine = TokenLock::open(file);
  BOOST_TEST(TokenLock::holder(file).find("pid " + std::to_string(pid)) == 0u, TokenLock::holder(file));
  auto e = expect_throw<TokenError>([&] { mine->lock(); });
  BOOST_TEST(e.code() == codes::token_error);
  BOOST_TEST(std::string(e.what()).find("pid " + std::to_string(pid)) != std::string::npos, e.what());
  BOOST_TEST(!mine->held());
  BOOST_REQUIRE(notices.size() == 1u);
  BOOST_TEST(notices[0].find("busy, waiting for the token store") != std::string::npos, notices[0]);
  BOOST_TEST(notices[0].find("pid " + std::to_string(pid)) != std::string::npos, notices[0]);

  TokenLock::set_wait_limit(20s);
  std::thread release([&] {
    std::this_thread::sleep_for(200ms);
    close(done[1]);
  });
  const auto t0 = std::chrono::steady_clock::now();
  mine->lock();
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count() >= 150);
  BOOST_TEST(mine->held());
  BOOST_TEST(TokenLock::holder(file).find("pid " + std::to_string(getpid())) == 0u, TokenLock::holder(file));
  // Recursive within the process: the file stays locked until the outermost unlock.
  BOOST_TEST(TokenLock::open(file) == mine);
  mine->lock();
  mine->unlock();
  BOOST_TEST(mine->held());
  mine->unlock();
  BOOST_TEST(!mine->held());
  BOOST_TEST(TokenLock::holder(file).empty());
  release.join();
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  TokenLock::set_notice([](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); });
  TokenLock::set_wait_limit(300s);
}

BOOST_AUTO_TEST_CASE(a_lock_file_that_cannot_be_made_is_data_dir_unusable) {
  auto e = expect_throw<Error>([] { TokenLock::open("/nonexistent-certdesk-folder/token.lock"); });
  BOOST_TEST(e.code() == codes::data_dir_unusable);
  BOOST_TEST(std::string(e.what()).find("/nonexistent-certdesk-folder/token.lock") != std::string::npos);
}

// The Module of a store takes the store's lock while it works, and only then.
BOOST_AUTO_TEST_CASE(the_module_holds_the_store_lock_only_while_inside) {
  auto lock = TokenLock::open(Module::store_lock_file());
  BOOST_TEST(!lock->held());
  {
    std::lock_guard inside(store().module->mutex());
    BOOST_TEST(lock->held());
  }
  BOOST_TEST(!lock->held());
  BOOST_CHECK_NO_THROW(store().module->tokens());
  BOOST_TEST(!lock->held());
}

BOOST_AUTO_TEST_SUITE_END()
