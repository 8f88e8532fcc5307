// Issue 13 points 4 and 14: the bad-input corpus. Every row below is one bad
// input to certdesk-cli, run as a child process against one prepared data
// folder (init, staff, an issued token, a blank one) under the default
// language (Simplified Chinese). Each row asserts
//   - the exit status (docs/cli.md, `certdesk-cli --help`): 2 usage, 4 refused
//     by a rule or bad input, 6 authentication or permission;
//   - one line on stderr, no control character in it, Chinese in it, and the
//     name of the field (or option) that is wrong;
//   - nothing changed: every table of the database (db/testing.h), the token
//     store, the CA, the secrets and the archive are byte-for-byte as before.
//     The journal may only have grown by the audit entries a refusal writes
//     (a login, a refused login, order or approval), each after the old head.
// A row that changed something restores the prepared folder for the next one.
// Adding a case is one line in a table.

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "db/database.h"
#include "db/testing.h"
#include "tests/support/support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;
using namespace certdesk::test;

namespace {

const std::string kAdminPw = "Adm1n-pw-Qx7!zK";
const std::string kTellerPw = "T3ller-pw-Vb4#nM";
const std::string kSupPw = "Sup3rv-pw-Lr9$wE";
const std::string kPin = "Pin-9w4Q7z";
const std::string kIssued = "2100012345";   // a token with a certificate (order 1, receipt …000001)
const std::string kBlank = "2100054321";    // a blank token
const std::string kUscc = "91110108MA01C8D24U";

// ---------------------------------------------------------------------------
// The prepared data folder and its snapshot.

struct Snapshot {
  std::vector<std::string> journal;              // every row, in seq order
  std::map<std::string, std::string> tables;     // table → hash of its rows (journal, journal_anchor apart)
  std::string anchor;                            // journal_anchor's row
  std::map<std::string, std::string> files;      // relative path → hash
};

std::string rows_of(db::Database& d, const std::string& table, const char* order) {
  std::vector<std::string> cols = db::testing::query_column(d, "SELECT name FROM pragma_table_info('" + table + "')");
  std::string expr;
  for (const auto& c : cols) expr += (expr.empty() ? "" : "||'|'||") + std::string("quote(\"") + c + "\")";
  std::vector<std::string> rows =
      db::testing::query_column(d, "SELECT " + expr + " FROM \"" + table + "\" ORDER BY " + order);
  std::string all;
  for (const auto& r : rows) all += r + "\n";
  return all;
}

Snapshot snapshot(const fs::path& data) {
  Snapshot s;
  {
    db::Database d = db::Database::open_readonly(data / "certdesk.db");
    for (const auto& t : db::testing::query_column(d, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")) {
      if (t == "journal") {
        std::vector<std::string> cols = db::testing::query_column(d, "SELECT name FROM pragma_table_info('journal')");
        std::string expr;
        for (const auto& c : cols) expr += (expr.empty() ? "" : "||'|'||") + std::string("quote(\"") + c + "\")";
        s.journal = db::testing::query_column(d, "SELECT action||'\t'||" + expr + " FROM journal ORDER BY seq");
      } else if (t == "journal_anchor") {
        s.anchor = rows_of(d, t, "rowid");
      } else {
        s.tables[t] = crypto::sha256_hex(rows_of(d, t, "rowid"));
      }
    }
  }
  for (const char* sub : {"softhsm/tokens", "ca", "secrets", "archive"}) {
    std::error_code ec;
    if (!fs::exists(data / sub, ec)) continue;
    for (const auto& e : fs::recursive_directory_iterator(data / sub)) {
      if (!e.is_regular_file()) continue;
      std::string bytes = read_file(e.path());
      // SoftHSM2 rewrites a token's token.object on every login (it resets the PIN-count flags),
      // bumping the 8-byte generation counter its object files open with: the rest must not change.
      if (e.path().filename() == "token.object" && bytes.size() >= 8) bytes.erase(0, 8);
      s.files[fs::relative(e.path(), data).string()] = crypto::sha256_hex(bytes);
    }
  }
  return s;
}

// What differs between before and after, beyond the audit entries a refusal may add; empty when nothing.
std::string difference(const Snapshot& before, const Snapshot& after) {
  static const std::set<std::string> audit{"login", "login.refused", "order.refused", "approval.refused"};
  std::string why;
  bool journal_same_prefix = after.journal.size() >= before.journal.size() &&
                             std::equal(before.journal.begin(), before.journal.end(), after.journal.begin());
  if (!journal_same_prefix) why += "journal rows rewritten or removed; ";
  for (std::size_t i = before.journal.size(); journal_same_prefix && i < after.journal.size(); ++i) {
    std::string action = after.journal[i].substr(0, after.journal[i].find('\t'));
    if (!audit.count(action)) why += "journal gained " + action + "; ";
  }
  if (after.journal.size() == before.journal.size() && after.anchor != before.anchor) why += "journal_anchor; ";
  for (const auto& [t, h] : before.tables) {
    auto it = after.tables.find(t);
    if (it == after.tables.end() || it->second != h) why += "table " + t + "; ";
  }
  for (const auto& [t, h] : after.tables)
    if (!before.tables.count(t)) why += "new table " + t + "; ";
  for (const auto& [f, h] : before.files) {
    auto it = after.files.find(f);
    if (it == after.files.end() || it->second != h) why += "file " + f + "; ";
  }
  for (const auto& [f, h] : after.files)
    if (!before.files.count(f)) why += "new file " + f + "; ";
  return why;
}

std::vector<std::string> zh() { return {"CERTDESK_LANG=zh_CN", "LANGUAGE=zh_CN"}; }

struct Prepared {
  TempDir tmp{"certdesk-bad-input"};
  fs::path work = tmp / "data";
  fs::path pristine = tmp / "pristine";
  fs::path files = tmp / "files";
  fs::path admin_pw, teller_pw, sup_pw, pin;
  std::string receipt_no, today;
  std::int64_t order_id = 0;
  Snapshot base;

  RunResult cli(const std::vector<std::string>& args, const fs::path& data) {
    std::vector<std::string> argv{bin("certdesk-cli").string(), "--data-dir", data.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, zh(), "", 60);
  }
  // Runs on a worker thread: throws instead of Boost.Test's (not thread-safe) checks.
  static void need(const RunResult& r, const std::string& what) {
    if (r.exit_code != 0) throw std::runtime_error("preparing the data folder: " + what + ": " + r.err);
  }
  void ok(const std::vector<std::string>& args) {
    RunResult r = cli(args, work);
    need(r, args[0] + " " + args[1]);
  }

  Prepared() {
    fs::create_directories(files);
    admin_pw = write_file(files / "admin.pw", kAdminPw + "\n");
    teller_pw = write_file(files / "teller.pw", kTellerPw + "\n");
    sup_pw = write_file(files / "sup.pw", kSupPw + "\n");
    pin = write_file(files / "pin", kPin + "\n");
    ok({"init", "--branch", "BJ01", "--branch-name", "示例网点", "--admin", "admin", "--password-file", admin_pw.string()});
    ok({"staff", "add", "teller1", "--role", "teller", "--password-file", teller_pw.string(), "--as", "admin",
        "--as-password-file", admin_pw.string()});
    ok({"staff", "add", "sup1", "--role", "supervisor", "--password-file", sup_pw.string(), "--as", "admin",
        "--as-password-file", admin_pw.string()});
    ok({"token", "insert-blank", "--serial", kIssued});
    fs::path req = write_file(files / "good-issue.json", base_request("issue", kIssued).dump());
    RunResult r = cli({"--json", "order", "run", "issue", "--request", req.string(), "--as", "teller1", "--as-password-file",
                       teller_pw.string(), "--new-pin-file", pin.string()},
                      work);
    need(r, "order run issue");
    json done = json::parse(r.out);
    receipt_no = done.at("receipt_no").get<std::string>();
    order_id = done.at("order_id").get<std::int64_t>();
    ok({"token", "insert-blank", "--serial", kBlank});
    r = cli({"--json", "day", "list", "--as", "sup1", "--as-password-file", sup_pw.string()}, work);
    need(r, "day list");
    today = json::parse(r.out).at(0).at("business_day").get<std::string>();
    fs::copy(work, pristine, fs::copy_options::recursive);
    base = snapshot(work);
  }

  void restore() {
    fs::remove_all(work);
    fs::copy(pristine, work, fs::copy_options::recursive);
  }

  // A request every flow accepts as far as its fields go; the token is the blank one
  // for the flows that write a new token, the issued one for the others.
  static json base_request(const std::string& flow, const std::string& issue_on = kBlank) {
    const bool new_token = flow == "issue" || flow == "reissue" || flow == "replace";
    const bool first = flow == "issue";
    json docs = {{"application_form", {{"present", true}, {"stamped", true}, {"business_type", flow}}},
                 {"org_code_copy", {{"present", true}, {"stamped", true}}},
                 {"handler_id_copy", {{"present", true}, {"stamped", true}}},
                 {"token", {{"present", true}}}};
    json j = {{"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", kUscc}}},
              {"handler", {{"name", "张三"}, {"id_number", "11010519491231002X"}}},
              {"documents", docs},
              {"token_serial", first ? issue_on : new_token ? kBlank : kIssued},
              {"reason", flow == "reissue" ? "lost" : ""},
              {"payment", {{"method", "cash"}, {"amount_fen", flow == "unlock" || flow == "cancel" ? 0 : 5000}}}};
    if (flow == "reissue" || flow == "replace") j["old_token_serial"] = kIssued;
    return j;
  }
};

