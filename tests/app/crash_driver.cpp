// crash_driver: runs one counter flow in this process on a data folder, so a
// test can kill it at any point or let the PKCS#11 wrapper fail any call, then
// recover and check in fresh processes. Not shipped; used by test_crash_matrix.
//
//   crash_driver DIR run REQUEST.json      run the request (CRASH_KILL_AT=N: SIGKILL at the N-th clock reading)
//   crash_driver DIR recover resume|rollback   every unfinished order: roll back (falling back to resume
//                                              where rollback is refused) or resume
//   crash_driver DIR check                  print the invariants as JSON
//   crash_driver DIR recover-check resume|rollback   both, in one process
// Environment: CRASH_NOW (Unix seconds the clock says), CRASH_KILL_AT, CRASH_COUNT (print clock readings).
// PINs the customer types come from CRASH_NEW_PIN and CRASH_PIN (test-only values).

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "desk/context.h"
#include "common/crypto.h"
#include "common/error.h"
#include "db/repositories.h"
#include "pki/ca.h"
#include "workflows/flows.h"

using namespace certdesk;
using nlohmann::json;

namespace {

class KillingClock final : public Clock {
 public:
  KillingClock(Seconds t, long kill_at) : t_(t), kill_at_(kill_at) {}
  Seconds now() const override {
    ++calls_;
    if (kill_at_ > 0 && calls_ == kill_at_) std::raise(SIGKILL);
    return t_;
  }
  long calls() const { return calls_; }

 private:
  Seconds t_;
  long kill_at_;
  mutable long calls_ = 0;
};

const char* env(const char* k, const char* d = "") {
  const char* v = std::getenv(k);
  return v ? v : d;
}

struct Pins : workflows::PinPrompt {
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override { return Secret(env("CRASH_NEW_PIN", "246810")); }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return Secret(env("CRASH_PIN", "135790")); }
};
struct Approve : workflows::ApprovalPrompt {
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override {
    return workflows::ApprovalCredentials{"sup1", Secret("sup1-password")};
  }
};

json check(desk::AppContext& ctx) {
  json out;
  out["journal_ok"] = ctx.journal().verify().ok;
  // Every certificate the CA issued is in the database, with the same status.
  json missing = json::array(), status_mismatch = json::array();
  db::Certificates certs(ctx.db());
  for (const auto& e : ctx.ca().index()) {
    auto c = certs.by_serial(e.serial);
    if (!c) missing.push_back(e.serial);
    else if ((c->status == "revoked") != e.revoked) status_mismatch.push_back(e.serial);
  }
  out["ca_not_in_db"] = missing;
  out["revocation_mismatch"] = status_mismatch;
  out["unfinished"] = db::Orders(ctx.db()).unfinished().size();
  json orders = json::array();
  for (const auto& o : db::Orders(ctx.db()).recent(100))
    orders.push_back({{"id", o.id}, {"flow", o.flow}, {"state", o.state}, {"step", o.step}, {"token", o.token_serial},
                      {"data", json::parse(o.data_json.empty() ? "{}" : o.data_json, nullptr, false)}});
  out["orders"] = orders;
  json cert_status = json::object();
  for (const auto& c : certs.all()) cert_status[c.serial] = c.status;
  out["certs"] = cert_status;
  // What is on each customer token, and what the database says about it.
  json tokens = json::array();
  for (const auto& t : ctx.tokens().list()) {
    if (t.serial.empty() || t.label == desk::kCaTokenLabel) continue;
    json j = {{"serial", t.serial}, {"user_pin_initialized", t.user_pin_initialized}, {"label", t.label}};
    auto rec = db::Tokens(ctx.db()).by_serial(t.serial);
    j["db_state"] = rec ? rec->state : "";
    auto session = ctx.tokens().open(t.serial);
    json certs_on = json::array(), keys_on = json::array();
    for (const auto& c : session->certificates()) certs_on.push_back(c.id);
    if (t.user_pin_initialized) {
      for (const char* pin : {env("CRASH_PIN", "135790"), env("CRASH_NEW_PIN", "246810")}) {
        try {
          session->login_user(Secret(pin));
          for (const auto& k : session->private_keys()) keys_on.push_back(k.id);
          session->logout();
          j["pin_ok"] = true;
          break;
        } catch (const TokenError&) {
        }
      }
    }
    j["cert_ids"] = certs_on;
    j["key_ids"] = keys_on;
    json valid = json::array();
    for (const auto& c : db::Certificates(ctx.db()).on_token(t.serial))
      if (c.status == "valid") valid.push_back(c.key_id);
    j["db_valid_key_ids"] = valid;
    tokens.push_back(j);
  }
  out["tokens"] = tokens;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: crash_driver DIR run REQUEST | recover resume|rollback | check\n");
    return 2;
  }
  std::string dir = argv[1], mode = argv[2];
  long now = std::atol(env("CRASH_NOW", "0"));
  KillingClock clock(now ? Seconds(std::chrono::seconds(now)) : SystemClock().now(), std::atol(env("CRASH_KILL_AT", "0")));
  int rc = 0;
  try {
    desk::AppContext ctx(dir, clock, 10);
    Pins pins;
    Approve approve;
    workflows::NoProgress progress;
    if (mode == "check") {
      std::cout << check(ctx).dump() << "\n";
      return 0;
    }
    workflows::Actor teller = ctx.staff().login("teller1", Secret("teller-password"));
    workflows::Counter counter(ctx.services(), ctx.staff(), {pins, approve, progress});
    workflows::Flows flows(counter);
    if (mode == "run" && argc >= 4) {
      std::ifstream f(argv[3]);
      std::string text((std::istreambuf_iterator<char>(f)), {});
      auto r = flows.run(teller, workflows::parse_request(text));
      std::cout << json{{"order_id", r.order_id}, {"state", workflows::to_string(r.state)}}.dump() << "\n";
    } else if ((mode == "recover" || mode == "recover-check") && argc >= 4) {
      std::string how = argv[3];
      for (const auto& o : db::Orders(ctx.db()).unfinished()) {
        workflows::OrderResult r;
        if (how == "rollback") {
          try {
            r = flows.rollback(teller, o.id);
          } catch (const RuleRefused& e) {
            if (e.code() != codes::illegal_transition) throw;
            r = flows.resume(teller, o.id);
          }
        } else {
          r = flows.resume(teller, o.id);
        }
        if (mode == "recover") std::cout << json{{"order_id", r.order_id}, {"state", workflows::to_string(r.state)}}.dump() << "\n";
      }
      if (mode == "recover-check") std::cout << check(ctx).dump() << "\n";
    } else {
      std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
      return 2;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "error [%s] %s\n", e.code().c_str(), e.what());
    rc = 10 + static_cast<int>(e.kind());
  }
  if (*env("CRASH_COUNT")) std::fprintf(stderr, "clock_calls=%ld\n", clock.calls());
  return rc;
}
