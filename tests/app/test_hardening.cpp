// Issue 13 on the real parts: the data folder is 0600/0700 whatever the umask
// (13.11), a PIN file with a NUL byte is refused before anything changes
// (13.4), a supervisor cannot void the receipt of their own order (13.5).
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "app/prompts.h"
#include "tests/app/flow_fixture.h"
#include "workflows/receipts.h"

namespace fs = std::filesystem;
using namespace certdesk;
using namespace certdesk::test;
using nlohmann::json;

namespace {

// A data folder driven through certdesk-cli, started from a shell whose umask is 022.
struct CliUnderUmask022 {
  mode_t saved = umask(022);
  TempDir tmp{"certdesk-umask"};
  fs::path data = tmp / "data";
  fs::path admin_pw = write_file(tmp / "admin.pw", "Adm1n-pw-Qx7!zK\n");
  fs::path teller_pw = write_file(tmp / "teller.pw", "T3ller-pw-Vb4#nM\n");
  fs::path pin = write_file(tmp / "pin", "Pin-9w4Q7z\n");
  ~CliUnderUmask022() { umask(saved); }

  RunResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
  void ok(const std::vector<std::string>& args) {
    RunResult r = cli(args);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, args[0] << ": " << r.err);
  }
  fs::path request_for(const std::string& serial) {
    json j = {{"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", "91110108MA01C8D24U"}}},
              {"handler", {{"name", "张三"}, {"id_number", "11010519491231002X"}}},
              {"documents",
               {{"application_form", {{"present", true}, {"stamped", true}, {"business_type", "issue"}}},
                {"org_code_copy", {{"present", true}, {"stamped", true}}},
                {"handler_id_copy", {{"present", true}, {"stamped", true}}}}},
              {"token_serial", serial},
              {"payment", {{"method", "cash"}, {"amount_fen", 5000}}}};
    return write_file(tmp / ("req-" + serial + ".json"), j.dump());
  }
  RunResult issue(const fs::path& req, const fs::path& pin_file) {
    return cli({"--json", "order", "run", "issue", "--request", req.string(), "--as", "teller1", "--as-password-file",
                teller_pw.string(), "--new-pin-file", pin_file.string()});
  }
  void set_up() {
    ok({"init", "--branch", "BJ01", "--admin", "admin", "--password-file", admin_pw.string()});
    ok({"staff", "add", "teller1", "--role", "teller", "--password-file", teller_pw.string(), "--as", "admin",
        "--as-password-file", admin_pw.string()});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(every_file_0600_every_folder_0700_under_umask_022, CliUnderUmask022) {
  set_up();
  ok({"token", "insert-blank", "--serial", "2100012345"});
  RunResult r = issue(request_for("2100012345"), pin);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  int files = 0, folders = 0;
  auto check = [&](const fs::path& p) {
    struct stat st {};
    BOOST_REQUIRE(lstat(p.c_str(), &st) == 0);
    if (S_ISLNK(st.st_mode)) return;
    const unsigned mode = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode)) {
      ++folders;
      BOOST_TEST(mode == 0700u, p.string() << " is " << std::oct << mode);
    } else {
      ++files;
      BOOST_TEST(mode == 0600u, p.string() << " is " << std::oct << mode);
    }
  };
  check(data);
  for (const auto& e : fs::recursive_directory_iterator(data)) check(e.path());
  // The database, its WAL, the CA, the token store, logs and PDFs were all there.
  BOOST_TEST(files >= 8);
  BOOST_TEST(folders >= 3);
}

BOOST_FIXTURE_TEST_CASE(a_pin_file_with_a_nul_is_refused_before_anything_changes, CliUnderUmask022) {
  set_up();
  ok({"token", "insert-blank", "--serial", "2100012346"});
  const std::string before = cli({"--json", "order", "list"}).out + cli({"--json", "token", "list"}).out;
  fs::path nul_pin = write_file(tmp / "nul.pin", std::string("Pin-9w\0" "4Q7z\n", 12));
  RunResult r = issue(request_for("2100012346"), nul_pin);
  BOOST_TEST(r.exit_code == 4, r.err);
  BOOST_TEST(r.err.find("NUL") != std::string::npos, r.err);
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  BOOST_TEST(cli({"--json", "order", "list"}).out + cli({"--json", "token", "list"}).out == before);
  // A PIN outside the token's rules in the file: refused before the payment too.
  fs::path short_pin = write_file(tmp / "short.pin", "12\n");
  r = issue(request_for("2100012346"), short_pin);
  BOOST_TEST(r.exit_code == 4, r.err);
  BOOST_TEST(r.err.find("[9007]") != std::string::npos, r.err);
  BOOST_TEST(cli({"--json", "order", "list"}).out + cli({"--json", "token", "list"}).out == before);
  // And the same request with a good PIN then goes through, receipt number 1.
  r = issue(request_for("2100012346"), pin);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  BOOST_TEST(json::parse(r.out).at("receipt_no").get<std::string>().ends_with("000001"));
  // The library function itself, and the prompt that reads its files up front.
  BOOST_CHECK_THROW(app::read_secret(nul_pin, "PIN"), InputError);
  BOOST_CHECK_THROW(app::TerminalPinPrompt(nul_pin, std::nullopt), InputError);
  BOOST_CHECK_THROW(app::read_secret("/dev/zero", "PIN"), InputError);
  BOOST_TEST(app::read_secret(pin, "PIN").reveal() == "Pin-9w4Q7z");
}

BOOST_FIXTURE_TEST_CASE(a_supervisor_cannot_void_the_receipt_of_their_own_order, FlowFixture) {
  std::string serial = blank("2100012347");
  pins.new_pins.push_back("135790");
  workflows::ServiceRequest r = request(workflows::Flow::issue, serial);
  r.amount_fen = 5000;
  workflows::OrderResult done = flows->run(sup, r);   // a supervisor may run an order
  BOOST_REQUIRE(!done.receipt_no.empty());
  workflows::Receipts receipts(ctx->services());
  try {
    receipts.void_receipt(sup, done.receipt_no, "收错了");
    BOOST_FAIL("the supervisor voided their own order's receipt");
  } catch (const AuthError& e) {
    BOOST_TEST(e.code() == codes::self_approval);
  }
  BOOST_TEST(receipts.get(done.receipt_no).status == "issued");
  workflows::Actor sup2 = ctx->staff().add(admin, "sup2", workflows::Role::supervisor, Secret("sup2-password"));
  BOOST_TEST(receipts.void_receipt(sup2, done.receipt_no, "收错了").status == "voided");
}