// ---------------------------------------------------------------------------
// Checking one case.

bool has_chinese(const std::string& s) {
  // U+4E00…U+9FFF in UTF-8: lead byte E4…E9.
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xE4 && c <= 0xE9 && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) return true;
  }
  return false;
}

bool has_control(const std::string& s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) >= 0x80 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return true;
  }
  return false;
}

// Bytes as C escapes, for a failure message that must not itself break the log.
std::string text_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------
// Files a case can name as {f:NAME}: PIN, password, code and request files.

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const std::map<std::string, std::string>& special_files() {
  static const std::map<std::string, std::string> f{
      {"nul.pin", std::string("Pin-9w\0" "4Q7z\n", 12)},
      {"empty", ""},
      {"newline-only", "\n"},
      {"big.pin", std::string(5000, '7') + "\n"},
      {"short.pin", "12\n"},
      {"esc.pin", "Pin\x1b[31m99\n"},
      {"badutf8.pin", "\xFF\xFE" "123456\n"},
      {"nul.pw", std::string("T3ller\0" "-pw\n", 11)},
      {"nul.code", std::string("1234\0" "5678\n", 10)},
      {"code", "12345678\n"},
      {"huge.json", "{\"x\": \"" + std::string((1u << 20), ' ') + "\"}"},
      {"empty.json", ""},
      {"array.json", "[]"},
      {"string.json", "\"issue\""},
      {"number.json", "5"},
      {"null.json", "null"},
      {"brace.json", "{"},
      {"object.json", "{}"},
      {"trailing.json", "{} {}"},
      {"deep.json", R"({"organisation": {"name": {"a": {"b": 1}}}})"},
      {"deep-array.json", repeat("[", 5000) + repeat("]", 5000)},
      {"long-array.json", "{\"organisation\": [" + repeat("1,", 100000) + "1]}"},
      {"many-overrides.json", [] {
         json j = {{"organisation", {{"name", "北京示例科技有限公司"}, {"uscc", kUscc}}}};
         std::string text = j.dump();
         text.pop_back();
         text += ", \"overrides\": {";
         for (int i = 0; i < 20000; ++i) text += (i ? "," : "") + std::string("\"item") + std::to_string(i) + "\": \"x\"";
         return text + "}}";
       }()},
      {"binary.json", std::string("\x7F" "ELF\x02\x01\x01\0\0\0", 10)},
      {"utf16.json", std::string("\xFF\xFE{\0}\0", 6)},
      {"latin1.json", "{\"organisation\": {\"name\": \"Soci\xE9t\xE9\", \"uscc\": \"x\"}}"},
  };
  return f;
}

// ---------------------------------------------------------------------------
// The command table. In args: @T / @S / @A log in as teller1 / sup1 / admin;
// {pin} a good PIN file; {f:NAME} a file of special_files(); {missing} a file
// that does not exist; {dir} a folder; {rcpt} the issued receipt; {today} the
// business day of the issued order; {order} its number; {issued} / {blank}
// the two token serials; {out} a file name in a scratch folder. A row whose
// args hold {fresh} runs on a data folder that does not exist yet, and that
// folder must still not exist (or be empty) afterwards.

struct CommandCase {
  const char* command;   // the subcommand, for the per-command count
  std::vector<std::string> args;
  int exit;
  std::string needle;    // what the message must name
};

const std::string k100k(100000, 'a');
const std::string kEsc = "A\x1b[31mB";
const std::string kFFFF = "A\xEF\xBF\xBF" "B";
const std::string kBadUtf8 = "A\xFF" "B";
const std::string kOverlong = "A\xC0\xAF" "B";
const std::string kSurrogate = "A\xED\xA0\x80" "B";
const std::string kNewline = "A\nB";
const std::string kDel = "A\x7F" "B";
const std::string kC1 = "A\xC2\x85" "B";

