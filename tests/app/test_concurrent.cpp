// Two or more processes on one data folder (issue 13.8): token work is
// serialised per data folder (pki::TokenLock, taken by the Module's own lock),
// so concurrent certdesk-cli runs never fail spuriously with CKR_GENERAL_ERROR
// or "no token labelled certdesk-ca". Twenty issuances at once, on twenty
// blank tokens of one store: every one succeeds, each token carries its
// certificate, and the journal verifies.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk::test;

namespace {

const std::string kAdminPw = "Adm1n-pw-Cc5!rT";
const std::string kTellerPw = "T3ller-pw-Cc8#pQ";
const std::string kPin = "Pin-Cc3w9z";

std::string request(const std::string& serial) {
  json docs = {{"application_form", {{"present", true}, {"stamped", true}, {"business_type", "issue"}}},
               {"org_code_copy", {{"present", true}, {"stamped", true}}},
               {"handler_id_copy", {{"present", true}, {"stamped", true}}},
               {"token", {{"present", true}}}};
  json j = {{"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", "91110108MA01C8D24U"}}},
            {"handler", {{"name", "张三"}, {"id_number", "11010519491231002X"}}},
            {"documents", docs},
            {"token_serial", serial},
            {"reason", ""},
            {"payment", {{"method", "cash"}, {"amount_fen", 5000}}}};
  return j.dump(2);
}

struct Folder {
  TempDir tmp{"certdesk-concurrent"};
  fs::path data = tmp / "data";
  fs::path admin_pw = write_file(tmp / "admin.pw", kAdminPw + "\n");
  fs::path teller_pw = write_file(tmp / "teller.pw", kTellerPw + "\n");
  fs::path pin = write_file(tmp / "pin", kPin + "\n");

  RunResult cli(std::vector<std::string> args, int timeout = 0) const {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, "", timeout);
  }

  Folder() {
    RunResult r = cli({"init", "--branch", "BJ01", "--admin", "admin", "--password-file", admin_pw.string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    r = cli({"staff", "add", "teller1", "--role", "teller", "--password-file", teller_pw.string(), "--as", "admin",
             "--as-password-file", admin_pw.string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(twenty_concurrent_issuances_on_one_data_folder_all_succeed, Folder) {
  constexpr int n = 20;
  std::vector<std::string> serials;
  std::vector<fs::path> requests;
  for (int i = 0; i < n; ++i) {
    std::string serial = "21" + std::to_string(40000001 + i);   // last 8 digits distinct, well above 0x1000
    RunResult r = cli({"token", "insert-blank", "--serial", serial});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    serials.push_back(serial);
    requests.push_back(write_file(tmp / ("request-" + serial + ".json"), request(serial)));
  }

  std::vector<RunResult> results(n);
  std::vector<std::thread> threads;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      results[i] = cli({"--json", "order", "run", "issue", "--request", requests[i].string(), "--as", "teller1",
                        "--as-password-file", teller_pw.string(), "--new-pin-file", pin.string()},
                       600);
    });
  for (auto& t : threads) t.join();
  const auto seconds = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

  int waited = 0;
  for (int i = 0; i < n; ++i) {
    BOOST_TEST_CONTEXT("issuance on " << serials[i]) {
      BOOST_TEST(!results[i].timed_out);
      BOOST_TEST(results[i].exit_code == 0, results[i].err);
      if (results[i].exit_code == 0) BOOST_TEST(json::parse(results[i].out).at("state").get<std::string>() == "completed");
      BOOST_TEST(results[i].err.find("CKR_GENERAL_ERROR") == std::string::npos, results[i].err);
      waited += results[i].err.find("busy, waiting for") != std::string::npos ||
                results[i].err.find("正在等待") != std::string::npos;
    }
  }
  BOOST_TEST_MESSAGE(n << " concurrent issuances in " << seconds.count() << " ms; " << waited
                       << " said they were waiting for the token store");
  // Twenty at once cannot all have found the store free: the ones that waited said so.
  BOOST_TEST(waited > 0);

  // Every token holds its certificate, and the journal verifies.
  RunResult list = cli({"--json", "token", "list"});
  BOOST_REQUIRE_MESSAGE(list.exit_code == 0, list.err);
  json tokens = json::parse(list.out);
  for (const auto& serial : serials) {
    bool found = false;
    for (const auto& t : tokens)
      if (t.value("serial", "") == serial) {
        found = true;
        BOOST_TEST(!t.at("certificates").empty(), serial << ": " << t.dump());
      }
    BOOST_TEST(found, serial << " not listed");
  }
  RunResult verify = cli({"--json", "journal", "verify"});
  BOOST_TEST(verify.exit_code == 0, verify.err);
  BOOST_TEST(json::parse(verify.out)["ok"].get<bool>());
  RunResult orders = cli({"--json", "order", "list"});
  BOOST_REQUIRE_MESSAGE(orders.exit_code == 0, orders.err);
  int completed = 0;
  for (const auto& o : json::parse(orders.out)) completed += o.value("state", "") == "completed";
  BOOST_TEST(completed == n);
}
