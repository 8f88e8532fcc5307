// certdesk-cli end to end on the real parts (SPEC §9, issue "Foundation"): a
// data folder in a temporary directory, SoftHSM2 tokens, the local CA, SQLite.
// What we write is checked by tools nobody here wrote: pkcs11-tool (OpenSC)
// and openssl. Then every bad input on this path: a clear message, the right
// exit status, and nothing changed.

#include <boost/test/unit_test.hpp>

#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/text.h"
#include "db/database.h"
#include "db/journal.h"
#include "db/repositories.h"
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
    // settings set loads the library first (desk::PkiModuleProbe) and refuses it.
    RunResult s = cli({"settings", "set", "pkcs11_module", module, "--as", "admin", "--as-password-file", admin_pw.string()});
    BOOST_TEST(s.exit_code == 4, s.err);
    BOOST_TEST(s.err.find("libz.so.1") != std::string::npos, s.err);
    BOOST_TEST(cli({"token", "list"}).exit_code == 0);
    // Stored anyway (an older version did not check): the counter still starts, says so and runs no order.
    {
      db::Database conn = db::Database::open(data / "certdesk.db");
      db::Settings(conn).set("pkcs11_module", module);
    }
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

// ---- issue 13.2: no output option can destroy the application's files -----------------

namespace {

struct Issued : Counter {
  std::string receipt_no;
  Issued() {
    std::string serial = insert_blank("2100013131");
    RunResult r = issue(request_file("req.json", request(serial)));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    receipt_no = json::parse(r.out).at("receipt_no").get<std::string>();
  }
  std::vector<std::string> as(const std::string& who, const fs::path& pw) const {
    return {"--as", who, "--as-password-file", pw.string()};
  }
  RunResult cli_as(std::vector<std::string> args, const std::string& who, const fs::path& pw) {
    for (auto& a : as(who, pw)) args.push_back(a);
    return cli(args);
  }
  std::int64_t print_count() {
    db::Database conn = db::Database::open_readonly(data / "certdesk.db");
    return db::Payments(conn).by_receipt_no(receipt_no).value().print_count;
  }
  // The actions journaled today, in order.
  std::vector<std::string> actions() {
    db::Database conn = db::Database::open_readonly(data / "certdesk.db");
    db::Journal journal(conn, "", 480);
    std::vector<std::string> out;
    for (const auto& e : journal.entries_of_day(today())) out.push_back(e.record.action);
    return out;
  }
  static std::string today() { return text::business_day(SystemClock().now(), 480); }
  static std::size_t count(const std::vector<std::string>& v, const std::string& what) {
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), what));
  }
};

std::string bytes_of(const fs::path& p) { return read_file(p); }

}  // namespace

BOOST_AUTO_TEST_SUITE(output_paths)

BOOST_FIXTURE_TEST_CASE(no_output_option_reaches_the_data_folder_or_a_device, Issued) {
  const std::string key_before = bytes_of(data / "secrets" / "master.key");
  const std::string ca_before = bytes_of(data / "ca" / "ca.pem");
  fs::create_directories(tmp / "out");
  fs::create_symlink(data, tmp / "out" / "d");
  const std::vector<std::string> bad_paths{(data / "certdesk.db").string(), (data / "secrets" / "master.key").string(),
                                           (data / "ca" / "ca.pem").string(), (tmp / "out" / "d" / "certdesk.db").string(),
                                           (tmp / "out" / ".." / "data" / "certdesk.db").string(), "/dev/null",
                                           (tmp / "out").string(), (tmp / "nowhere" / "r.pdf").string()};
  const std::vector<std::string> before = actions();
  for (const std::string& bad : bad_paths) {
    std::vector<std::pair<std::string, RunResult>> runs;
    runs.emplace_back("receipt print", cli_as({"receipt", "print", receipt_no, "--pdf", bad}, "teller1", teller_pw));
    runs.emplace_back("crl", cli_as({"crl", "--out", bad}, "teller1", teller_pw));
    runs.emplace_back("day report --csv", cli_as({"day", "report", today(), "--csv", bad}, "sup1", sup_pw));
    runs.emplace_back("day report --pdf", cli_as({"day", "report", today(), "--pdf", bad}, "sup1", sup_pw));
    for (const auto& [what, r] : runs) {
      BOOST_TEST(r.exit_code == 4, what << " " << bad << ": " << r.err);
      BOOST_TEST(r.err.find("[4005]") != std::string::npos, what << " " << bad << ": " << r.err);
    }
  }
  // The database grew only by the logins' journal entries: still SQLite, the same orders, an intact journal.
  BOOST_TEST((bytes_of(data / "certdesk.db").substr(0, 16) == std::string("SQLite format 3\0", 16)));
  BOOST_TEST(orders().size() == 1u);
  BOOST_TEST((bytes_of(data / "secrets" / "master.key") == key_before));
  BOOST_TEST((bytes_of(data / "ca" / "ca.pem") == ca_before));
  BOOST_TEST(fs::is_character_file("/dev/null"));
  BOOST_TEST(print_count() == 1);   // the archive's first printing only: nothing recorded by a refusal
  const std::vector<std::string> after = actions();
  BOOST_TEST(count(after, "receipt.reprinted") == 0u);
  BOOST_TEST(after.size() >= before.size());
  BOOST_TEST(cli({"journal", "verify"}).exit_code == 0);
}