std::vector<CommandCase> command_cases() {
  const std::string long_name = repeat("名", 41);
  return {
      // Global: exit 2, nothing runs.
      {"(global)", {}, 2, "--help"},
      {"(global)", {"frobnicate"}, 2, "--help"},
      {"(global)", {"--json", "order", "list"}, 2, "--json"},
      {"(global)", {"--data-dir", "/tmp", "order", "list"}, 2, "--data-dir"},
      {"(global)", {"order", "list", "--colour"}, 2, "--colour"},
      {"(global)", {"order", "run", "issue", "--request", "{f:object.json}", "--pin", "1234", "@T"}, 2, "口令和密码"},
      {"(global)", {"init", "--password=x"}, 2, "口令和密码"},
      {"(global)", {"staff", "add", "x", "--so-pin", "1"}, 2, "口令和密码"},
      {"(global)", {"order"}, 2, "--help"},
      {"(global)", {"token"}, 2, "--help"},
      {"(global)", {"day"}, 2, "--help"},
      {"(global)", {"receipt"}, 2, "--help"},
      {"(global)", {"settings"}, 2, "--help"},
      {"(global)", {"unlock-code"}, 2, "--help"},
      {"(global)", {"money"}, 2, "--help"},
      {"(global)", {"journal"}, 2, "--help"},
      {"(global)", {"staff"}, 2, "--help"},
      {"(global)", {kEsc}, 2, "--help"},

      // init: a folder that holds a data folder already, and bad values on a new one.
      {"init", {"init", "--branch", "BJ02", "--admin", "admin", "--password-file", "{f:code}"}, 4, ""},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin"}, 2, "--password-file"},
      {"init", {"init", "--admin", "admin", "--password-file", "{f:code}"}, 2, "--branch"},
      {"init", {"init", "--branch", "B", "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "B"},
      {"init", {"init", "--branch", "BJ01BJ01BJ01", "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "BJ01BJ01BJ01"},
      {"init", {"init", "--branch", "北京", "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "北京"},
      {"init", {"init", "--branch", "B J", "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "B J"},
      {"init", {"init", "--branch", kEsc, "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "\\x1B"},
      {"init", {"init", "--branch", "", "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "BJ01"},
      {"init", {"init", "--branch", "BJ01", "--branch-name", kEsc, "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "网点名称"},
      {"init", {"init", "--branch", "BJ01", "--branch-name", kFFFF, "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "FFFF"},
      {"init", {"init", "--branch", "BJ01", "--branch-name", k100k, "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "100000"},
      {"init", {"init", "--branch", "BJ01", "--branch-name", kBadUtf8, "--admin", "admin", "--password-file", "{f:code}", "{fresh}"}, 4, "UTF-8"},
      {"init", {"init", "--branch", "BJ01", "--admin", "", "--password-file", "{f:code}", "{fresh}"}, 4, ""},
      {"init", {"init", "--branch", "BJ01", "--admin", kEsc, "--password-file", "{f:code}", "{fresh}"}, 4, "1B"},
      {"init", {"init", "--branch", "BJ01", "--admin", kFFFF, "--password-file", "{f:code}", "{fresh}"}, 4, "FFFF"},
      {"init", {"init", "--branch", "BJ01", "--admin", long_name, "--password-file", "{f:code}", "{fresh}"}, 4, "41"},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "{f:nul.pw}", "{fresh}"}, 4, "NUL"},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "{f:empty}", "{fresh}"}, 4, "empty"},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "{missing}", "{fresh}"}, 4, "missing"},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "/dev/zero", "{fresh}"}, 4, "/dev/zero"},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "{dir}", "{fresh}"}, 4, "文件夹"},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "{f:short.pin}", "{fresh}"}, 4, ""},
      {"init", {"init", "--branch", "BJ01", "--admin", "admin", "--password-file", "{f:code}", "--module", "/nonexistent/p11.so", "{fresh}"}, 4, "/nonexistent/p11.so"},

      // staff add
      {"staff add", {"staff", "add", kEsc, "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "1B"},
      {"staff add", {"staff", "add", kFFFF, "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "FFFF"},
      {"staff add", {"staff", "add", kBadUtf8, "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "UTF-8"},
      {"staff add", {"staff", "add", kNewline, "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "000A"},
      {"staff add", {"staff", "add", long_name, "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "41"},
      {"staff add", {"staff", "add", k100k, "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "100000"},
      {"staff add", {"staff", "add", "", "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, ""},
      {"staff add", {"staff", "add", "   ", "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, ""},
      {"staff add", {"staff", "add", "teller1", "--role", "teller", "--password-file", "{f:code}", "@A"}, 4, "teller1"},
      {"staff add", {"staff", "add", "new1", "--role", "god", "--password-file", "{f:code}", "@A"}, 4, "god"},
      {"staff add", {"staff", "add", "new1", "--role", "", "--password-file", "{f:code}", "@A"}, 4, "teller"},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:nul.pw}", "@A"}, 4, "NUL"},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:empty}", "@A"}, 4, ""},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:newline-only}", "@A"}, 4, ""},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "/dev/zero", "@A"}, 4, "4 KiB"},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{missing}", "@A"}, 4, "missing"},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:short.pin}", "@A"}, 4, ""},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:code}", "@T"}, 6, ""},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--role", "admin", "--password-file", "{f:code}", "@A"}, 2, "--role"},
      {"staff add", {"staff", "add", "new1", "--password-file", "{f:code}", "@A"}, 2, "--role"},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:code}"}, 2, "--as"},
      {"staff add", {"staff", "add", "new1", "--role", "teller", "--password-file", "{f:code}", "--as", "admin", "--as-password-file", "{f:nul.pw}"}, 4, "NUL"},

      // staff enroll-token
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--new-pin-file", "{pin}", "@A"}, 2, "--token"},
      {"staff enroll-token", {"staff", "enroll-token", "nobody", "--token", "{blank}", "--new-pin-file", "{pin}", "@A"}, 4, "nobody"},
      {"staff enroll-token", {"staff", "enroll-token", "teller1", "--token", "{blank}", "--new-pin-file", "{pin}", "@A"}, 4, "teller1"},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "2199999999", "--new-pin-file", "{pin}", "@A"}, 5, "2199999999"},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", kEsc, "--new-pin-file", "{pin}", "@A"}, 5, "1B"},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{issued}", "--new-pin-file", "{pin}", "@A"}, 4, "{issued}"},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{blank}", "--new-pin-file", "{f:nul.pin}", "@A"}, 4, "NUL"},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{blank}", "--new-pin-file", "{f:short.pin}", "@A"}, 4, ""},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{blank}", "--new-pin-file", "/dev/zero", "@A"}, 4, "4 KiB"},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{blank}", "--new-pin-file", "{f:empty}", "@A"}, 4, ""},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{blank}", "--new-pin-file", "{pin}", "@T"}, 6, ""},
      {"staff enroll-token", {"staff", "enroll-token", "sup1", "--token", "{blank}", "--serial", "2199999999", "--new-pin-file", "{pin}", "@A"}, 2, "--serial"},

      // token insert-blank / suspend / found / lost / list
      {"token insert-blank", {"token", "insert-blank", "--serial", "abc"}, 4, "abc"},
      {"token insert-blank", {"token", "insert-blank", "--serial", "12"}, 4, "12"},
      {"token insert-blank", {"token", "insert-blank", "--serial", std::string(40, '9')}, 4, "9999"},
      {"token insert-blank", {"token", "insert-blank", "--serial", kEsc}, 4, "1B"},
      {"token insert-blank", {"token", "insert-blank", "--serial", "-5"}, 4, "-5"},
      {"token insert-blank", {"token", "insert-blank", "--serial", "{issued}"}, 4, "{issued}"},
      {"token insert-blank", {"token", "insert-blank", "--serial", "1", "--serial", "2"}, 2, "--serial"},
      {"token list", {"token", "list", "extra"}, 2, "extra"},
      {"token suspend", {"token", "suspend", "2199999999", "@T"}, 4, "2199999999"},
      {"token suspend", {"token", "suspend", kEsc, "@T"}, 4, "1B"},
      {"token suspend", {"token", "suspend", k100k, "@T"}, 4, "aaaa"},
      {"token suspend", {"token", "suspend", "{issued}", "--reason", kEsc, "@T"}, 4, "1B"},
      {"token suspend", {"token", "suspend", "{issued}", "--reason", kFFFF, "@T"}, 4, "FFFF"},
      {"token suspend", {"token", "suspend", "{issued}", "--reason", k100k, "@T"}, 4, "100000"},
      {"token suspend", {"token", "suspend", "{issued}", "--reason", kBadUtf8, "@T"}, 4, "UTF-8"},
      {"token suspend", {"token", "suspend", "{issued}", "--reason", kNewline, "@T"}, 4, "000A"},
      {"token suspend", {"token", "suspend", "{issued}", "--reason", kC1, "@T"}, 4, "0085"},
      {"token suspend", {"token", "suspend", "{blank}", "@T"}, 4, "{blank}"},
      {"token suspend", {"token", "suspend", "@T"}, 2, "SERIAL"},
      {"token found", {"token", "found", "{issued}", "@T"}, 4, "{issued}"},
      {"token found", {"token", "found", "2199999999", "@T"}, 4, "2199999999"},
      {"token found", {"token", "found", "{issued}", "--reason", kDel, "@T"}, 4, "找回"},
      {"token lost", {"token", "lost", "2199999999", "@T"}, 4, "2199999999"},
      {"token lost", {"token", "lost", "{issued}", "--reason", kEsc, "@T"}, 4, "1B"},
      {"token lost", {"token", "lost", "{issued}", "--reason", k100k, "@T"}, 4, "100000"},
      {"token lost", {"token", "lost", "{issued}", "--reason", kOverlong, "@T"}, 4, "UTF-8"},
      {"token lost", {"token", "lost", "{blank}", "@T"}, 4, "{blank}"},

      // order run: the command line (the request file's fields are the next table)
      {"order run", {"order", "run", "bogus", "--request", "{f:object.json}", "@T"}, 4, "bogus"},
      {"order run", {"order", "run", "", "--request", "{f:object.json}", "@T"}, 4, "issue"},
      {"order run", {"order", "run", "ISSUE", "--request", "{f:object.json}", "@T"}, 4, "ISSUE"},
      {"order run", {"order", "run", kEsc, "--request", "{f:object.json}", "@T"}, 4, "1B"},
      {"order run", {"order", "run", "issue", "@T"}, 2, "--request"},
      {"order run", {"order", "run", "issue", "--request", "{missing}", "@T"}, 4, "missing"},
      {"order run", {"order", "run", "issue", "--request", "{dir}", "@T"}, 4, "dir"},
      {"order run", {"order", "run", "issue", "--request", "/dev/zero", "@T"}, 4, "1 MiB"},
      {"order run", {"order", "run", "issue", "--request", "{f:huge.json}", "@T"}, 4, "1 MiB"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:empty}", "@T"}, 4, ""},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:newline-only}", "@T"}, 4, ""},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:big.pin}", "@T"}, 4, "4 KiB"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "/dev/zero", "@T"}, 4, "4 KiB"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{missing}", "@T"}, 4, "missing"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{dir}", "@T"}, 4, "dir"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:short.pin}", "@T"}, 4, "9007"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:esc.pin}", "@T"}, 4, ""},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{f:badutf8.pin}", "@T"}, 4, ""},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{pin}", "--pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"order run", {"order", "run", "update", "--request", "{good:update}", "--pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"order run", {"order", "run", "update", "--request", "{good:update}", "--pin-file", "/dev/zero", "@T"}, 4, "4 KiB"},
      {"order run", {"order", "run", "update", "--request", "{good:update}", "--pin-file", "{f:empty}", "@T"}, 4, ""},
      {"order run", {"order", "run", "unlock", "--request", "{good:unlock}", "--new-pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"order run", {"order", "run", "unlock", "--request", "{good:unlock}", "--new-pin-file", "{f:short.pin}", "@T"}, 4, "9007"},
      {"order run", {"order", "run", "reissue", "--request", "{good:reissue}", "--new-pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"order run", {"order", "run", "replace", "--request", "{good:replace}", "--new-pin-file", "{f:short.pin}", "@T"}, 4, "9007"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{pin}", "--approver", "sup1", "--approver-password-file", "{f:nul.pw}", "@T"}, 4, "NUL"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{pin}", "--approver-password-file", "/dev/zero", "@T"}, 4, "4 KiB"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--no-handover", "--no-handover", "@T"}, 2, "--no-handover"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--request", "{good:issue}", "@T"}, 2, "--request"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{pin}", "--as", "teller1", "--as-password-file", "{f:nul.pw}"}, 4, "NUL"},
      {"order run", {"order", "run", "issue", "--request", "{good:issue}", "--new-pin-file", "{pin}", "--as", "teller1", "--as-password-file", "/dev/zero"}, 4, "4 KiB"},

      // order list / resume / rollback
      {"order list", {"order", "list", "--unfinished", "--unfinished"}, 2, "--unfinished"},
      {"order list", {"order", "list", "extra"}, 2, "extra"},
      {"order resume", {"order", "resume", "abc", "@T"}, 2, "abc"},
      {"order resume", {"order", "resume", "0", "@T"}, 2, "“0”"},
      {"order resume", {"order", "resume", "-1", "@T"}, 2, "-1"},
      {"order resume", {"order", "resume", "1.5", "@T"}, 2, "1.5"},
      {"order resume", {"order", "resume", "99999999999999999999", "@T"}, 2, "99999999999999999999"},
      {"order resume", {"order", "resume", "999999", "@T"}, 4, "999999"},
      {"order resume", {"order", "resume", "{order}", "@T"}, 4, "{order}"},
      {"order resume", {"order", "resume", "{order}", "--new-pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"order rollback", {"order", "rollback", "abc", "@T"}, 2, "abc"},
      {"order rollback", {"order", "rollback", "999999", "@T"}, 4, "999999"},
      {"order rollback", {"order", "rollback", "{order}", "@T"}, 4, "{order}"},
      {"order rollback", {"order", "rollback", "{order}", "--pin-file", "/dev/zero", "@T"}, 4, "4 KiB"},

      // journal verify
      {"journal verify", {"journal", "verify", "extra"}, 2, "extra"},
      {"journal verify", {"journal", "verify", "--as", "sup1"}, 2, "--as"},

      // check (an inquiry: exit 4 when the number is not valid)
      {"check", {"check", "passport", "123"}, 2, "passport"},
      {"check", {"check", "id"}, 2, "VALUE"},
      {"check", {"check", "id", "123"}, 4, "18"},
      {"check", {"check", "id", kEsc}, 4, "18"},
      {"check", {"check", "id", k100k}, 4, "18"},
      {"check", {"check", "id", kBadUtf8}, 4, "18"},
      {"check", {"check", "id", "110105194912310021"}, 4, "X"},
      {"check", {"check", "id", "110105299912310020"}, 4, ""},
      {"check", {"check", "uscc", "91110108MA01C8D24X"}, 4, ""},
      {"check", {"check", "uscc", kFFFF}, 4, "18"},
      {"check", {"check", "uscc", k100k}, 4, "18"},
      {"check", {"check", "org-code", "ABC"}, 4, ""},
      {"check", {"check", "org-code", kNewline}, 4, ""},

      // crl
      {"crl", {"crl"}, 2, "--out"},
      {"crl", {"crl", "--out", "{out}", "--out", "{out}"}, 2, "--out"},

      // settings set / show
      {"settings set", {"settings", "set", "no_such_key", "1", "@A"}, 4, "no_such_key"},
      {"settings set", {"settings", "set", kEsc, "1", "@A"}, 4, "1B"},
      {"settings set", {"settings", "set", k100k, "1", "@A"}, 4, "aaaa"},
      {"settings set", {"settings", "set", "cert_days", "abc", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "0", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "3651", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "-1", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "1e3", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "365 ", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "cert_days", "99999999999999999999", "@A"}, 4, "cert_days"},
      {"settings set", {"settings", "set", "utc_offset_minutes", "abc", "@A"}, 4, "utc_offset_minutes"},
      {"settings set", {"settings", "set", "utc_offset_minutes", "841", "@A"}, 4, "utc_offset_minutes"},
      {"settings set", {"settings", "set", "utc_offset_minutes", "-721", "@A"}, 4, "utc_offset_minutes"},
      {"settings set", {"settings", "set", "utc_offset_minutes", "480abc", "@A"}, 4, "utc_offset_minutes"},
      {"settings set", {"settings", "set", "renewal_opens_days_before", "-1", "@A"}, 4, "renewal_opens_days_before"},
      {"settings set", {"settings", "set", "renewal_closes_days_after", "x", "@A"}, 4, "renewal_closes_days_after"},
      {"settings set", {"settings", "set", "paper", "a3", "@A"}, 4, "paper"},
      {"settings set", {"settings", "set", "paper", "A5", "@A"}, 4, "paper"},
      {"settings set", {"settings", "set", "key_algorithm", "dsa", "@A"}, 4, "key_algorithm"},
      {"settings set", {"settings", "set", "timezone", "Mars/Olympus", "@A"}, 4, "timezone"},
      {"settings set", {"settings", "set", "timezone", "../../etc/passwd", "@A"}, 4, "timezone"},
      {"settings set", {"settings", "set", "pkcs11_module", "/nonexistent/p11.so", "@A"}, 4, "pkcs11_module"},
      {"settings set", {"settings", "set", "pkcs11_module", "{dir}", "@A"}, 4, "pkcs11_module"},
      {"settings set", {"settings", "set", "branch", "SH01", "@A"}, 4, "branch"},
      {"settings set", {"settings", "set", "branch_name", kEsc, "@A"}, 4, "branch_name"},
      {"settings set", {"settings", "set", "branch_name", kFFFF, "@A"}, 4, "branch_name"},
      {"settings set", {"settings", "set", "branch_name", k100k, "@A"}, 4, "branch_name"},
      {"settings set", {"settings", "set", "branch_name", kBadUtf8, "@A"}, 4, "branch_name"},
      {"settings set", {"settings", "set", "branch_name", repeat("网", 61), "@A"}, 4, "branch_name"},
      {"settings set", {"settings", "set", "paper", "a4", "@T"}, 6, ""},
      {"settings set", {"settings", "set", "paper", "@A"}, 2, "VALUE"},
      {"settings show", {"settings", "show", "extra"}, 2, "extra"},

      // receipt show / print / void
      {"receipt show", {"receipt", "show", "BJ01-2026-999999"}, 4, "BJ01-2026-999999"},
      {"receipt show", {"receipt", "show", ""}, 4, ""},
      {"receipt show", {"receipt", "show", kEsc}, 4, "1B"},
      {"receipt show", {"receipt", "show", k100k}, 4, "aaaa"},
      {"receipt show", {"receipt", "show", kBadUtf8}, 4, "\\xFF"},
      {"receipt show", {"receipt", "show", "'; DROP TABLE payments; --"}, 4, "DROP"},
      {"receipt print", {"receipt", "print", "BJ01-2026-999999", "@T"}, 4, "BJ01-2026-999999"},
      {"receipt print", {"receipt", "print", kEsc, "@T"}, 4, "1B"},
      {"receipt print", {"receipt", "print", "{rcpt}", "--paper", "a3", "@T"}, 4, "a3"},
      {"receipt print", {"receipt", "print", "{rcpt}", "--paper", kEsc, "@T"}, 4, "1B"},
      {"receipt print", {"receipt", "print", "{rcpt}", "--paper", "a4", "--paper", "a5", "@T"}, 2, "--paper"},
      {"receipt void", {"receipt", "void", "{rcpt}", "@S"}, 2, "--reason"},
      {"receipt void", {"receipt", "void", "BJ01-2026-999999", "--reason", "收错了", "@S"}, 4, "BJ01-2026-999999"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", "", "@S"}, 4, ""},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", "   ", "@S"}, 4, ""},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", kEsc, "@S"}, 4, "1B"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", kFFFF, "@S"}, 4, "FFFF"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", k100k, "@S"}, 4, "100000"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", repeat("错", 201), "@S"}, 4, "201"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", kBadUtf8, "@S"}, 4, "UTF-8"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", kSurrogate, "@S"}, 4, "UTF-8"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", kC1, "@S"}, 4, "0085"},
      {"receipt void", {"receipt", "void", "{rcpt}", "--reason", "收错了", "@T"}, 6, ""},

      // unlock-code issue / redeem
      {"unlock-code issue", {"unlock-code", "issue", "2199999999", "@S"}, 4, "2199999999"},
      {"unlock-code issue", {"unlock-code", "issue", kEsc, "@S"}, 4, "1B"},
      {"unlock-code issue", {"unlock-code", "issue", "{blank}", "@S"}, 4, "{blank}"},
      {"unlock-code issue", {"unlock-code", "issue", "{issued}", "--hours", "0", "@S"}, 2, "--hours"},
      {"unlock-code issue", {"unlock-code", "issue", "{issued}", "--hours", "abc", "@S"}, 2, "abc"},
      {"unlock-code issue", {"unlock-code", "issue", "{issued}", "--hours", "-3", "@S"}, 2, "-3"},
      {"unlock-code issue", {"unlock-code", "issue", "{issued}", "--hours", "99999999999", "@S"}, 2, "--hours"},
      {"unlock-code issue", {"unlock-code", "issue", "{issued}", "--hours", "1000000", "@S"}, 4, "授权码有效期"},
      {"unlock-code issue", {"unlock-code", "issue", "{issued}", "@T"}, 6, ""},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "--code-file", "{f:nul.code}", "--new-pin-file", "{pin}", "@T"}, 4, "NUL"},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "--code-file", "{f:empty}", "--new-pin-file", "{pin}", "@T"}, 4, ""},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "--code-file", "/dev/zero", "--new-pin-file", "{pin}", "@T"}, 4, "4 KiB"},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "--code-file", "{missing}", "--new-pin-file", "{pin}", "@T"}, 4, "missing"},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "--code-file", "{f:code}", "--new-pin-file", "{f:nul.pin}", "@T"}, 4, "NUL"},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "--code-file", "{f:code}", "--new-pin-file", "{f:short.pin}", "@T"}, 4, ""},
      {"unlock-code redeem", {"unlock-code", "redeem", "{issued}", "@T"}, 2, "--code-file"},

      // money words (no data folder needed)
      {"money words", {"money", "words", "abc"}, 4, "abc"},
      {"money words", {"money", "words", ""}, 4, ""},
      {"money words", {"money", "words", "-1"}, 4, "金额"},
      {"money words", {"money", "words", "1.234"}, 4, "1.234"},
      {"money words", {"money", "words", "1e5"}, 4, "1e5"},
      {"money words", {"money", "words", "99999999999999999999"}, 4, "99999999999999999999"},
      {"money words", {"money", "words", "1,000"}, 4, "1,000"},
      {"money words", {"money", "words", kEsc}, 4, "1B"},
      {"money words", {"money", "words", k100k}, 4, "aaaa"},
      {"money words", {"money", "words", "NaN"}, 4, "NaN"},
      {"money words", {"money", "words", "0x10"}, 4, "0x10"},
      {"money words", {"money", "words", "1.2.3"}, 4, "1.2.3"},

      // day report / close / verify / export-statement / correct / list
      {"day report", {"day", "report", "2026-13-01", "@S"}, 4, "2026-13-01"},
      {"day report", {"day", "report", "2026-02-30", "@S"}, 4, "2026-02-30"},
      {"day report", {"day", "report", "today", "@S"}, 4, "today"},
      {"day report", {"day", "report", "", "@S"}, 4, "YYYY-MM-DD"},
      {"day report", {"day", "report", "20261201", "@S"}, 4, "20261201"},
      {"day report", {"day", "report", kEsc, "@S"}, 4, "1B"},
      {"day report", {"day", "report", "2026-1-01", "@S"}, 4, "2026-1-01"},
      {"day report", {"day", "report", "{today}", "--csv", "{out}", "--csv", "{out}", "@S"}, 2, "--csv"},
      {"day report", {"day", "report", "{today}", "@T"}, 6, ""},
      {"day close", {"day", "close", "2026-02-29", "@S"}, 4, "2026-02-29"},
      {"day close", {"day", "close", k100k, "@S"}, 4, "aaaa"},
      {"day close", {"day", "close", "{today}", "--pin-file", "{f:nul.pin}", "@S"}, 4, "NUL"},
      {"day close", {"day", "close", "{today}", "--pin-file", "/dev/zero", "@S"}, 4, "4 KiB"},
      {"day close", {"day", "close", "2099-01-01", "@S"}, 4, "2099-01-01"},
      {"day close", {"day", "close", "{today}", "@T"}, 6, ""},
      {"day verify", {"day", "verify", "0000-00-00", "@S"}, 4, "0000-00-00"},
      {"day verify", {"day", "verify", "{today}", "@S"}, 4, "{today}"},
      {"day export-statement", {"day", "export-statement", "2026-00-10", "--out", "{out}", "@S"}, 4, "2026-00-10"},
      {"day export-statement", {"day", "export-statement", "{today}", "--out", "{out}", "@S"}, 4, "{today}"},
      {"day export-statement", {"day", "export-statement", "{today}", "@S"}, 2, "--out"},
      {"day correct", {"day", "correct", "abc", "--reason", "x", "@S"}, 2, "abc"},
      {"day correct", {"day", "correct", "0", "--reason", "x", "@S"}, 2, "“0”"},
      {"day correct", {"day", "correct", "999999", "--reason", "录错了", "@S"}, 4, "999999"},
      {"day correct", {"day", "correct", "1", "@S"}, 2, "--reason"},
      {"day correct", {"day", "correct", "1", "--reason", "", "@S"}, 4, ""},
      {"day correct", {"day", "correct", "1", "--reason", kEsc, "@S"}, 4, "1B"},
      {"day correct", {"day", "correct", "1", "--reason", kFFFF, "@S"}, 4, "FFFF"},
      {"day correct", {"day", "correct", "1", "--reason", k100k, "@S"}, 4, "100000"},
      {"day correct", {"day", "correct", "1", "--reason", kBadUtf8, "@S"}, 4, "UTF-8"},
      {"day correct", {"day", "correct", "1", "--reason", "录错了", "@T"}, 6, ""},
      {"day list", {"day", "list", "extra", "@S"}, 2, "extra"},
      {"day list", {"day", "list", "@T"}, 6, ""},
  };
}

