#pragma once
// A counter on the real parts for flow tests: a data folder in a temp dir
// (SoftHSM2 store, local CA, SQLite), staff, scripted prompts, and a clock the
// test can move (the renewal window, expiries).

#include <boost/test/unit_test.hpp>

#include <deque>
#include <optional>
#include <string>

#include "desk/context.h"
#include "common/error.h"
#include "common/text.h"
#include "db/repositories.h"
#include "tests/support/support.h"
#include "tests/workflows/scripted_counter.h"
#include "workflows/flows.h"

namespace certdesk::test {

inline Seconds real_now() { return SystemClock().now(); }

struct FlowFixture {
  TempDir tmp{"certdesk-flows"};
  FixedClock clock{real_now()};
  std::unique_ptr<desk::AppContext> ctx;
  workflows::Actor admin, teller, sup;
  ScriptedPins pins;
  ScriptedApproval approval;
  workflows::NoProgress progress;
  std::unique_ptr<workflows::Counter> counter;
  std::unique_ptr<workflows::Flows> flows;

  FlowFixture() {
    desk::InitOptions o{"BJ01", "示例网点", "admin", Secret("admin-password"), "", 10};
    desk::init_data_dir(tmp / "data", o, clock);
    ctx = std::make_unique<desk::AppContext>(tmp / "data", clock, 10);
    admin = ctx->staff().login("admin", Secret("admin-password"));
    teller = ctx->staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password"));
    sup = ctx->staff().add(admin, "sup1", workflows::Role::supervisor, Secret("sup1-password"));
    counter = std::make_unique<workflows::Counter>(ctx->services(), ctx->staff(),
                                                   workflows::Prompts{pins, approval, progress});
    flows = std::make_unique<workflows::Flows>(*counter);
  }

  std::string blank(const std::string& serial) { return ctx->insert_blank_token(serial); }

  static workflows::ServiceRequest request(workflows::Flow flow, const std::string& token_serial,
                                           const std::string& uscc = "91110108MA01C8D24U",
                                           const std::string& name = "北京示例科技有限公司") {
    return sample_request(flow, token_serial, uscc, name);
  }

  // Pays what the schedule says.
  workflows::OrderResult run(workflows::ServiceRequest r) {
    db::FeeSchedule fees(ctx->db());
    if (r.amount_fen == 0 && r.waiver_reason.empty())
      r.amount_fen = workflows::quote(fees, r.flow, r.reason).total_fen;
    return flows->run(teller, r);
  }

  workflows::OrderResult issue(const std::string& serial, const std::string& pin = "135790",
                               const std::string& uscc = "91110108MA01C8D24U", const std::string& name = "北京示例科技有限公司") {
    pins.new_pins.push_back(pin);
    return run(request(workflows::Flow::issue, serial, uscc, name));
  }

  std::optional<db::CertificateRecord> cert(const std::string& serial) { return db::Certificates(ctx->db()).by_serial(serial); }
  std::string token_state(const std::string& serial) {
    auto t = db::Tokens(ctx->db()).by_serial(serial);
    return t ? t->state : "";
  }
  std::string softhsm_conf() const { return (tmp / "data" / "softhsm" / "softhsm2.conf").string(); }
  std::filesystem::path ca_pem() const { return tmp / "data" / "ca" / "ca.pem"; }
  std::filesystem::path crl_pem() const { return tmp / "data" / "ca" / "crl.pem"; }

  // pkcs11-tool's object listing of a token (logged in with pin when given).
  std::string objects(const std::string& serial, const std::string& pin = "") {
    std::vector<std::string> argv{"pkcs11-tool", "--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label"};
    for (const auto& t : ctx->tokens().list())
      if (t.serial == serial) argv.push_back(t.label);
    argv.push_back("-O");
    if (!pin.empty()) {
      argv.push_back("--login");
      argv.push_back("--pin");
      argv.push_back(pin);
    }
    RunResult r = run_tool(argv);
    return r.out + r.err;
  }
  RunResult run_tool(const std::vector<std::string>& argv) { return test::run(argv, {"SOFTHSM2_CONF=" + softhsm_conf()}); }

  // Writes the certificate's PEM and returns its path.
  std::filesystem::path pem_of(const std::string& cert_serial) {
    auto c = cert(cert_serial);
    BOOST_REQUIRE(c);
    auto der = tmp / (cert_serial + ".der");
    write_file(der, std::string(c->der.begin(), c->der.end()));
    auto pem = tmp / (cert_serial + ".pem");
    BOOST_REQUIRE(test::run({"openssl", "x509", "-inform", "DER", "-in", der.string(), "-out", pem.string()}).exit_code == 0);
    return pem;
  }

  // openssl verify with the CRL, at the fixture clock's time.
  int verify_with_crl(const std::string& cert_serial) {
    auto at = std::to_string(clock.now().time_since_epoch().count());
    RunResult r = test::run({"openssl", "verify", "-crl_check", "-attime", at, "-CAfile", ca_pem().string(), "-CRLfile",
                             crl_pem().string(), pem_of(cert_serial).string()});
    return r.exit_code;
  }
};

// The code f throws as E, or "no error".
template <class E>
std::string error_code_of(const std::function<void()>& f) {
  std::string code = code_of<E>(f);
  return code.empty() ? "no error" : code;
}

}  // namespace certdesk::test
