// The crash matrix of SPEC §6: for every flow, (a) the PKCS#11 wrapper fails
// each token call the flow makes (CKR_DEVICE_REMOVED, and the token stays
// "pulled"), and (b) the process is killed with SIGKILL at each reading of the
// clock — every durable step reads it once, so this covers every step boundary
// and points inside steps. Then a fresh process rolls back (or resumes where a
// rollback is refused) or resumes, and a third checks: the journal verifies, no
// certificate the CA issued is missing from the database, no revocation is
// lost, no order is left unfinished, and every token matches its record (no
// orphan key, a blank token really blank).

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/app/flow_fixture.h"
#include "pki/softhsm.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;
using namespace certdesk::test;
using workflows::Flow;

namespace {

const std::string kTokenA = "2131000011";   // issued in the template, PIN 135790
const std::string kTokenB = "2131000022";   // blank: reissue / replace
const std::string kTokenC = "2131000033";   // blank: first issuance

struct Template {
  TempDir tmp{"certdesk-crash"};
  fs::path dir = tmp / "template";
  std::int64_t a_not_after = 0;

  Template() {
    FixedClock clock{real_now()};
    desk::init_data_dir(dir, desk::InitOptions{"BJ01", "网点", "admin", Secret("admin-password"), "", 10}, clock);
    {
      desk::AppContext ctx(dir, clock, 10);
      auto admin = ctx.staff().login("admin", Secret("admin-password"));
      auto teller = ctx.staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password"));
      ctx.staff().add(admin, "sup1", workflows::Role::supervisor, Secret("sup1-password"));
      for (const auto& s : {kTokenA, kTokenB, kTokenC}) ctx.insert_blank_token(s);
      ScriptedPins pins;
      ScriptedApproval approval;
      workflows::NoProgress progress;
      pins.new_pins.push_back("135790");
      workflows::Counter counter(ctx.services(), ctx.staff(), {pins, approval, progress});
      auto r = FlowFixture::request(Flow::issue, kTokenA);
      r.amount_fen = 5000;
      a_not_after = workflows::Flows(counter).run(teller, r).not_after;
      // Customer tokens and the CA's token both through the fault-injecting wrapper
      // (one library, one module: see AppContext::ca).
      db::Settings(ctx.db()).set("pkcs11_module", P11WRAP_PATH);
      db::Settings(ctx.db()).set("ca_pkcs11_module", P11WRAP_PATH);
    }
  }

  fs::path copy(const std::string& name) const {
    fs::path d = tmp / name;
    fs::remove_all(d);
    fs::copy(dir, d, fs::copy_options::recursive);
    pki::softhsm::prepare_store(d / "softhsm");   // its configuration names its own token folder
    return d;
  }
};

struct Case {
  Flow flow;
  std::string request;   // JSON
  std::int64_t now = 0;  // the clock, for update inside its window
};

std::string request_json(Flow flow, const std::string& token, const std::string& reason = "", std::int64_t fen = 0,
                         bool wipe = false) {
  auto r = FlowFixture::request(flow, token);
  r.reason = reason;
  r.amount_fen = fen;
  r.wipe_token = wipe;
  return workflows::to_json(r);
}

// libp11 0.4.12 waits forever on a condition variable when C_OpenSession fails
// (pkcs11_get_session); pki::Module guards that call, so a fault injected there
// must end the run with a TokenError like any other. A run that does not end
// within the limit is killed (recovery must still succeed) and counts as a
// hang: the matrix fails on any.
constexpr int kHangSeconds = 20;

RunResult driver(const fs::path& dir, std::vector<std::string> args, std::vector<std::string> env = {}, int timeout = 60) {
  std::vector<std::string> argv{CRASH_DRIVER, dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, env, "", timeout);
}

// Checks every invariant; returns a description of the first broken one, or "".
std::string broken_invariant(const json& c) {
  if (!c.value("journal_ok", false)) return "journal does not verify";
  if (!c["ca_not_in_db"].empty()) return "certificate issued by the CA missing from the database: " + c["ca_not_in_db"].dump();
  if (!c["revocation_mismatch"].empty()) return "revocation lost: " + c["revocation_mismatch"].dump();
  if (c.value("unfinished", 1) != 0) return "an order is still unfinished";
  for (const auto& t : c["tokens"]) {
    std::string state = t["db_state"];
    if (state == "blank" && (t["user_pin_initialized"].get<bool>() || !t["cert_ids"].empty()))
      return "token " + t["serial"].get<std::string>() + " is on record as blank but is not";
    for (const auto& k : t["db_valid_key_ids"]) {
      bool cert = false, key = false;
      for (const auto& x : t["cert_ids"]) cert |= x == k;
      for (const auto& x : t["key_ids"]) key |= x == k;
      if (!cert || !key) return "token " + t["serial"].get<std::string>() + " lacks the key or certificate on record " + k.dump();
    }
    for (const auto& k : t["key_ids"]) {
      bool cert = false;
      for (const auto& x : t["cert_ids"]) cert |= x == k;
      if (!cert) return "orphan key " + k.dump() + " on token " + t["serial"].get<std::string>();
    }
  }
  // Revocations the completed orders promised.
  for (const auto& o : c["orders"]) {
    if (o["state"] != "completed") continue;
    const json& d = o["data"];
    std::vector<std::string> must;
    for (const char* k : {"old_certs", "certs"})
      if (d.contains(k))
        for (const auto& s : d[k]) must.push_back(s);
    if (d.contains("old_cert")) must.push_back(d["old_cert"]);
    for (const auto& s : must)
      if (c["certs"].value(s, "") != "revoked") return "order " + o["id"].dump() + " left " + s + " unrevoked";
  }
  return "";
}

struct CaseSpec {
  std::string name;
  const Case* c;
  std::vector<std::string> env;
  std::string how;      // "rollback" (falls back to resume where refused) | "resume"
  bool fault;
};

struct CaseResult {
  std::string failure;  // empty when every invariant holds
  bool hung = false;
};

// One case in its own copy of the template: run (faulted or killed), then
// recover and check in a fresh process.
CaseResult run_case(const Template& t, const CaseSpec& spec) {
  CaseResult out;
  fs::path d = t.copy(spec.name);
  write_file(d / "request.json", spec.c->request);
  std::vector<std::string> env = spec.env, clean;
  if (spec.c->now) {
    env.push_back("CRASH_NOW=" + std::to_string(spec.c->now));
    clean.push_back("CRASH_NOW=" + std::to_string(spec.c->now));
  }
  RunResult first = driver(d, {"run", (d / "request.json").string()}, env, kHangSeconds);
  out.hung = first.timed_out;
  RunResult rec = driver(d, {"recover-check", spec.how}, clean);
  std::string context = " (first run: exit " + std::to_string(first.exit_code) + (first.timed_out ? ", hung" : "") + " " +
                        first.err.substr(0, 300) + ")";
  if (rec.exit_code != 0) {
    out.failure = spec.name + " (" + spec.how + "): recovery failed: " + rec.err.substr(0, 400) + context;
  } else {
    std::string broken = broken_invariant(json::parse(rec.out));
    if (!broken.empty()) out.failure = spec.name + " (" + spec.how + "): " + broken + context;
  }
  fs::remove_all(d);
  return out;
}

// Runs the cases on `workers` threads (each case is its own processes and
// folder); results come back in order for the assertions on this thread.
std::vector<CaseResult> run_all(const Template& t, const std::vector<CaseSpec>& specs, unsigned workers) {
  std::vector<CaseResult> results(specs.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next++) < specs.size();) results[i] = run_case(t, specs[i]);
    });
  for (auto& th : pool) th.join();
  return results;
}