// ---------------------------------------------------------------------------
// The request table: a change to a flow's good request (Prepared::base_request).
// value is JSON text for the field; "~…" puts the bytes … between the quotes of
// a JSON string as they are (escapes such as \u001b, or raw bytes); "@del"
// removes the field; "@dup:KEY" writes KEY a second time into the object at
// pointer; "@file:…" replaces the whole file.

struct RequestCase {
  std::string flow;
  std::string pointer;
  std::string value;
  int exit;
  std::string needle;
};

// The text fields of a request: pointer, what the message calls it, its length.
struct TextField {
  const char* pointer;
  const char* named;
  std::size_t max;
};
const std::vector<TextField>& text_fields() {
  static const std::vector<TextField> f{
      {"/organisation/name", "单位名称", 100},
      {"/organisation/uscc", "organisation.uscc", 40},
      {"/handler/name", "经办人姓名", 40},
      {"/handler/id_number", "handler.id_number", 40},
      {"/documents/application_form/business_type", "documents.application_form.business_type", 16},
      {"/token_serial", "介质序列号", 32},
      {"/old_token_serial", "old_token_serial", 32},
      {"/reason", "reason", 32},
      {"/payment/method", "payment.method", 16},
      {"/payment/invoice_no", "发票号", 40},
      {"/overrides/handler_id_copy", "特批原因", 200},
      {"/overrides/uscc", "特批原因", 200},
      {"/waiver_reason", "减免原因", 200},
  };
  return f;
}

