// bench_issuance — the first-issuance flow's machine time against the bare floor
// (issue 2, point 9(b); target flow/floor <= 1.25).
//
//   bench_issuance [N_P256] [N_RSA] [FOLDER]      defaults: 20 10, a fresh folder under $TMPDIR or /tmp
//
// One process, one data folder (init_data_dir: SoftHSM2 store, CA token, SQLite
// with the production pragmas). For P-256, then RSA-2048 (the key_algorithm
// setting, read when the AppContext is built), N interleaved rounds of:
//   flow   Flows::run of a first issuance (scripted customer PIN, no human wait):
//          documents check, order/payment/receipt rows and journal entries in their
//          transactions, token re-initialisation, SO PIN change, user PIN, key pair on
//          the token, CSR, CA issue, certificate row, certificate on the token, handover.
//   floor  the same token and CA operations made directly through pki/ on another
//          blank token: open, reinitialise (transport SO PIN, label), change SO PIN,
//          login SO, init user PIN, logout, login user, generate key, CSR, CA issue,
//          store certificate, logout. No database, no journal.
//   beside (timed apart, not in the ratio): the teller's login and the order's papers
//          archived (receipt + slip PDF), the steps issue 13 hardened.
// Only the two calls (and the two beside) are timed (steady_clock); inserting the blank tokens (the
// demo's stand-in for a hardware action) is not. Each timed part follows its own
// insert_blank, so both start from the same state (module just reloaded, the CA
// token to log in again). One untimed warm-up round per algorithm.
//
// Breakdown: the flow runs on the real ports (desk::PkiTokenPort, desk::PkiCaPort)
// wrapped in timing decorators (one virtual call and two clock reads per port
// call, well under a microsecond); "outside the ports" = flow − time in the ports
// (database, journal, checks). fsync()/fdatasync() calls of the whole process
// (SQLite, the CA index, SoftHSM2) are counted and timed by interposing them
// (the executable exports its symbols), and SQLite commits by a commit hook.
// No PIN or password is printed.

#include <dlfcn.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "desk/adapters.h"
#include "desk/context.h"
#include "desk/desk.h"
#include "common/crypto.h"
#include "common/error.h"
#include "db/repositories.h"
#include "db/testing.h"
#include "pki/ca.h"
#include "pki/token.h"
#include "workflows/counter.h"
#include "workflows/documents.h"
#include "workflows/fees.h"
#include "workflows/flows.h"

namespace fs = std::filesystem;
using namespace certdesk;
using Stopwatch = std::chrono::steady_clock;

// ---- fsync accounting (interposed: SQLite, the CA and SoftHSM2 call these) --------
namespace {
std::atomic<long> g_fsyncs{0};
std::atomic<long long> g_fsync_ns{0};

template <class F>
F next_symbol(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  if (!p) std::abort();
  return reinterpret_cast<F>(p);
}

int timed_sync(int (*real)(int), int fd) {
  auto t0 = Stopwatch::now();
  int r = real(fd);
  g_fsync_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Stopwatch::now() - t0).count();
  ++g_fsyncs;
  return r;
}
}  // namespace

extern "C" int fsync(int fd) {
  static auto real = next_symbol<int (*)(int)>("fsync");
  return timed_sync(real, fd);
}
extern "C" int fdatasync(int fd) {
  static auto real = next_symbol<int (*)(int)>("fdatasync");
  return timed_sync(real, fd);
}