BOOST_FIXTURE_TEST_CASE(writing_a_file_needs_a_login_and_writes_it_whole, Issued) {
  RunResult anonymous = cli({"crl", "--out", (tmp / "crl.pem").string()});
  BOOST_TEST(anonymous.exit_code == 2, anonymous.err);   // --as is required
  BOOST_TEST(!fs::exists(tmp / "crl.pem"));
  RunResult wrong = cli({"crl", "--out", (tmp / "crl.pem").string(), "--as", "teller1", "--as-password-file", sup_pw.string()});
  BOOST_TEST(wrong.exit_code == 6, wrong.err);
  BOOST_TEST(!fs::exists(tmp / "crl.pem"));
  RunResult ok = cli_as({"crl", "--out", (tmp / "crl.pem").string()}, "teller1", teller_pw);
  BOOST_REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
  RunResult v = run({"openssl", "crl", "-in", (tmp / "crl.pem").string(), "-CAfile", (data / "ca" / "ca.pem").string(), "-noout"});
  BOOST_TEST(v.exit_code == 0, v.err);
  for (const auto& e : fs::directory_iterator(data)) BOOST_TEST(e.path().filename().string().find("crl-export") == std::string::npos);

  // A reprint to a file of the person's choosing: complete, 0600, journaled after the file.
  RunResult p = cli_as({"--json", "receipt", "print", receipt_no, "--pdf", (tmp / "copy.pdf").string()}, "teller1", teller_pw);
  BOOST_REQUIRE_MESSAGE(p.exit_code == 0, p.err);
  std::string pdf = bytes_of(tmp / "copy.pdf");
  BOOST_TEST(pdf.rfind("%PDF-", 0) == 0u);
  BOOST_TEST(pdf.find("%%EOF") != std::string::npos);
  BOOST_TEST(((fs::status(tmp / "copy.pdf").permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none));
  BOOST_TEST(print_count() == 2);
  BOOST_TEST(count(actions(), "receipt.reprinted") == 1u);
  // Over an existing file of the person's own: replaced whole.
  write_file(tmp / "day.csv", "old");
  RunResult c = cli_as({"day", "report", today(), "--csv", (tmp / "day.csv").string()}, "sup1", sup_pw);
  BOOST_REQUIRE_MESSAGE(c.exit_code == 0, c.err);
  BOOST_TEST(bytes_of(tmp / "day.csv").rfind("\xEF\xBB\xBFseq,", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- issue 13.3: a failed write is never reported as success (a real full filesystem) ----

namespace {

// A small tmpfs mounted for the test (root only; CI runs as root in its pristine root).
struct SmallTmpfs {
  fs::path at;
  bool mounted = false;
  SmallTmpfs(const fs::path& where, const std::string& size) : at(where) {
    fs::create_directories(at);
    mounted = ::mount("tmpfs", at.c_str(), "tmpfs", 0, ("size=" + size + ",mode=0700").c_str()) == 0;
  }
  ~SmallTmpfs() {
    if (mounted) ::umount2(at.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  // Fills the filesystem so that about `leave` bytes stay free.
  void fill(std::size_t leave) {
    struct statvfs st {};
    BOOST_REQUIRE(::statvfs(at.c_str(), &st) == 0);
    std::size_t avail = static_cast<std::size_t>(st.f_bavail) * st.f_frsize;
    std::ofstream f(at / "filler", std::ios::binary);
    f << std::string(avail > leave ? avail - leave : 0, 'x');
  }
  void empty() { fs::remove(at / "filler"); }
};

struct RunningAsRoot {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result r(::geteuid() == 0);
    r.message() << "mounting a small tmpfs needs root; this check is skipped, not passed";
    return r;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(full_disk, *boost::unit_test::precondition(RunningAsRoot()))

BOOST_FIXTURE_TEST_CASE(a_print_or_report_onto_a_full_disk_is_an_error_and_records_nothing, Issued) {
  SmallTmpfs full(tmp / "full", "400k");
  BOOST_REQUIRE_MESSAGE(full.mounted, "mount -t tmpfs failed as root");
  full.fill(16 * 1024);
  const std::vector<std::string> before = actions();
  RunResult r = cli_as({"receipt", "print", receipt_no, "--pdf", (full.at / "r.pdf").string()}, "teller1", teller_pw);
  BOOST_TEST(r.exit_code == 1, r.err);
  BOOST_TEST(r.err.find("r.pdf") != std::string::npos, r.err);
  BOOST_TEST(r.out.find("written") == std::string::npos, r.out);
  BOOST_TEST(!fs::exists(full.at / "r.pdf"));
  BOOST_TEST(print_count() == 1);
  BOOST_TEST(count(actions(), "receipt.reprinted") == 0u);
  RunResult d = cli_as({"day", "report", today(), "--pdf", (full.at / "day.pdf").string()}, "sup1", sup_pw);
  BOOST_TEST(d.exit_code == 1, d.err);
  BOOST_TEST(!fs::exists(full.at / "day.pdf"));
  // Nothing but the filler is left on the full filesystem (no temporary file).
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(full.at)) ++entries;
  BOOST_TEST(entries == 1);
  // Room again: the same command works and is journaled once.
  full.empty();
  r = cli_as({"receipt", "print", receipt_no, "--pdf", (full.at / "r.pdf").string()}, "teller1", teller_pw);
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(bytes_of(full.at / "r.pdf").find("%%EOF") != std::string::npos);
  BOOST_TEST(print_count() == 2);
  BOOST_TEST(count(actions(), "receipt.reprinted") == 1u);
  BOOST_TEST(actions().size() > before.size());
}

BOOST_FIXTURE_TEST_CASE(a_full_archive_fails_the_issuance_the_order_stays_completed_and_the_archive_is_redone, Counter) {
  SmallTmpfs archive(data / "archive", "400k");
  BOOST_REQUIRE_MESSAGE(archive.mounted, "mount -t tmpfs failed as root");
  archive.fill(16 * 1024);
  std::string serial = insert_blank("2100014141");
  RunResult r = issue(request_file("req.json", request(serial)));
  BOOST_TEST(r.exit_code == 1, r.err);
  BOOST_TEST(r.err.find("receipt print") != std::string::npos, r.err);
  json orders_now = orders();
  BOOST_REQUIRE(orders_now.size() == 1u);
  BOOST_TEST(orders_now[0]["state"].get<std::string>() == "completed");
  const std::string no = "BJ01-W01-" + text::business_day(SystemClock().now(), 480).substr(0, 4) + "-000001";
  {
    db::Database conn = db::Database::open_readonly(data / "certdesk.db");
    auto p = db::Payments(conn).by_receipt_no(no);
    BOOST_REQUIRE(p.has_value());
    BOOST_TEST(p->print_count == 0);   // not recorded: the file never completed
  }
  BOOST_TEST(!fs::exists(data / "archive" / "receipts" / (no + ".pdf")));
  archive.empty();
  RunResult again = cli({"receipt", "print", no, "--as", "teller1", "--as-password-file", teller_pw.string()});
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(bytes_of(data / "archive" / "receipts" / (no + ".pdf")).find("%%EOF") != std::string::npos);
  BOOST_TEST(fs::file_size(data / "archive" / "receipts" / (no + ".pdf")) > 1000u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- issue 13.5: staff accounts like a bank's, through certdesk-cli staff ------------------

BOOST_AUTO_TEST_SUITE(staff_accounts)

BOOST_FIXTURE_TEST_CASE(list_lock_unlock_disable_enable_and_passwords, Issued) {
  const fs::path wrong = write_file(tmp / "wrong.pw", "not-the-password");
  auto as_admin = [&](std::vector<std::string> args) { return cli_as(std::move(args), "admin", admin_pw); };
  RunResult l = as_admin({"--json", "staff", "list"});
  BOOST_REQUIRE_MESSAGE(l.exit_code == 0, l.err);
  json list = json::parse(l.out);
  BOOST_REQUIRE(list.size() == 3u);
  BOOST_TEST(list[0]["name"].get<std::string>() == "admin");
  BOOST_TEST(list[2]["name"].get<std::string>() == "teller1");
  BOOST_TEST(list[2]["role"].get<std::string>() == "teller");
  BOOST_TEST(list[2]["active"].get<bool>());
  // Only an admin lists, disables, resets, unlocks.
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"staff", "list"}, {"staff", "disable", "sup1"}, {"staff", "unlock", "sup1"},
           {"staff", "reset-password", "sup1", "--new-password-file", wrong.string()}})
    BOOST_TEST(cli_as(args, "teller1", teller_pw).exit_code == 6);

  // Five wrong passwords lock the account; then even the right one is refused, saying until when.
  for (int i = 0; i < 5; ++i) BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", wrong).exit_code == 6);
  RunResult locked = cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", teller_pw);
  BOOST_TEST(locked.exit_code == 6, locked.err);
  BOOST_TEST(locked.err.find("[2005]") != std::string::npos, locked.err);
  list = json::parse(as_admin({"--json", "staff", "list"}).out);
  BOOST_TEST(!list[2]["locked_until"].get<std::string>().empty());
  // An admin unlocks it (journaled); the teller is back.
  BOOST_TEST(as_admin({"staff", "unlock", "teller1"}).exit_code == 0);
  BOOST_TEST(count(actions(), "staff.unlocked") == 1u);
  BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", teller_pw).exit_code == 0);

  // Their own password, with the old one; the old one no longer works.
  const fs::path fresh = write_file(tmp / "fresh.pw", "Fr3sh-teller-pw");
  RunResult bad_old = cli_as({"staff", "password", "--new-password-file", fresh.string()}, "teller1", wrong);
  BOOST_TEST(bad_old.exit_code == 6, bad_old.err);
  RunResult changed = cli_as({"staff", "password", "--new-password-file", fresh.string()}, "teller1", teller_pw);
  BOOST_TEST(changed.exit_code == 0, changed.err);
  BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", teller_pw).exit_code == 6);
  BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", fresh).exit_code == 0);
  // An admin resets it.
  BOOST_TEST(as_admin({"staff", "reset-password", "teller1", "--new-password-file", teller_pw.string()}).exit_code == 0);
  BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", teller_pw).exit_code == 0);
  BOOST_TEST(count(actions(), "staff.password_changed") == 1u);
  BOOST_TEST(count(actions(), "staff.password_reset") == 1u);

  // Disabled: no login; enabled again: back.
  BOOST_TEST(as_admin({"staff", "disable", "teller1"}).exit_code == 0);
  BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", teller_pw).exit_code == 6);
  BOOST_TEST(as_admin({"staff", "enable", "teller1"}).exit_code == 0);
  BOOST_TEST(cli_as({"crl", "--out", (tmp / "c.pem").string()}, "teller1", teller_pw).exit_code == 0);
  // The first admin cannot be disabled while no other active admin exists.
  RunResult last = as_admin({"staff", "disable", "admin"});
  BOOST_TEST(last.exit_code == 4, last.err);
  BOOST_TEST(last.err.find("admin") != std::string::npos, last.err);
  BOOST_TEST(cli_as({"staff", "list"}, "admin", admin_pw).exit_code == 0);
  // The display name is printed as payee.
  BOOST_TEST(as_admin({"staff", "rename", "teller1", "--display-name", "王小明"}).exit_code == 0);
  list = json::parse(as_admin({"--json", "staff", "list"}).out);
  BOOST_TEST(list[2]["display_name"].get<std::string>() == "王小明");
  BOOST_TEST(cli_as({"staff", "unlock", "nobody"}, "admin", admin_pw).exit_code == 4);
  for (const std::string& secret : {kAdminPw, kTellerPw, std::string("Fr3sh-teller-pw")})
    BOOST_TEST(all_output.find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- issue 13.6: settings cannot brick the application --------------------------------------

BOOST_AUTO_TEST_SUITE(settings_cannot_brick)

BOOST_FIXTURE_TEST_CASE(typed_keys_and_a_bad_stored_value_still_starts_naming_the_setting, Counter) {
  auto set = [&](const std::string& key, const std::string& value) {
    return cli({"settings", "set", key, value, "--as", "admin", "--as-password-file", admin_pw.string()});
  };
  BOOST_TEST(set("staff_lockout_minutes", "30").exit_code == 0);
  BOOST_TEST(set("clock_tolerance_seconds", "60").exit_code == 0);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"staff_lockout_minutes", "0"}, {"staff_lockout_minutes", "abc"}, {"clock_tolerance_seconds", "-1"},
           {"utc_offset_minutes", "abc"}, {"utc_offset_minutes", "841"}, {"timezone", "Mars/Olympus"},
           {"pkcs11_module", "/usr/lib/x86_64-linux-gnu/libz.so.1"}}) {
    RunResult r = set(key, value);
    BOOST_TEST(r.exit_code == 4, key << "=" << value << ": " << r.err);
    BOOST_TEST(r.err.find(key == "pkcs11_module" ? value : key) != std::string::npos, r.err);
  }
  RunResult shown = cli({"--json", "settings", "show"});
  BOOST_REQUIRE(shown.exit_code == 0);
  json j = json::parse(shown.out);
  BOOST_TEST(j["staff_lockout_minutes"].get<std::string>() == "30");
  BOOST_TEST(j["clock_tolerance_seconds"].get<std::string>() == "60");
  BOOST_TEST(j["utc_offset_minutes"].get<std::string>() == "480");   // as init set it
  // SoftHSM2 loads and shows slots: accepted.
  BOOST_TEST(set("pkcs11_module", "/usr/lib/softhsm/libsofthsm2.so").exit_code == 0);

  // Values an older version stored: every command still runs, and each says which setting to fix.
  {
    db::Database conn = db::Database::open(data / "certdesk.db");
    db::Settings(conn).set("utc_offset_minutes", "abc");
    db::Settings(conn).set("clock_tolerance_seconds", "soon");
    db::Settings(conn).set("staff_lockout_minutes", "-5");
  }
  RunResult listed = cli({"order", "list"});
  BOOST_TEST(listed.exit_code == 0, listed.err);
  for (const char* key : {"utc_offset_minutes", "clock_tolerance_seconds", "staff_lockout_minutes"})
    BOOST_TEST(listed.err.find(std::string("settings set ") + key) != std::string::npos, listed.err);
  // A login (lockout minutes, clock tolerance read) and the repair itself work.
  BOOST_TEST(set("utc_offset_minutes", "480").exit_code == 0);
  BOOST_TEST(set("clock_tolerance_seconds", "300").exit_code == 0);
  BOOST_TEST(set("staff_lockout_minutes", "15").exit_code == 0);
  RunResult clean = cli({"order", "list"});
  BOOST_TEST(clean.exit_code == 0);
  BOOST_TEST(clean.err.empty(), clean.err);
}

BOOST_AUTO_TEST_SUITE_END()