// Bad contents for any text field: the JSON string's bytes, and what the message must say.
struct BadText {
  std::string raw;
  std::string says;   // "" = the field's name; else this
};
std::vector<BadText> bad_texts(std::size_t max) {
  return {
      {"A\\u001b[31mB", ""},        // ESC
      {"A\\u0000B", ""},            // NUL, escaped
      {"A\\uffffB", ""},            // U+FFFF
      {"A\xEF\xB7\x90" "B", ""},    // U+FDD0
      {"A\\udbff\\udfffB", ""},     // U+10FFFF
      {"A\\nB", ""},                // line feed
      {"A\\tB", ""},                // tab
      {"A\\rB", ""},                // carriage return
      {"A\\u007fB", ""},            // DEL
      {"A\\u0085B", ""},            // NEL (C1)
      {"A\\u2028B", ""},            // line separator
      {"A\\u0007B", ""},            // BEL
      {repeat("字", max + 1), ""},  // one character too many
      {std::string(100000, 'a'), ""},
      {"A" + std::string(1, '\0') + "B", "JSON"},      // a raw NUL byte: not JSON
      {"A\x1b" "B", "JSON"},                           // a raw ESC byte: not JSON
      {"A\xFF" "B", "JSON"},                           // not UTF-8
      {"A\xC0\xAF" "B", "JSON"},                       // overlong
      {"A\\ud800B", "JSON"},                           // a lone surrogate
  };
}

