// certdesk-cli end to end on the real parts (SPEC §9, issue "Foundation"): a
// data folder in a temporary directory, SoftHSM2 tokens, the local CA, SQLite.
// What we write is checked by tools nobody here wrote: pkcs11-tool (OpenSC)
// and openssl. Then every bad input on this path: a clear message, the right
// exit status, and nothing changed.

#include <boost/test/unit_test.hpp>

#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/crypto.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;
using namespace certdesk::test;

namespace {

// Distinctive secrets, so a search through every byte of the run finds them if leaked.
const std::string kAdminPw = "Adm1n-pw-Qx7!zK";
const std::string kTellerPw = "T3ller-pw-Vb4#nM";
const std::string kSupPw = "Sup3rv-pw-Lr9$wE";
const std::string kPin = "Pin-9w4Q7z";

const std::string kUscc = "91110108MA01C8D24U";

std::string request(const std::string& serial, const std::string& uscc = kUscc, const std::string& id = "11010519491231002X",
                    bool with_id_copy = true, std::int64_t fen = 5000) {
  json docs = {{"application_form", {{"present", true}, {"stamped", true}, {"business_type", "issue"}}},
               {"org_code_copy", {{"present", true}, {"stamped", true}}},
               {"token", {{"present", true}}}};
  if (with_id_copy) docs["handler_id_copy"] = {{"present", true}, {"stamped", true}};
  json j = {{"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", uscc}}},
            {"handler", {{"name", "张三"}, {"id_number", id}}},
            {"documents", docs},
            {"token_serial", serial},
            {"reason", ""},
            {"payment", {{"method", "cash"}, {"amount_fen", fen}}}};
  return j.dump(2);
}

struct Counter {
  TempDir tmp{"certdesk-cli"};
  fs::path data = tmp / "data";
  fs::path admin_pw = write_file(tmp / "admin.pw", kAdminPw + "\n");
  fs::path teller_pw = write_file(tmp / "teller.pw", kTellerPw + "\n");
  fs::path sup_pw = write_file(tmp / "sup.pw", kSupPw);
  fs::path pin = write_file(tmp / "pin", kPin + "\n");
  std::string all_output;   // every byte the CLI printed in this test

  RunResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run(argv);
    all_output += r.out + r.err;
    return r;
  }

  Counter() {
    RunResult r = cli({"init", "--branch", "BJ01", "--branch-name", "示例网点", "--admin", "admin", "--password-file",
                       admin_pw.string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    r = cli({"staff", "add", "teller1", "--role", "teller", "--password-file", teller_pw.string(), "--as", "admin",
             "--as-password-file", admin_pw.string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    r = cli({"staff", "add", "sup1", "--role", "supervisor", "--password-file", sup_pw.string(), "--as", "admin",
             "--as-password-file", admin_pw.string()});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }

  std::string insert_blank(const std::string& serial) {
    RunResult r = cli({"--json", "token", "insert-blank", "--serial", serial});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out).at("serial").get<std::string>();
  }

  fs::path request_file(const std::string& name, const std::string& body) { return write_file(tmp / name, body); }

  RunResult issue(const fs::path& req, const std::string& as = "teller1", const fs::path* pw = nullptr) {
    return cli({"--json", "order", "run", "issue", "--request", req.string(), "--as", as, "--as-password-file",
                (pw ? *pw : teller_pw).string(), "--new-pin-file", pin.string()});
  }

  json tokens() {
    RunResult r = cli({"--json", "token", "list"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
  }
  json orders() {
    RunResult r = cli({"--json", "order", "list"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
  }
  // Everything that must stay the same after a refused request.
  std::string state() { return orders().dump() + tokens().dump(); }

  std::map<std::string, std::string> softhsm_env() const {
    return {{"SOFTHSM2_CONF", (data / "softhsm" / "softhsm2.conf").string()}};
  }
  std::vector<std::string> env() const { return {"SOFTHSM2_CONF=" + (data / "softhsm" / "softhsm2.conf").string()}; }
};

std::time_t parse_openssl_iso(const std::string& s) {
  // "2026-11-22 03:14:00Z"
  std::tm tm{};
  BOOST_REQUIRE(strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm));
  return timegm(&tm);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(first_issuance)

BOOST_FIXTURE_TEST_CASE(issued_on_the_token_and_checked_by_other_tools, Counter) {
  std::string serial = insert_blank("2100012345");
  BOOST_TEST(serial == "2100012345");
  json t = tokens();
  BOOST_REQUIRE(t.size() == 1u);
  BOOST_TEST(t[0]["vendor"].get<std::string>() == "握奇");
  BOOST_TEST(t[0]["state"].get<std::string>() == "blank");

  RunResult r = issue(request_file("req.json", request(serial)));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  json out = json::parse(r.out);
  BOOST_TEST(out["state"].get<std::string>() == "completed");
  BOOST_TEST(out["token_serial"].get<std::string>() == serial);
  BOOST_TEST(std::regex_match(out["receipt_no"].get<std::string>(), std::regex("BJ01-W01-20[0-9]{2}-000001")));
  BOOST_TEST(out["amount_fen"].get<std::int64_t>() == 5000);
  std::string cert_serial = out["serial"].get<std::string>();
  BOOST_TEST(cert_serial.size() >= 30u);

  // The token panel's view: active, with the certificate.
  t = tokens();
  BOOST_TEST(t[0]["state"].get<std::string>() == "active");
  BOOST_TEST(t[0]["pin_state"].get<std::string>() == "ok");
  BOOST_REQUIRE(t[0]["certificates"].size() == 1u);
  BOOST_TEST(t[0]["certificates"][0]["serial"].get<std::string>() == cert_serial);

  // pkcs11-tool (OpenSC) sees a private key and a certificate with the same CKA_ID.
  RunResult objs = run({"pkcs11-tool", "--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", kUscc, "-O",
                        "--login", "--pin", kPin},
                       env());
  BOOST_REQUIRE_MESSAGE(objs.exit_code == 0, objs.err);
  std::smatch m;
  std::regex priv_re("Private Key Object[^\\n]*\\n(?:[^\\n]*\\n)*?\\s*ID:\\s*([0-9a-f]+)");
  std::regex cert_re("Certificate Object[^\\n]*\\n(?:[^\\n]*\\n)*?\\s*ID:\\s*([0-9a-f]+)");
  BOOST_REQUIRE_MESSAGE(std::regex_search(objs.out, m, priv_re), objs.out);
  std::string key_id = m[1];
  BOOST_REQUIRE_MESSAGE(std::regex_search(objs.out, m, cert_re), objs.out);
  BOOST_TEST(m[1] == key_id);
  BOOST_TEST(objs.out.find("never extractable") != std::string::npos);

  // openssl verifies the certificate against the CA, strictly.
  fs::path der = tmp / "cert.der", pem = tmp / "cert.pem";
  RunResult rd = run({"pkcs11-tool", "--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", kUscc,
                      "--read-object", "--type", "cert", "--id", key_id, "-o", der.string()},
                     env());
  BOOST_REQUIRE_MESSAGE(rd.exit_code == 0, rd.err);
  BOOST_REQUIRE(run({"openssl", "x509", "-inform", "DER", "-in", der.string(), "-out", pem.string()}).exit_code == 0);
  RunResult v = run({"openssl", "verify", "-x509_strict", "-CAfile", (data / "ca" / "ca.pem").string(), pem.string()});
  BOOST_TEST(v.exit_code == 0, v.out << v.err);
  BOOST_TEST(v.out.find(": OK") != std::string::npos);

  // One year: notAfter − notBefore = 365 × 86400 s exactly.
  RunResult dates = run({"openssl", "x509", "-in", pem.string(), "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601"});
  BOOST_REQUIRE(dates.exit_code == 0);
  std::smatch a, b;
  BOOST_REQUIRE(std::regex_search(dates.out, a, std::regex("notBefore=([0-9 :-]+)Z")));
  BOOST_REQUIRE(std::regex_search(dates.out, b, std::regex("notAfter=([0-9 :-]+)Z")));
  BOOST_TEST(parse_openssl_iso(b[1]) - parse_openssl_iso(a[1]) == 365 * 86400);

  // The subject carries the organisation (UTF-8) and its USCC; the serial is the one reported.
  RunResult subj = run({"openssl", "x509", "-in", pem.string(), "-noout", "-subject", "-serial", "-nameopt", "utf8"});
  BOOST_TEST(subj.out.find("北京示例科技有限公司") != std::string::npos, subj.out);
  BOOST_TEST(subj.out.find(kUscc) != std::string::npos);
  std::string upper = cert_serial;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  BOOST_TEST(subj.out.find(upper) != std::string::npos, subj.out << " vs " << upper);

  // The journal verifies and holds the steps of the order.
  RunResult j = cli({"--json", "journal", "verify"});
  BOOST_TEST(j.exit_code == 0, j.err);
  BOOST_TEST(json::parse(j.out)["ok"].get<bool>());

  // No secret anywhere: database, WAL, journal, logs, token store, CA, outputs.
  std::string master = read_file(data / "secrets" / "master.key");
  std::string so_pin = crypto::to_hex(crypto::hmac_sha256(master, "so-pin:" + serial)).substr(0, 32);
  std::string ca_pin = crypto::to_hex(crypto::hmac_sha256(master, "ca-user-pin")).substr(0, 32);
  for (const std::string& secret : {kAdminPw, kTellerPw, kSupPw, kPin, so_pin, ca_pin}) {
    auto hits = files_containing(data, secret);
    BOOST_TEST(hits.empty(), "a secret was found in " << (hits.empty() ? "" : hits[0].string()));
    BOOST_TEST(all_output.find(secret) == std::string::npos);
  }
  BOOST_TEST(fs::exists(data / "certdesk.db"));
  auto perms = fs::status(data / "secrets" / "master.key").permissions();
  BOOST_TEST(((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none));
}

BOOST_FIXTURE_TEST_CASE(rsa_2048_when_the_setting_says_so, Counter) {
  RunResult s = cli({"settings", "set", "key_algorithm", "rsa_2048", "--as", "admin", "--as-password-file", admin_pw.string()});
  BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
  std::string serial = insert_blank("3100300001");
  RunResult r = issue(request_file("req.json", request(serial)));
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  RunResult objs = run({"pkcs11-tool", "--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", kUscc, "-O",
                        "--login", "--pin", kPin},
                       env());
  BOOST_TEST(objs.out.find("RSA 2048") != std::string::npos, objs.out);
}

BOOST_FIXTURE_TEST_CASE(the_same_request_twice_issues_once, Counter) {
  std::string serial = insert_blank("2100200002");
  fs::path req = request_file("req.json", request(serial));
  BOOST_REQUIRE_EQUAL(issue(req).exit_code, 0);
  RunResult again = issue(req);
  BOOST_TEST(again.exit_code == 4);
  BOOST_TEST(again.err.find("already handled") != std::string::npos, again.err);
  BOOST_TEST(orders().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input_changes_nothing)

BOOST_FIXTURE_TEST_CASE(each_refusal_has_a_clear_message_and_its_exit_status, Counter) {
  std::string serial = insert_blank("2100054321");
  const std::string before = state();
  struct Case {
    const char* name;
    std::function<RunResult()> run;
    int exit;
    const char* says;
  };
  fs::path other_pw = write_file(tmp / "wrong.pw", "not-the-password");
  std::vector<Case> cases{
      {"invalid USCC", [&] { return issue(request_file("a.json", request(serial, "91110108MA01C8D24T"))); }, 4,
       "check character"},
      {"invalid ID number", [&] { return issue(request_file("b.json", request(serial, kUscc, "110105194902301234"))); }, 4,
       "Handler ID number"},
      {"missing document", [&] { return issue(request_file("c.json", request(serial, kUscc, "11010519491231002X", false))); },
       4, "Missing"},
      {"wrong fee", [&] { return issue(request_file("c2.json", request(serial, kUscc, "11010519491231002X", true, 4000))); },
       4, "waiver"},
      {"wrong staff password", [&] { return issue(request_file("d.json", request(serial)), "teller1", &other_pw); }, 6,
       "Wrong name or password"},
      {"no permission (admin runs an order)", [&] { return issue(request_file("e.json", request(serial)), "admin", &admin_pw); },
       6, "may not"},
      {"no token with that serial", [&] { return issue(request_file("f.json", request("2199999999"))); }, 5, "2199999999"},
      {"request not JSON", [&] { return issue(request_file("g.json", "{\"organisation\": ")); }, 4, "not valid JSON"},
      {"request lacks fields", [&] { return issue(request_file("h.json", R"({"organisation":{"name":"x"}})")); }, 4,
       "lacks"},
      {"request file missing", [&] { return issue(tmp / "nope.json"); }, 4, "Cannot read"},
      {"PIN on the command line", [&] { return cli({"order", "run", "issue", "--pin", "123456"}); }, 2, "never given"},
  };
  for (auto& c : cases) {
    RunResult r = c.run();
    BOOST_TEST(r.exit_code == c.exit, c.name << ": exit " << r.exit_code << " " << r.err);
    BOOST_TEST(r.err.find(c.says) != std::string::npos, c.name << ": " << r.err);
    BOOST_TEST(state() == before, c.name << " changed something");
  }
  // After all that, the journal still verifies (refusals are journaled as such).
  BOOST_TEST(cli({"journal", "verify"}).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(a_token_already_personalised_is_refused, Counter) {
  std::string serial = insert_blank("2100011111");
  BOOST_REQUIRE_EQUAL(issue(request_file("a.json", request(serial))).exit_code, 0);
  const std::string before = state();
  // Another organisation's papers, the same (now personalised) token.
  std::string other = request(serial, "91350100M000100Y43");
  RunResult r = issue(request_file("b.json", other));
  BOOST_TEST(r.exit_code == 4, r.err);
  BOOST_TEST(r.err.find("blank") != std::string::npos, r.err);
  BOOST_TEST(state() == before);
}

BOOST_FIXTURE_TEST_CASE(a_missing_or_unloadable_module, Counter) {
  std::string serial = insert_blank("2100022222");
  // A path that is no file is refused when it is set (issue 13.6), and nothing changes.
  RunResult refused = cli({"settings", "set", "pkcs11_module", "/nonexistent/libvendor-pkcs11.so", "--as", "admin",
                           "--as-password-file", admin_pw.string()});
  BOOST_TEST(refused.exit_code != 0);
  BOOST_TEST(refused.err.find("pkcs11_module") != std::string::npos, refused.err);
  BOOST_TEST(cli({"token", "list"}).exit_code == 0);
  // A library file that is no PKCS#11 module: the counter says so and runs no order.
  for (std::string module : {"/usr/lib/x86_64-linux-gnu/libz.so.1"}) {
    RunResult s = cli({"settings", "set", "pkcs11_module", module, "--as", "admin", "--as-password-file", admin_pw.string()});
    BOOST_REQUIRE_MESSAGE(s.exit_code == 0, s.err);
    RunResult r = cli({"token", "list"});
    BOOST_TEST(r.exit_code == 5, module << ": " << r.err);
    BOOST_TEST(r.err.find(module) != std::string::npos, r.err);
    r = issue(request_file("a.json", request(serial)));
    BOOST_TEST(r.exit_code == 5, r.err);
    BOOST_TEST(orders().empty());
  }
  // The journal does not need the module.
  BOOST_TEST(cli({"journal", "verify"}).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(an_unusable_data_folder, Counter) {
  RunResult r = run({bin("certdesk-cli").string(), "--data-dir", (tmp / "absent").string(), "token", "list"});
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.err.find("init") != std::string::npos, r.err);
  fs::path file_not_dir = write_file(tmp / "plainfile", "x");
  r = run({bin("certdesk-cli").string(), "--data-dir", file_not_dir.string(), "journal", "verify"});
  BOOST_TEST(r.exit_code == 1, r.err);
  // A damaged database: refused with a clear message, and the file is left as it was.
  fs::path broken = tmp / "broken";
  fs::create_directories(broken);
  std::string garbage(8192, 'G');
  write_file(broken / "certdesk.db", garbage);
  r = run({bin("certdesk-cli").string(), "--data-dir", broken.string(), "journal", "verify"});
  BOOST_TEST(r.exit_code == 1);
  bool says_damaged = r.err.find("corrupt") != std::string::npos || r.err.find("damaged") != std::string::npos ||
                      r.err.find("not a database") != std::string::npos;
  BOOST_TEST(says_damaged, r.err);
  BOOST_TEST(read_file(broken / "certdesk.db") == garbage);
  // init refuses a folder that already has a database.
  r = cli({"init", "--branch", "BJ01", "--admin", "admin", "--password-file", admin_pw.string()});
  BOOST_TEST(r.exit_code == 4, r.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(check_command)

BOOST_AUTO_TEST_CASE(valid_and_invalid_numbers) {
  auto check = [](std::vector<std::string> a) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "check"};
    argv.insert(argv.end(), a.begin(), a.end());
    return run(argv);
  };
  BOOST_TEST(check({"id", "11010519491231002X"}).exit_code == 0);
  BOOST_TEST(check({"uscc", "91350100M000100Y43"}).exit_code == 0);
  BOOST_TEST(check({"org-code", "D2143569-X"}).exit_code == 0);
  RunResult r = check({"id", "110105194912310021"});
  BOOST_TEST(r.exit_code == 4);
  BOOST_TEST(r.err.find("check character should be X") != std::string::npos, r.err);
  r = check({"uscc", "91350100M000100Y44"});
  BOOST_TEST(r.exit_code == 4);
  BOOST_TEST(check({"passport", "E12345678"}).exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()

// The command line itself (CLI11): each subcommand has its own --help; numbers
// that are not whole numbers, options given twice and unknown options are usage
// errors (exit 2) refused before anything runs, so nothing changes.
BOOST_AUTO_TEST_SUITE(command_line)

BOOST_FIXTURE_TEST_CASE(malformed_numbers_and_repeated_options_are_refused_before_anything_runs, Counter) {
  std::string serial = insert_blank("2100077777");
  fs::path req = write_file(tmp / "r.json", request(serial));
  const std::string journal_before = cli({"--json", "journal", "verify"}).out;
  const std::string before = state();
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* says;
  };
  const std::string tp = teller_pw.string(), sp = sup_pw.string(), rq = req.string();
  std::vector<Case> cases{
      {"--hours 24abc", {"unlock-code", "issue", serial, "--hours", "24abc", "--as", "sup1", "--as-password-file", sp}, "24abc"},
      {"--hours 0", {"unlock-code", "issue", serial, "--hours", "0", "--as", "sup1", "--as-password-file", sp}, "whole number"},
      {"order resume 1.5", {"order", "resume", "1.5", "--as", "teller1", "--as-password-file", tp}, "1.5"},
      {"order rollback -2", {"order", "rollback", "-2", "--as", "teller1", "--as-password-file", tp}, ""},
      {"day correct x", {"day", "correct", "x", "--reason", "typo", "--as", "sup1", "--as-password-file", sp}, "x"},
      {"--as twice", {"order", "run", "issue", "--request", rq, "--as", "teller1", "--as", "sup1", "--as-password-file", tp}, "--as"},
      {"--request twice", {"order", "run", "issue", "--request", rq, "--request", rq, "--as", "teller1", "--as-password-file", tp},
       "--request"},
      {"--json twice", {"--json", "order", "list", "--json"}, "--json"},
      {"--data-dir twice", {"--data-dir", data.string(), "token", "list"}, "--data-dir"},
      {"an option the command does not take", {"order", "list", "--hours", "3"}, "--hours"},
      {"an unknown command", {"frobnicate"}, ""},
      {"a command without its subcommand", {"receipt"}, ""},
      {"a missing required option", {"order", "run", "issue", "--as", "teller1", "--as-password-file", tp}, "--request"},
  };
  for (auto& c : cases) {
    RunResult r = cli(c.args);
    BOOST_TEST(r.exit_code == 2, c.name << ": exit " << r.exit_code << " " << r.err);
    BOOST_TEST(r.err.find(c.says) != std::string::npos, c.name << ": " << r.err);
    BOOST_TEST(state() == before, c.name << " changed something");
  }
  BOOST_TEST(cli({"--json", "journal", "verify"}).out == journal_before);   // not even a login was journaled
}

BOOST_AUTO_TEST_CASE(every_subcommand_has_its_own_help) {
  auto help = [](std::vector<std::string> a) {
    std::vector<std::string> argv{bin("certdesk-cli").string()};
    argv.insert(argv.end(), a.begin(), a.end());
    argv.push_back("--help");
    return run(argv, {"CERTDESK_LANG=en"});
  };
  RunResult top = help({});
  BOOST_TEST(top.exit_code == 0);
  for (const char* c : {"init", "staff", "token", "order", "receipt", "unlock-code", "journal", "day", "settings", "check", "crl", "money"})
    BOOST_TEST(top.out.find(c) != std::string::npos, c << " missing from --help:\n" << top.out);
  struct Sub {
    std::vector<std::string> words;
    const char* mentions;
  };
  for (const auto& s : std::vector<Sub>{{{"order", "run"}, "--request"},
                                        {{"order", "resume"}, "--pin-file"},
                                        {{"unlock-code", "issue"}, "--hours"},
                                        {{"receipt", "print"}, "--paper"},
                                        {{"day", "report"}, "--csv"},
                                        {{"day", "close"}, "--pin-file"},
                                        {{"staff", "enroll-token"}, "--new-pin-file"},
                                        {{"token", "insert-blank"}, "--serial"},
                                        {{"settings", "set"}, "KEY"}}) {
    RunResult r = help(s.words);
    BOOST_TEST(r.exit_code == 0, s.words[0] << " " << s.words[1] << ": " << r.err);
    BOOST_TEST(r.out.find(s.mentions) != std::string::npos, s.words[0] << " " << s.words[1] << ":\n" << r.out);
    BOOST_TEST((r.out.find("--request") == std::string::npos || s.words[1] == "run"), "only order run takes --request:\n" << r.out);
  }
  RunResult v = run({bin("certdesk-cli").string(), "--version"});
  BOOST_TEST(v.exit_code == 0);
  BOOST_TEST(v.out.find("certdesk-cli ") == 0, v.out);
}

BOOST_AUTO_TEST_SUITE_END()