int count_lines(const fs::path& p) {
  std::string s = read_file(p);
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_flow_survives_a_fault_or_a_kill_at_every_point) {
  const auto started = std::chrono::steady_clock::now();
  Template t;
  const std::int64_t in_window = t.a_not_after - 10 * 86400;
  std::vector<std::pair<std::string, Case>> flows{
      {"issue", {Flow::issue, request_json(Flow::issue, kTokenC, "", 5000)}},
      {"reissue", {Flow::reissue, request_json(Flow::reissue, kTokenB, "lost", 5000)}},
      {"unlock", {Flow::unlock, request_json(Flow::unlock, kTokenA)}},
      {"update", {Flow::update, request_json(Flow::update, kTokenA, "", 10000), in_window}},
      {"replace", {Flow::replace, request_json(Flow::replace, kTokenB, "", 5000)}},
      {"cancel", {Flow::cancel, request_json(Flow::cancel, kTokenA, "", 0, true)}},
  };
  const int stride = std::max(1, std::atoi(std::getenv("CERTDESK_CRASH_STRIDE") ? std::getenv("CERTDESK_CRASH_STRIDE") : "1"));
  int total_cases = 0, total_faults = 0, total_kills = 0, total_hung = 0;
  for (const auto& [name, c] : flows) {
    // A clean run counts the flow's token calls and clock readings, and must itself pass.
    fs::path d = t.copy("clean-" + name);
    write_file(d / "request.json", c.request);
    fs::path trace = d / "trace.txt";
    std::vector<std::string> env{"P11WRAP_TRACE=" + trace.string(), "CRASH_COUNT=1"};
    if (c.now) env.push_back("CRASH_NOW=" + std::to_string(c.now));
    RunResult clean = driver(d, {"run", (d / "request.json").string()}, env);
    BOOST_REQUIRE_MESSAGE(clean.exit_code == 0, name << ": clean run failed: " << clean.err);
    int calls = count_lines(trace);
    int clock_reads = std::atoi(clean.err.substr(clean.err.rfind("clock_calls=") + 12).c_str());
    BOOST_TEST(calls > 0);
    BOOST_TEST(clock_reads > 0);

    std::vector<CaseSpec> specs;
    for (int n = 1; n <= calls; n += stride)
      specs.push_back({name + "-fault-" + std::to_string(n), &c,
                       {"P11WRAP_FAIL_AT=" + std::to_string(n), "P11WRAP_FAIL_PERSIST=1"}, n % 2 ? "rollback" : "resume", true});
    for (int n = 1; n <= clock_reads; n += stride)
      for (const char* how : {"rollback", "resume"})
        specs.push_back({name + "-kill-" + std::to_string(n) + "-" + how, &c, {"CRASH_KILL_AT=" + std::to_string(n)}, how, false});
    auto results = run_all(t, specs, 2);
    int hung = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
      const auto& r = results[i];
      BOOST_TEST(r.failure.empty(), r.failure);
      BOOST_TEST(!r.hung, specs[i].name << " hung (killed after " << kHangSeconds << " s)");
      hung += r.hung;
    }
    int faults = (calls + stride - 1) / stride, kills = (clock_reads + stride - 1) / stride;
    BOOST_TEST_MESSAGE(name << ": " << calls << " token calls, " << clock_reads << " clock readings → " << specs.size()
                            << " cases (" << faults << " faults, " << kills << " kill points × roll back and resume); "
                            << hung << " runs hung and were killed");
    total_cases += static_cast<int>(specs.size());
    total_faults += faults;
    total_kills += kills;
    total_hung += hung;
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
  std::printf("crash matrix: %d cases, %d injected faults, %d kill points, %d runs hung (killed), %lld s\n", total_cases,
              total_faults, total_kills, total_hung, static_cast<long long>(seconds));
  BOOST_TEST(total_hung == 0);
}