std::vector<RequestCase> request_cases() {
  std::vector<RequestCase> c;
  const std::vector<std::string> flows{"issue", "reissue", "unlock", "update", "replace", "cancel"};
  // Every text field × every bad text, on issue; the first four bad texts and the length on the others.
  for (const auto& flow : flows)
    for (const auto& f : text_fields()) {
      std::vector<BadText> bad = bad_texts(f.max);
      for (std::size_t i = 0; i < bad.size(); ++i) {
        if (flow != "issue" && !(i < 3 || i == 12)) continue;
        c.push_back({flow, f.pointer, "~" + bad[i].raw, 4, bad[i].says.empty() ? f.named : bad[i].says});
      }
    }
  // Wrong types on every field.
  const std::vector<std::pair<std::string, std::string>> texts_typed{
      {"/organisation/name", "organisation.name"}, {"/organisation/uscc", "organisation.uscc"},
      {"/handler/name", "handler.name"}, {"/handler/id_number", "handler.id_number"},
      {"/documents/application_form/business_type", "documents.application_form.business_type"},
      {"/token_serial", "token_serial"}, {"/old_token_serial", "old_token_serial"}, {"/reason", "reason"},
      {"/payment/method", "payment.method"}, {"/payment/invoice_no", "payment.invoice_no"},
      {"/waiver_reason", "waiver_reason"}, {"/flow", "flow"}};
  for (const auto& [p, named] : texts_typed)
    for (const char* v : {"5", "[]", "{}", "true"}) c.push_back({"issue", p, v, 4, named});
  for (const char* p : {"/overrides/handler_id_copy", "/overrides/uscc"})
    for (const char* v : {"5", "[\"x\"]", "{}", "false", "null"}) c.push_back({"issue", p, v, 4, "overrides."});
  for (const char* p : {"/documents/application_form/present", "/documents/org_code_copy/stamped", "/wipe_token"})
    for (const char* v : {"\"yes\"", "1", "null", "[]"}) c.push_back({"issue", p, v, 4, std::string(p).substr(std::string(p).rfind('/') + 1)});
  for (const char* p : {"/organisation", "/handler", "/documents", "/payment", "/overrides"})
    for (const char* v : {"\"x\"", "[]", "5", "null"}) c.push_back({"issue", p, v, 4, std::string(p).substr(1)});
  for (const char* v : {"\"x\"", "[]", "5", "true"}) c.push_back({"issue", "/documents/token", v, 4, "documents.token"});
  // Required fields missing, or null.
  for (const auto& [p, named] : std::vector<std::pair<std::string, std::string>>{
           {"/organisation", "organisation"}, {"/organisation/name", "organisation.name"},
           {"/organisation/uscc", "organisation.uscc"}, {"/handler", "handler"}, {"/handler/name", "handler.name"},
           {"/handler/id_number", "handler.id_number"}, {"/documents", "documents"}, {"/payment", "payment"},
           {"/payment/method", "payment.method"}, {"/payment/amount_fen", "payment.amount_fen"}}) {
    c.push_back({"issue", p, "@del", 4, named});
    if (p != "/payment/amount_fen") c.push_back({"update", p, "@del", 4, named});
  }
  for (const char* p : {"/organisation/name", "/organisation/uscc", "/handler/name", "/handler/id_number", "/payment/method"})
    c.push_back({"issue", p, "null", 4, std::string(p).substr(1).replace(std::string(p).substr(1).find('/'), 1, ".")});
  // Amounts.
  for (const char* v : {"-1", "-5000", "1.5", "50.00", "\"5000\"", "1e400", "1e3", "1000000001", "9223372036854775807",
                        "18446744073709551615", "-9223372036854775808", "99999999999999999999999", "null", "true", "[5000]",
                        "{}"})
    c.push_back({"issue", "/payment/amount_fen", v, 4, std::string(v) == "1e400" ? "" : "amount_fen"});
  for (const auto& flow : flows) c.push_back({flow, "/payment/amount_fen", "-1", 4, "amount_fen"});
  // Unknown keys at every level (a misspelt field would otherwise be ignored).
  for (const auto& [p, named] : std::vector<std::pair<std::string, std::string>>{
           {"/extra", "extra"}, {"/Organisation", "Organisation"}, {"/token_serial ", "token_serial "},
           {"/pin", "pin"}, {"/organisation/nmae", "organisation.nmae"}, {"/handler/id", "handler.id"},
           {"/payment/amount", "payment.amount"}, {"/payment/currency", "payment.currency"},
           {"/documents/application_form/signed", "documents.application_form.signed"},
           {"/documents/passport", "passport"}, {"/overrides/passport", "passport"}, {"/overrides/payment", "payment"}}) {
    c.push_back({"issue", p, "\"x\"", 4, named});
    if (p == "/extra" || p == "/organisation/nmae") c.push_back({"cancel", p, "\"x\"", 4, named});
  }
  // Duplicate keys at every level (nlohmann would silently keep the last one).
  for (const auto& [p, key] : std::vector<std::pair<std::string, std::string>>{
           {"", "token_serial"}, {"", "payment"}, {"", "organisation"}, {"/organisation", "name"},
           {"/organisation", "uscc"}, {"/handler", "id_number"}, {"/payment", "amount_fen"}, {"/payment", "method"},
           {"/documents", "token"}, {"/documents/application_form", "present"}, {"/documents/application_form", "business_type"}}) {
    c.push_back({"issue", p, "@dup:" + key, 4, key});
    if (key == "amount_fen" || key == "token_serial") c.push_back({"unlock", p, "@dup:" + key, 4, key});
  }
  // Whole files that are not a request.
  for (const char* f : {"empty.json", "array.json", "string.json", "number.json", "null.json", "brace.json", "object.json",
                        "trailing.json", "deep.json", "deep-array.json", "long-array.json", "many-overrides.json",
                        "binary.json", "utf16.json", "latin1.json", "huge.json"})
    c.push_back({"issue", "", std::string("@file:") + f, 4, ""});
  // Values that are clean text but break a rule: refused at review, before the order exists.
  // (5: a serial no token in the store has is a token error, docs/cli.md.)
  struct RuleRow {
    std::string flow, pointer, value, needle;
    int exit = 4;
  };
  const std::vector<RuleRow> rules{
      {"issue", "/organisation/uscc", "\"91110108MA01C8D24X\"", "91110108MA01C8D24X"},
      {"issue", "/organisation/uscc", "\"123\"", "123"},
      {"issue", "/handler/id_number", "\"110105194912310021\"", "经办人身份证号"},
      {"issue", "/handler/id_number", "\"110105299912310020\"", "2999-12-31"},
      {"issue", "/handler/id_number", "\"\"", ""},
      {"issue", "/organisation/name", "\"\"", ""},
      {"issue", "/organisation/name", "\"   \"", ""},
      {"issue", "/handler/name", "\"\"", ""},
      {"issue", "/token_serial", "\"2199999999\"", "2199999999", 5},
      {"issue", "/token_serial", "\"\"", ""},
      {"issue", "/token_serial", "\"abc\"", "abc", 5},
      {"issue", "/payment/method", "\"bitcoin\"", "bitcoin"},
      {"issue", "/payment/method", "\"CASH\"", "CASH"},
      {"issue", "/payment/amount_fen", "100", ""},
      {"issue", "/payment/amount_fen", "999999999", ""},
      {"issue", "/documents/application_form/business_type", "\"update\"", ""},
      {"issue", "/documents/application_form/present", "false", ""},
      {"issue", "/documents/handler_id_copy", "@del", ""},
      {"reissue", "/reason", "\"stolen\"", "补办须注明原因"},
      {"reissue", "/reason", "\"\"", ""},
      {"reissue", "/old_token_serial", "\"2199999999\"", "2199999999"},
      {"reissue", "/token_serial", "\"" + kIssued + "\"", ""},
      {"replace", "/old_token_serial", "\"" + kBlank + "\"", ""},
      {"unlock", "/token_serial", "\"" + kBlank + "\"", ""},
      {"unlock", "/token_serial", "\"2199999999\"", "2199999999"},
      {"update", "/token_serial", "\"2199999999\"", "2199999999"},
      {"cancel", "/token_serial", "\"2199999999\"", "2199999999"},
      {"cancel", "/organisation/uscc", "\"91350100M000100Y43\"", ""},
      {"issue", "/flow", "\"bogus\"", "bogus"},
  };
  for (const auto& row : rules) c.push_back({row.flow, row.pointer, row.value, row.exit, row.needle});
  return c;
}