namespace {

double ms(Stopwatch::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// ---- step timings -----------------------------------------------------------------
struct Steps {
  std::map<std::string, std::pair<Stopwatch::duration, long>> by_name;   // total, calls
  std::vector<std::string> order;                                          // first-seen order
  template <class F>
  auto time(const std::string& name, F&& f) -> decltype(f()) {
    auto t0 = Stopwatch::now();
    struct Add {
      Steps& s;
      const std::string& n;
      Stopwatch::time_point t0;
      ~Add() { s.add(n, Stopwatch::now() - t0); }
    } add{*this, name, t0};
    return f();
  }
  void add(const std::string& name, Stopwatch::duration d) {
    auto [it, fresh] = by_name.try_emplace(name, Stopwatch::duration{}, 0);
    if (fresh) order.push_back(name);
    it->second.first += d;
    ++it->second.second;
  }
  Stopwatch::duration of(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? Stopwatch::duration{} : it->second.first;
  }
  Stopwatch::duration total() const {
    Stopwatch::duration t{};
    for (const auto& [n, v] : by_name) t += v.first;
    return t;
  }
  void clear() {
    by_name.clear();
    order.clear();
  }
};

// ---- timing decorators around the real ports --------------------------------------
class TimedSession final : public workflows::TokenSession {
 public:
  TimedSession(std::unique_ptr<workflows::TokenSession> s, Steps& st) : s_(std::move(s)), st_(st) {}
  workflows::TokenView info() override { return st_.time("token info", [&] { return s_->info(); }); }
  void reinitialise(const Secret& so, const std::string& l) override {
    st_.time("reinitialise", [&] { s_->reinitialise(so, l); });
  }
  void change_so_pin(const Secret& o, const Secret& n) override {
    st_.time("change SO PIN", [&] { s_->change_so_pin(o, n); });
  }
  void login_so(const Secret& p) override { st_.time("login SO", [&] { s_->login_so(p); }); }
  void login_user(const Secret& p) override { st_.time("login user", [&] { s_->login_user(p); }); }
  void logout() override { st_.time("logout", [&] { s_->logout(); }); }
  void init_user_pin(const Secret& p) override { st_.time("init user PIN", [&] { s_->init_user_pin(p); }); }
  void generate_key(workflows::KeyAlgorithm a, const workflows::Bytes& id, const std::string& l) override {
    st_.time("generate key", [&] { s_->generate_key(a, id, l); });
  }
  workflows::Bytes make_csr(const workflows::Bytes& id, const std::string& o, const std::string& u) override {
    return st_.time("make CSR", [&] { return s_->make_csr(id, o, u); });
  }
  void store_certificate(const workflows::Bytes& der, const workflows::Bytes& id, const std::string& l) override {
    st_.time("store certificate", [&] { s_->store_certificate(der, id, l); });
  }
  std::vector<workflows::TokenObjectView> certificates() override {
    return st_.time("list certificates", [&] { return s_->certificates(); });
  }
  std::vector<workflows::TokenObjectView> private_keys() override {
    return st_.time("list keys", [&] { return s_->private_keys(); });
  }
  void remove_key_pair(const workflows::Bytes& id) override { st_.time("remove key", [&] { s_->remove_key_pair(id); }); }
  void remove_certificate(const workflows::Bytes& id) override {
    st_.time("remove certificate", [&] { s_->remove_certificate(id); });
  }
  workflows::Bytes sign(const workflows::Bytes& id, const workflows::Bytes& d) override {
    return st_.time("sign", [&] { return s_->sign(id, d); });
  }

 private:
  std::unique_ptr<workflows::TokenSession> s_;
  Steps& st_;
};

class TimedTokens final : public workflows::TokenPort {
 public:
  TimedTokens(workflows::TokenPort& p, Steps& st) : p_(p), st_(st) {}
  std::vector<workflows::TokenView> list() override { return st_.time("list tokens", [&] { return p_.list(); }); }
  std::unique_ptr<workflows::TokenSession> open(const std::string& serial) override {
    auto s = st_.time("open token", [&] { return p_.open(serial); });
    return std::make_unique<TimedSession>(std::move(s), st_);
  }

 private:
  workflows::TokenPort& p_;
  Steps& st_;
};

class TimedCa final : public workflows::CaPort {
 public:
  TimedCa(workflows::CaPort& p, Steps& st) : p_(p), st_(st) {}
  workflows::IssuedCert issue(const workflows::Bytes& csr, const std::string& o, const std::string& u, Seconds nb,
                              int days) override {
    return st_.time("CA issue", [&] { return p_.issue(csr, o, u, nb, days); });
  }
  void revoke(const std::string& s, workflows::RevocationReason r, Seconds at) override {
    st_.time("CA revoke", [&] { p_.revoke(s, r, at); });
  }
  bool knows(const std::string& s, bool* revoked) override {
    return st_.time("CA knows", [&] { return p_.knows(s, revoked); });
  }
  std::vector<workflows::CaRecord> records() override {
    return st_.time("CA records", [&] { return p_.records(); });
  }

 private:
  workflows::CaPort& p_;
  Steps& st_;
};

// ---- scripted people (as tests/app/flow_fixture.h) -----------------------------
struct ScriptedPins : workflows::PinPrompt {
  std::deque<std::string> new_pins;
  std::optional<Secret> new_pin(const workflows::PinRules&, std::string_view) override {
    if (new_pins.empty()) return std::nullopt;
    Secret s(new_pins.front());
    new_pins.pop_front();
    return s;
  }
  std::optional<Secret> current_pin(const workflows::PinRules&, std::string_view) override { return std::nullopt; }
};

struct NoApproval : workflows::ApprovalPrompt {
  std::optional<workflows::ApprovalCredentials> approve(std::string_view) override { return std::nullopt; }
};

// ---- the data folder -------------------------------------------------------------
class Folder {
 public:
  explicit Folder(const std::string& given) {
    if (!given.empty()) {
      path_ = fs::path(given) / "bench_issuance.tmp";
      fs::remove_all(path_);
      fs::create_directories(path_);
    } else {
      const char* tmp = std::getenv("TMPDIR");
      std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/bench_issuance.XXXXXX";
      if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
      path_ = pattern;
    }
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const std::string kOrg = "北京示例科技有限公司";
const std::string kUscc = "91110108MA01C8D24U";
const std::string kPin = "135790";   // the scripted customer's PIN (never printed)

int g_token_no = 0;
std::string next_serial() {
  // SoftHSM2 numbers slots by the last 8 characters read as hex: distinct, >= 0x1000.
  return std::to_string(2130000000LL + static_cast<long long>(g_token_no++) * 7919);
}

// Time inside SQLite statements of the flow's connection (COMMIT includes its fsync).
struct SqlProfile {
  std::map<std::string, std::pair<long long, long>> by_sql;   // ns, runs
  long long total_ns = 0;
};
int sql_profile(unsigned type, void* ctx, void* stmt, void* ns) {
  if (type != SQLITE_TRACE_PROFILE) return 0;
  auto& p = *static_cast<SqlProfile*>(ctx);
  const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
  std::string key = sql ? std::string(sql).substr(0, 70) : "?";
  for (char& c : key)
    if (c == '\n' || c == '\t') c = ' ';
  long long t = *static_cast<long long*>(ns);
  auto& e = p.by_sql[key];
  e.first += t;
  ++e.second;
  p.total_ns += t;
  return 0;
}

int commit_hook(void* counter) {
  ++*static_cast<long*>(counter);
  return 0;
}

struct Sample {
  double flow_ms = 0, floor_ms = 0;
  long flow_fsyncs = 0, floor_fsyncs = 0;
  double flow_fsync_ms = 0, floor_fsync_ms = 0;
  long flow_commits = 0;
  double flow_keygen_ms = 0, floor_keygen_ms = 0;
  double login_ms = 0, papers_ms = 0;   // beside the flow, not in flow_ms
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

struct Bench {
  fs::path data;
  workflows::Actor teller;
  std::unique_ptr<desk::AppContext> ctx;
  Steps flow_steps, floor_steps;
  std::unique_ptr<TimedTokens> tokens;
  std::unique_ptr<desk::PkiCaPort> ca_port;
  std::unique_ptr<TimedCa> ca;
  std::unique_ptr<workflows::Services> services;
  ScriptedPins pins;
  NoApproval approval;
  workflows::NoProgress progress;
  std::unique_ptr<workflows::Counter> counter;
  long commits = 0;
  SqlProfile sql;
  int invoice = 0;
  db::Id last_order = 0;

  // Timed beside the flow, not in it (issue 13 bench line): the teller's login
  // (wrong-password count and lockout bookkeeping) and the order's papers
  // archived the way the desk does after a counter order (receipt + slip PDFs
  // through the checked, fsync'd writer).
  double login_ms() {
    auto t0 = Stopwatch::now();
    ctx->staff().login("teller1", Secret("teller-password"));
    return ms(Stopwatch::now() - t0);
  }
  double papers_ms() {
    auto t0 = Stopwatch::now();
    desk::Desk(*ctx).archive_papers(teller, last_order);
    return ms(Stopwatch::now() - t0);
  }

  void open(const SystemClock& clock) {
    ctx = std::make_unique<desk::AppContext>(data, clock, 10);
    workflows::Services& real = ctx->services();   // loads the module and opens the CA
    tokens = std::make_unique<TimedTokens>(real.tokens, flow_steps);
    ca_port = std::make_unique<desk::PkiCaPort>(ctx->ca());
    ca = std::make_unique<TimedCa>(*ca_port, flow_steps);
    services = std::make_unique<workflows::Services>(
        workflows::Services{ctx->db(), ctx->journal(), ctx->clock(), *tokens, *ca, ctx->pins(), ctx->config()});
    counter = std::make_unique<workflows::Counter>(*services, ctx->staff(), workflows::Prompts{pins, approval, progress});
    sqlite3_commit_hook(certdesk::db::testing::raw_handle(ctx->db()), commit_hook, &commits);
    sqlite3_trace_v2(certdesk::db::testing::raw_handle(ctx->db()), SQLITE_TRACE_PROFILE, sql_profile, &sql);
  }
  void close() {
    if (ctx) {
      sqlite3_commit_hook(certdesk::db::testing::raw_handle(ctx->db()), nullptr, nullptr);
      sqlite3_trace_v2(certdesk::db::testing::raw_handle(ctx->db()), 0, nullptr, nullptr);
    }
    counter.reset();
    services.reset();
    ca.reset();
    ca_port.reset();
    tokens.reset();
    ctx.reset();
  }

  workflows::ServiceRequest request(const std::string& serial) {
    workflows::ServiceRequest r;
    r.flow = workflows::Flow::issue;
    r.organisation_name = kOrg;
    r.uscc = kUscc;
    r.handler_name = "张三";
    r.handler_id_number = "11010519491231002X";
    for (const auto& c : workflows::checklist(r.flow, "")) r.documents[c.item] = {true, c.needs_stamp, ""};
    r.documents["application_form"].business_type = workflows::to_string(r.flow);
    r.token_serial = serial;
    r.payment_method = "cash";
    r.invoice_no = "FP" + std::to_string(100000 + ++invoice);
    db::FeeSchedule fees(ctx->db());
    r.amount_fen = workflows::quote(fees, r.flow, r.reason).total_fen;
    return r;
  }

  // The timed flow: Flows::run only.
  Stopwatch::duration run_flow(const std::string& serial) {
    workflows::ServiceRequest r = request(serial);
    pins.new_pins.assign({kPin});
    workflows::Flows flows(*counter);
    auto t0 = Stopwatch::now();
    workflows::OrderResult res = flows.run(teller, r);
    auto d = Stopwatch::now() - t0;
    last_order = res.order_id;
    if (res.state != workflows::OrderState::completed || res.cert_serial.empty())
      throw std::runtime_error("the flow did not complete on token " + serial);
    return d;
  }

  // The timed floor: the same token and CA calls made directly through pki/.
  Stopwatch::duration run_floor(const std::string& serial, pki::KeyAlgorithm alg) {
    std::shared_ptr<pki::Module> module = ctx->tokens().module();
    pki::CertificateAuthority& authority = ctx->ca();
    desk::MasterSecretPins& p = ctx->pins();
    Secret user_pin(kPin);
    pki::Bytes key_id = crypto::random_bytes(16);
    pki::Subject subject{kOrg, kUscc, kOrg};
    Steps& st = floor_steps;
    auto t0 = Stopwatch::now();
    {
      pki::Token token = st.time("open token", [&] { return pki::Token::open(module, serial); });
      Secret transport = p.transport();
      Secret so_pin = p.for_token(serial);
      st.time("reinitialise", [&] { token.reinitialise(transport, kUscc); });
      st.time("change SO PIN", [&] { token.change_so_pin(transport, so_pin); });
      st.time("login SO", [&] { token.login_so(so_pin); });
      st.time("init user PIN", [&] { token.init_user_pin(user_pin); });
      st.time("logout", [&] { token.logout(); });
      st.time("login user", [&] { token.login_user(user_pin); });
      st.time("generate key", [&] { token.generate_key(alg, key_id, kOrg); });
      pki::Bytes csr = st.time("make CSR", [&] { return token.make_csr(key_id, subject); });
      pki::IssuedCertificate cert =
          st.time("CA issue", [&] { return authority.issue(csr, subject, ctx->clock().now(), 365); });
      st.time("store certificate", [&] { token.store_certificate(cert.der, key_id, kOrg); });
      st.time("logout", [&] { token.logout(); });
    }
    auto d = Stopwatch::now() - t0;
    // Untimed check: the certificate sits on the token.
    pki::Token check = pki::Token::open(module, serial);
    if (check.certificates().size() != 1) throw std::runtime_error("the floor left no certificate on token " + serial);
    return d;
  }
};

void print_steps(const char* algo, const Steps& flow, const Steps& floor, int n, double flow_total_ms) {
  std::printf("  breakdown, ms per issuance (calls per issuance) — %s:\n", algo);
  std::printf("    %-22s %16s %16s\n", "step", "flow", "floor");
  std::vector<std::string> names = flow.order;
  for (const auto& s : floor.order)
    if (std::find(names.begin(), names.end(), s) == names.end()) names.push_back(s);
  auto cell = [&](const Steps& st, const std::string& name) {
    char buf[64];
    auto it = st.by_name.find(name);
    if (it == st.by_name.end()) return std::string("-");
    std::snprintf(buf, sizeof buf, "%8.2f (%4.1f)", ms(it->second.first) / n, double(it->second.second) / n);
    return std::string(buf);
  };
  for (const auto& name : names)
    std::printf("    %-22s %16s %16s\n", name.c_str(), cell(flow, name).c_str(), cell(floor, name).c_str());
  double in_ports = ms(flow.total()) / n;
  std::printf("    %-22s %8.2f\n", "flow: in the ports", in_ports);
  std::printf("    %-22s %8.2f   (database, journal, checks, bookkeeping)\n", "flow: outside ports", flow_total_ms - in_ports);
}

void print_sql(const SqlProfile& p, int n) {
  std::vector<std::pair<std::string, std::pair<long long, long>>> v(p.by_sql.begin(), p.by_sql.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  long runs = 0;
  for (const auto& e : v) runs += e.second.second;
  std::printf("  flow: inside SQLite %.2f ms per issuance (%.1f statements, COMMIT's fsync included); top:\n",
              double(p.total_ns) / 1e6 / n, double(runs) / n);
  for (size_t i = 0; i < v.size() && i < 8; ++i)
    std::printf("    %7.3f ms (%4.1f×)  %s\n", double(v[i].second.first) / 1e6 / n, double(v[i].second.second) / n,
                v[i].first.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int n_ec = argc > 1 ? std::stoi(argv[1]) : 20;
    const int n_rsa = argc > 2 ? std::stoi(argv[2]) : 10;
    if (n_ec < 1 || n_rsa < 0) throw std::runtime_error("usage: bench_issuance [N_P256>=1] [N_RSA>=0] [FOLDER]");
    Folder folder(argc > 3 ? argv[3] : "");
    SystemClock clock;

    Bench b;
    b.data = folder.path() / "data";
    desk::init_data_dir(b.data, desk::InitOptions{"BJ01", "网点", "admin", Secret("admin-password"), "", 10}, clock);
    {
      desk::AppContext setup(b.data, clock, 10);
      workflows::Actor admin = setup.staff().login("admin", Secret("admin-password"));
      b.teller = setup.staff().add(admin, "teller1", workflows::Role::teller, Secret("teller-password"));
    }

    std::printf("bench_issuance: folder %s, SoftHSM2 store in it, SQLite %s (WAL, synchronous=FULL)\n",
                folder.path().c_str(), sqlite3_libversion());
    std::printf("  interleaved rounds: flow (Flows::run, first issuance) then floor (pki/ calls directly);\n"
                "  each after its own untimed insert_blank; 1 untimed warm-up round per algorithm\n");

    struct Algo {
      const char* name;
      const char* setting;
      pki::KeyAlgorithm alg;
      int n;
    };
    std::vector<Algo> algos{{"P-256", "ec_p256", pki::KeyAlgorithm::ec_p256, n_ec},
                            {"RSA-2048", "rsa_2048", pki::KeyAlgorithm::rsa_2048, n_rsa}};
    std::vector<std::string> summary;
    for (const Algo& a : algos) {
      if (a.n == 0) continue;
      {   // the setting is read when the AppContext is built
        auto database = db::Database::open(b.data / "certdesk.db", false);
        db::Settings(database).set("key_algorithm", a.setting);
      }
      b.open(clock);
      std::vector<Sample> samples;
      for (int round = -1; round < a.n; ++round) {   // round -1: warm-up
        Sample s;
        std::string flow_serial = b.ctx->insert_blank_token(next_serial());
        long f0 = g_fsyncs, c0 = b.commits;
        long long ns0 = g_fsync_ns;
        auto k0 = b.flow_steps.of("generate key");
        s.flow_ms = ms(b.run_flow(flow_serial));
        s.flow_keygen_ms = ms(b.flow_steps.of("generate key") - k0);
        s.flow_fsyncs = g_fsyncs - f0;
        s.flow_fsync_ms = double(g_fsync_ns - ns0) / 1e6;
        s.flow_commits = b.commits - c0;
        s.login_ms = b.login_ms();
        s.papers_ms = b.papers_ms();

        std::string floor_serial = b.ctx->insert_blank_token(next_serial());
        f0 = g_fsyncs;
        ns0 = g_fsync_ns;
        k0 = b.floor_steps.of("generate key");
        s.floor_ms = ms(b.run_floor(floor_serial, a.alg));
        s.floor_keygen_ms = ms(b.floor_steps.of("generate key") - k0);
        s.floor_fsyncs = g_fsyncs - f0;
        s.floor_fsync_ms = double(g_fsync_ns - ns0) / 1e6;
        if (round < 0) {
          b.sql = SqlProfile{};
          b.flow_steps.clear();
          b.floor_steps.clear();
        } else {
          samples.push_back(s);
        }
      }
      std::vector<double> fl, fo, flf, fof, flx, fox, kg, lg, pp;
      double flow_fsyncs = 0, floor_fsyncs = 0, commits = 0;
      for (const auto& s : samples) {
        fl.push_back(s.flow_ms);
        fo.push_back(s.floor_ms);
        flf.push_back(s.flow_fsync_ms);
        fof.push_back(s.floor_fsync_ms);
        flx.push_back(s.flow_ms - s.flow_keygen_ms);
        fox.push_back(s.floor_ms - s.floor_keygen_ms);
        kg.push_back(s.flow_keygen_ms);
        kg.push_back(s.floor_keygen_ms);
        lg.push_back(s.login_ms);
        pp.push_back(s.papers_ms);
        flow_fsyncs += double(s.flow_fsyncs);
        floor_fsyncs += double(s.floor_fsyncs);
        commits += double(s.flow_commits);
      }
      const double ratio = median(fl) / median(fo);
      std::printf("\n%s, N=%d:\n", a.name, a.n);
      std::printf("  flow : median %8.2f ms  mean %8.2f ms  min %8.2f  max %8.2f\n", median(fl), mean(fl),
                  *std::min_element(fl.begin(), fl.end()), *std::max_element(fl.begin(), fl.end()));
      std::printf("  floor: median %8.2f ms  mean %8.2f ms  min %8.2f  max %8.2f\n", median(fo), mean(fo),
                  *std::min_element(fo.begin(), fo.end()), *std::max_element(fo.begin(), fo.end()));
      std::printf("  ratio flow/floor (medians): %.2f   (means: %.2f)   target <= 1.25: %s\n", ratio, mean(fl) / mean(fo),
                  ratio <= 1.25 ? "met" : "MISSED");
      // Key generation is the same call in both and, for RSA, varies 3x from key to
      // key (prime search): compare what is left, then put back the median keygen.
      const double kmed = median(kg);
      std::printf("  without key generation: flow median %.2f ms, floor median %.2f ms, overhead %.2f ms; "
                  "with the pooled median keygen (%.2f ms) put back in both: ratio %.2f\n",
                  median(flx), median(fox), median(flx) - median(fox), kmed,
                  (median(flx) + kmed) / (median(fox) + kmed));
      std::printf("  per issuance: flow %.1f SQLite commits, %.1f fsync/fdatasync (%.2f ms median in them); "
                  "floor %.1f fsync (%.2f ms)\n",
                  commits / a.n, flow_fsyncs / a.n, median(flf), floor_fsyncs / a.n, median(fof));
      std::printf("  beside the flow: teller login median %.2f ms; papers archived (receipt + slip PDF) median %.2f ms\n",
                  median(lg), median(pp));
      print_steps(a.name, b.flow_steps, b.floor_steps, a.n, mean(fl));
      print_sql(b.sql, a.n);
      b.sql = SqlProfile{};
      char line[160];
      std::snprintf(line, sizeof line, "%-8s flow %8.2f ms, floor %8.2f ms (medians), ratio %.2f %s", a.name, median(fl),
                    median(fo), ratio, ratio <= 1.25 ? "(met)" : "(MISSED)");
      summary.push_back(line);
      b.flow_steps.clear();
      b.floor_steps.clear();
      b.close();
    }
    std::printf("\nsummary (target flow/floor <= 1.25):\n");
    for (const auto& l : summary) std::printf("  %s\n", l.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_issuance: %s\n", e.what());
    return 1;
  }
}
