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
#include "workflows/flows.h"

namespace certdesk::test {

// PINs the customer "types": one per prompt, in order; nullopt = cancelled.
struct ScriptedPins : workflows::PinPrompt {
  std::deque<std::optional<std::string>> new_pins, current_pins;
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override { return next(new_pins); }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return next(current_pins); }
  static std::optional<Secret> next(std::deque<std::optional<std::string>>& q) {
    if (q.empty()) return std::nullopt;
    auto v = q.front();
    q.pop_front();
    if (!v) return std::nullopt;
    return Secret(*v);
  }
};

struct ScriptedApproval : workflows::ApprovalPrompt {
  std::string name, password;
  int asked = 0;
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override {
    ++asked;
    if (name.empty()) return std::nullopt;
    return workflows::ApprovalCredentials{name, Secret(password)};
  }
};

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
    workflows::ServiceRequest r;
    r.flow = flow;
    r.organisation_name = name;
    r.uscc = uscc;
    r.handler_name = "张三";
    r.handler_id_number = "11010519491231002X";
    for (const auto& c : workflows::checklist(flow, "")) r.documents[c.item] = {true, c.needs_stamp, ""};
    r.documents["application_form"].business_type = workflows::to_string(flow);
    r.token_serial = token_serial;
    r.payment_method = "cash";
    return r;
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

template <class E>
std::string error_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.code();
  }
  return "no error";
}

}  // namespace certdesk::test