std::string json_pointer_parent(const std::string& p) { return p.substr(0, p.rfind('/')); }
std::string json_pointer_key(const std::string& p) { return p.substr(p.rfind('/') + 1); }

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at == std::string::npos) throw std::logic_error("request_text: no " + from);
  s.replace(at, from.size(), to);
}

// The request file's text for a case.
std::string request_text(const RequestCase& rc) {
  if (rc.value.rfind("@file:", 0) == 0) return special_files().at(rc.value.substr(6));
  json j = Prepared::base_request(rc.flow);
  if (rc.pointer.rfind("/overrides", 0) == 0 && !j.contains("overrides")) j["overrides"] = json::object();
  if (rc.value == "@del") {
    j[json::json_pointer(json_pointer_parent(rc.pointer))].erase(json_pointer_key(rc.pointer));
    return j.dump();
  }
  if (rc.value.rfind("@dup:", 0) == 0) {
    const std::string key = rc.value.substr(5);
    json& obj = j[json::json_pointer(rc.pointer)];
    obj["~dup~"] = obj.at(key);
    std::string text = j.dump();
    replace_once(text, "\"~dup~\"", "\"" + key + "\"");
    return text;
  }
  if (rc.value.rfind('~', 0) == 0) {
    j[json::json_pointer(rc.pointer)] = "~raw~";
    std::string text = j.dump();
    replace_once(text, "\"~raw~\"", "\"" + rc.value.substr(1) + "\"");
    return text;
  }
  // Spliced in as written: a number no double holds (1e400) must reach certdesk-cli as it is.
  j[json::json_pointer(rc.pointer)] = "~json~";
  std::string text = j.dump();
  replace_once(text, "\"~json~\"", rc.value);
  return text;
}

// ---------------------------------------------------------------------------
// Expanding a row's placeholders.

std::string substitute(std::string a, const Prepared& p) {
  const std::map<std::string, std::string> words{
      {"{pin}", p.pin.string()},       {"{missing}", (p.files / "missing").string()},
      {"{dir}", (p.files / "dir").string()}, {"{rcpt}", p.receipt_no},
      {"{today}", p.today},            {"{order}", std::to_string(p.order_id)},
      {"{issued}", kIssued},           {"{blank}", kBlank},
      {"{out}", (p.tmp / "out" / "file.out").string()}};
  for (const auto& [w, v] : words)
    for (std::size_t at; (at = a.find(w)) != std::string::npos;) a.replace(at, w.size(), v);
  if (a.rfind("{f:", 0) == 0) return (p.files / a.substr(3, a.size() - 4)).string();
  if (a.rfind("{good:", 0) == 0) return (p.files / ("good-" + a.substr(6, a.size() - 7) + ".json")).string();
  return a;
}

std::vector<std::string> expand(const std::vector<std::string>& args, const Prepared& p) {
  // --json keeps stderr for the error alone (no progress lines); `check` prints its verdict there only without it.
  std::vector<std::string> out;
  if (args.empty() || args[0] != "check") out.push_back("--json");
  for (const auto& a : args) {
    if (a == "@T" || a == "@S" || a == "@A") {
      const bool t = a == "@T", s = a == "@S";
      out.insert(out.end(), {"--as", t ? "teller1" : s ? "sup1" : "admin", "--as-password-file",
                             (t ? p.teller_pw : s ? p.sup_pw : p.admin_pw).string()});
    } else if (a != "{fresh}") {
      out.push_back(substitute(a, p));
    }
  }
  return out;
}

void write_case_files(Prepared& p) {
  for (const auto& [name, content] : special_files()) write_file(p.files / name, content);
  fs::create_directories(p.files / "dir");
  fs::create_directories(p.tmp / "out");
  for (const char* flow : {"issue", "reissue", "unlock", "update", "replace", "cancel"})
    write_file(p.files / ("good-" + std::string(flow) + ".json"), Prepared::base_request(flow).dump());
}

// One row, ready to run in any prepared folder.
struct Job {
  std::string label, command;
  std::vector<std::string> args;   // placeholders not yet expanded
  int exit = 0;
  std::string needle;
  bool fresh = false;              // runs on a data folder that does not exist
  std::optional<std::string> request;   // the request file's text, as {request}
};

struct Outcome {
  RunResult r;
  double seconds = 0;    // the run and the snapshot
  double run_seconds = 0;
  std::string needle;
  std::string changed;   // difference(), or what a refused init left behind
};

std::vector<Job> all_jobs() {
  std::vector<Job> jobs;
  int n = 0;
  for (const auto& c : command_cases()) {
    Job j;
    j.command = c.command;
    j.label = std::string(c.command) + " #" + std::to_string(++n) + ":";
    for (const auto& a : c.args) j.label += " " + text_escape(a.size() > 40 ? a.substr(0, 40) + "…" : a);
    j.args = c.args;
    j.exit = c.exit;
    j.needle = c.needle;
    j.fresh = std::find(c.args.begin(), c.args.end(), "{fresh}") != c.args.end();
    jobs.push_back(std::move(j));
  }
  n = 0;
  for (const auto& rc : request_cases()) {
    Job j;
    j.command = "order run " + rc.flow + " (request file)";
    j.label = "order run " + rc.flow + " #" + std::to_string(++n) + ": " + rc.pointer + " = " +
              text_escape(rc.value.size() > 40 ? rc.value.substr(0, 40) + "…" : rc.value);
    j.args = {"order", "run", rc.flow, "--request", "{request}", "--new-pin-file", "{pin}", "--pin-file", "{pin}", "@T"};
    j.exit = rc.exit;
    j.needle = rc.needle;
    j.request = request_text(rc);
    jobs.push_back(std::move(j));
  }
  return jobs;
}

Outcome run_job(Prepared& p, const Job& job, int index) {
  Outcome o;
  const auto t0 = std::chrono::steady_clock::now();
  struct Stopwatch {
    Outcome& o;
    std::chrono::steady_clock::time_point t0;
    ~Stopwatch() { o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
  } stopwatch{o, t0};
  std::vector<std::string> args = expand(job.args, p);
  if (job.request) {
    const fs::path req = write_file(p.files / ("case-" + std::to_string(index) + ".json"), *job.request);
    std::replace(args.begin(), args.end(), std::string("{request}"), req.string());
  }
  o.needle = substitute(job.needle, p);
  if (job.fresh) {
    const fs::path dir = p.tmp / ("fresh-" + std::to_string(index));
    o.r = p.cli(args, dir);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) o.changed = "a refused init left " + dir.string() + " behind";
    return o;
  }
  o.r = p.cli(args, p.work);
  o.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Snapshot after = snapshot(p.work);
  o.changed = difference(p.base, after);
  if (after.journal.size() != p.base.journal.size() || !o.changed.empty()) p.restore();
  return o;
}

// The corpus runs in a few prepared folders at once: a refusal after a login
// waits mostly on the journal's fsync, not on the CPU.
constexpr int kWorkers = 4;

struct Results {
  std::vector<Job> jobs = all_jobs();
  std::vector<Outcome> outcomes = std::vector<Outcome>(jobs.size());
  std::string setup_error;
  double seconds = 0;

  Results() {
    auto t0 = std::chrono::steady_clock::now();
    std::atomic<std::size_t> next{0};
    std::mutex m;
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w)
      workers.emplace_back([&] {
        try {
          Prepared p;
          write_case_files(p);
          for (std::size_t i; (i = next++) < jobs.size();) outcomes[i] = run_job(p, jobs[i], static_cast<int>(i));
        } catch (const std::exception& e) {
          std::lock_guard lock(m);
          setup_error += e.what() + std::string("; ");
        }
      });
    for (auto& t : workers) t.join();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};

Results& results() {
  static Results r;
  return r;
}

// The assertions of one row (on the test's thread: Boost.Test's checks are not thread-safe).
void check_outcome(const Job& job, const Outcome& o) {
  BOOST_TEST_CONTEXT(job.label) {
    const std::string& e = o.r.err;
    BOOST_TEST(!o.r.timed_out);
    BOOST_TEST(o.r.exit_code == job.exit, "exit " << o.r.exit_code << " (want " << job.exit << "): " << e);
    BOOST_TEST((!e.empty() && e.back() == '\n' && std::count(e.begin(), e.end(), '\n') == 1), "not one line: " << e);
    BOOST_TEST(!has_control(e), "control character in: " << text_escape(e));
    BOOST_TEST(has_chinese(e), "no Chinese in: " << e);
    BOOST_TEST(e.size() < 1200u, "long message: " << e.size() << " bytes");
    BOOST_TEST(e.find(o.needle) != std::string::npos, "'" << o.needle << "' not named in: " << e);
    BOOST_TEST(o.changed.empty(), "changed: " << o.changed);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(every_command_and_option) {
  Results& r = results();
  BOOST_REQUIRE_MESSAGE(r.setup_error.empty(), r.setup_error);
  for (std::size_t i = 0; i < r.jobs.size(); ++i)
    if (!r.jobs[i].request) check_outcome(r.jobs[i], r.outcomes[i]);
}

BOOST_AUTO_TEST_CASE(every_request_field) {
  Results& r = results();
  BOOST_REQUIRE_MESSAGE(r.setup_error.empty(), r.setup_error);
  for (std::size_t i = 0; i < r.jobs.size(); ++i)
    if (r.jobs[i].request) check_outcome(r.jobs[i], r.outcomes[i]);
}

// `check --json` prints its verdict on stdout: bytes that are not UTF-8 in the
// number must still give JSON (they made nlohmann throw: exit 1, "unexpected error").
BOOST_AUTO_TEST_CASE(check_json_on_bytes_that_are_not_utf8) {
  for (const char* kind : {"id", "uscc", "org-code"}) {
    BOOST_TEST_CONTEXT(kind) {
      RunResult r = run({bin("certdesk-cli").string(), "--json", "check", kind, "11\xFF\xC0\xAF" "05"}, zh(), "", 60);
      BOOST_TEST(r.exit_code == 4, r.err);
      BOOST_TEST(r.err.empty(), r.err);
      json j = json::parse(r.out);
      BOOST_TEST(!j.at("valid").get<bool>());
      BOOST_TEST(has_chinese(j.at("problem").get<std::string>()));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_corpus_is_large_enough_and_fast) {
  Results& r = results();
  std::map<std::string, std::pair<int, double>> per_command;
  double run_total = 0;
  for (std::size_t i = 0; i < r.jobs.size(); ++i) {
    ++per_command[r.jobs[i].command].first;
    per_command[r.jobs[i].command].second += r.outcomes[i].seconds;
    run_total += r.outcomes[i].run_seconds;
  }
  for (const auto& [command, n] : per_command)
    BOOST_TEST_MESSAGE(command << ": " << n.first << " cases, " << n.second << " s of runs");
  BOOST_TEST_MESSAGE("certdesk-cli itself: " << run_total << " s");
  BOOST_TEST_MESSAGE(r.jobs.size() << " cases in " << r.seconds << " s (" << kWorkers << " folders at once)");
  BOOST_TEST(r.jobs.size() >= 300u);
}

BOOST_AUTO_TEST_SUITE_END()
