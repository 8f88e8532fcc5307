// certdesk-cli: the counter without a window (SPEC §9). Same workflows as the
// GUI; scripts, tests and benchmarks use it. PINs and passwords only from files
// or the terminal. Exit: 0 done, 2 usage, 3 journal integrity, 4 refused by a
// rule or bad input, 5 token/module, 6 authentication/permission, 1 other.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/cli_day.h"
#include "app/context.h"
#include "app/documents.h"
#include "printing/amount_words.h"
#include "workflows/receipts.h"
#include "workflows/unlock_codes.h"
#include "app/prompts.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/money.h"
#include "common/text.h"
#include "db/repositories.h"
#include "workflows/flows.h"
#include "workflows/request.h"
#include "workflows/states.h"
#include "workflows/validators.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;

namespace {

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& m) : Error(ErrorKind::usage, codes::bad_request, m) {}
};

const char* kUsage = R"(usage: certdesk-cli [--data-dir DIR] [--json] COMMAND ...
  init --branch CODE --admin NAME --password-file F [--branch-name TEXT] [--module PATH]
  staff add NAME --role teller|supervisor|admin --password-file F --as NAME --as-password-file F
  token insert-blank [--serial DIGITS]
  token list
  order run FLOW --request FILE.json --as NAME --as-password-file F [--new-pin-file F] [--pin-file F]
                 [--approver NAME --approver-password-file F] [--no-handover]
  order list [--unfinished] | order resume ID | order rollback ID   (same login/PIN/approver options as order run)
  token suspend|found|lost SERIAL [--reason TEXT] --as NAME --as-password-file F
  journal verify
  check id|uscc|org-code VALUE
  crl --out FILE
  settings show | settings set KEY VALUE --as NAME --as-password-file F
  receipt show NO | receipt print NO [--pdf OUT] [--paper a5|a4|roll80] --as NAME --as-password-file F
  receipt void NO --reason TEXT --as SUPERVISOR --as-password-file F
  unlock-code issue SERIAL [--hours N] --as SUPERVISOR --as-password-file F
  unlock-code redeem SERIAL --code-file F --new-pin-file F --as NAME --as-password-file F
  money words AMOUNT                                   e.g. 1005.00 → 人民币壹仟零伍元整
DIR defaults to $CERTDESK_DATA_DIR, else ~/.local/share/certdesk. See docs/cli.md.
)";

// Options with a value, and flags. Anything else starting with -- is a usage error.
const std::set<std::string> kValued{"--data-dir", "--branch", "--branch-name", "--admin", "--password-file", "--module",
                                    "--role", "--as", "--as-password-file", "--serial", "--request", "--new-pin-file",
                                    "--pin-file", "--approver", "--approver-password-file", "--out", "--reason", "--pdf", "--paper", "--csv", "--token", "--hours", "--code-file"};
const std::set<std::string> kFlags{"--json", "--unfinished", "--no-handover", "--help"};

struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> opts;
  std::set<std::string> flags;

  bool has(const std::string& o) const { return opts.count(o) || flags.count(o); }
  std::string need(const std::string& o) const {
    auto it = opts.find(o);
    if (it == opts.end()) throw UsageError(fmt::format(fmt::runtime(tr("{} is required here.")), o));
    return it->second;
  }
  std::optional<fs::path> path(const std::string& o) const {
    auto it = opts.find(o);
    return it == opts.end() ? std::nullopt : std::optional<fs::path>(it->second);
  }
  std::optional<std::string> get(const std::string& o) const {
    auto it = opts.find(o);
    return it == opts.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::string word(std::size_t i, const char* what) const {
    if (i >= words.size()) throw UsageError(fmt::format(fmt::runtime(tr("Missing {}.")), what));
    return words[i];
  }
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0) {
      if (kFlags.count(s)) {
        a.flags.insert(s);
      } else if (kValued.count(s)) {
        if (i + 1 >= argc) throw UsageError(fmt::format(fmt::runtime(tr("{} needs a value.")), s));
        a.opts[s] = argv[++i];
      } else if (s == "--pin" || s == "--password" || s == "--so-pin") {
        throw UsageError(tr("PINs and passwords are never given on the command line; use a file option or the prompt."));
      } else {
        throw UsageError(fmt::format(fmt::runtime(tr("Unknown option {}.")), s));
      }
    } else {
      a.words.push_back(s);
    }
  }
  return a;
}

int exit_code(ErrorKind k) {
  switch (k) {
    case ErrorKind::usage: return 2;
    case ErrorKind::journal_integrity: return 3;
    case ErrorKind::input:
    case ErrorKind::rule: return 4;
    case ErrorKind::token: return 5;
    case ErrorKind::auth: return 6;
    case ErrorKind::other: return 1;
  }
  return 1;
}

void log_line(const fs::path& data_dir, const std::string& command, const std::string& code, const std::string& message) {
  std::error_code ec;
  if (!fs::is_directory(data_dir / "logs", ec)) return;
  std::ofstream f(data_dir / "logs" / "certdesk-cli.log", std::ios::app);
  f << text::iso_utc(SystemClock().now()) << " " << command << " " << code << " " << message << "\n";
}

struct Cli {
  Args args;
  fs::path data_dir;
  bool as_json = false;
  SystemClock clock;

  void out(const json& j, const std::string& plain) const {
    if (as_json)
      std::cout << j.dump(2) << "\n";
    else if (!plain.empty())
      std::cout << plain << (plain.back() == '\n' ? "" : "\n");
  }

  workflows::Actor login(app::AppContext& ctx, const char* name_opt = "--as", const char* file_opt = "--as-password-file") {
    std::string name = args.need(name_opt);
    Secret pw = args.get(file_opt) ? app::read_secret(args.need(file_opt), tr_noop("password"))
                                   : app::ask_secret(fmt::format(fmt::runtime(tr("Password of {}: ")), name)).value_or(Secret());
    if (pw.empty()) throw UsageError(fmt::format(fmt::runtime(tr("{} is required here.")), file_opt));
    return ctx.staff().login(name, pw);
  }

  int init() {
    app::InitOptions o;
    o.branch = args.need("--branch");
    o.branch_name = args.get("--branch-name").value_or("");
    o.admin = args.need("--admin");
    o.admin_password = app::read_secret(args.need("--password-file"), tr_noop("password"));
    o.module = args.get("--module").value_or("");
    app::init_data_dir(data_dir, o, clock);
    out({{"data_dir", data_dir.string()}, {"branch", o.branch}, {"admin", o.admin}},
        fmt::format(fmt::runtime(tr("Data folder ready: {} (branch {}, admin {}).")), data_dir.string(), o.branch, o.admin));
    return 0;
  }

  int staff_add() {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor by = login(ctx);
    std::string name = args.word(2, "the new person's name");
    workflows::Role role = workflows::role_from(args.need("--role"));
    Secret pw = app::read_secret(args.need("--password-file"), tr_noop("password"));
    workflows::Actor added = ctx.staff().add(by, name, role, pw);
    out({{"id", added.id}, {"name", added.name}, {"role", workflows::to_string(added.role)}},
        fmt::format(fmt::runtime(tr("Added {} as {}.")), added.name, tr(workflows::to_string(added.role))));
    return 0;
  }

  int token_insert_blank() {
    app::AppContext ctx(data_dir, clock);
    std::string serial = ctx.insert_blank_token(args.get("--serial").value_or(""));
    out({{"serial", serial}}, fmt::format(fmt::runtime(tr("A blank token with serial {} is inserted.")), serial));
    return 0;
  }

  // token suspend|found|lost SERIAL [--reason TEXT]
  int token_status(const std::string& what) {
    std::string serial = args.word(2, "the token serial");
    app::AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    workflows::TokenStatus status(ctx.services(), who);
    std::string reason = args.get("--reason").value_or("");
    if (what == "suspend") status.suspend(serial, reason);
    else if (what == "found") status.found(serial);
    else status.lost(serial, reason);
    auto rec = db::Tokens(ctx.db()).by_serial(serial);
    out({{"serial", serial}, {"state", rec ? rec->state : ""}},
        fmt::format(fmt::runtime(tr("Token {} is now {}.")), serial, rec ? rec->state : "?"));
    return 0;
  }

  static std::string pin_state(const workflows::TokenView& t) {
    if (!t.initialized) return "uninitialised";
    if (!t.user_pin_initialized) return "blank";
    // PKCS#11 reports only these thresholds, not a number of tries.
    if (t.pin_locked) return "locked";
    if (t.pin_final_try) return "final try";
    if (t.pin_count_low) return "few tries left";
    return "ok";
  }

  int token_list() {
    app::AppContext ctx(data_dir, clock);
    json arr = json::array();
    std::string plain;
    db::Tokens records(ctx.db());
    db::Certificates certs(ctx.db());
    for (const auto& t : ctx.tokens().list()) {
      if (t.label == app::kCaTokenLabel) continue;   // the CA's own token is not a customer's
      if (t.serial.empty()) continue;                // an empty reader slot (SoftHSM2's free slot)
      json j = {{"serial", t.serial}, {"label", t.label}, {"vendor", t.vendor}, {"manufacturer", t.manufacturer},
                {"pin_state", pin_state(t)}, {"min_pin", t.min_pin}, {"max_pin", t.max_pin}};
      auto rec = records.by_serial(t.serial);
      j["state"] = rec ? rec->state : (t.user_pin_initialized ? "unknown" : "blank");
      json cj = json::array();
      for (const auto& c : certs.on_token(t.serial))
        cj.push_back({{"serial", c.serial}, {"subject", c.subject}, {"not_after", text::iso_utc(Seconds(std::chrono::seconds(c.not_after)))},
                      {"status", c.status}});
      j["certificates"] = cj;
      arr.push_back(j);
      plain += fmt::format("{:<16} {:<10} {:<22} {:<8} PIN:{}\n", t.serial, t.vendor, t.label, j["state"].get<std::string>(),
                           pin_state(t));
      for (const auto& c : cj)
        plain += fmt::format("    cert {} {} until {}\n", c["serial"].get<std::string>(), c["status"].get<std::string>(),
                             c["not_after"].get<std::string>());
    }
    if (arr.empty()) plain = tr("No customer token is inserted.");
    out(arr, plain);
    return 0;
  }

  int order_run() {
    std::string flow_name = args.word(2, "the flow (issue, reissue, unlock, update, replace, cancel)");
    workflows::Flow flow = workflows::flow_from(flow_name);
    std::string request_text = [&] {
      std::string path = args.need("--request");
      std::ifstream f(path, std::ios::binary);
      if (!f)
        throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("Cannot read the request file {}.")), path));
      return std::string((std::istreambuf_iterator<char>(f)), {});
    }();
    workflows::ServiceRequest request = workflows::parse_request(request_text);
    request.flow = flow;

    return with_counter([&](workflows::Flows& flows, const workflows::Actor& teller) {
      return flows.run(teller, request, !args.has("--no-handover"));
    });
  }

  // Logs in, builds the counter with the terminal's prompts (PIN files,
  // --approver), runs `act`, archives a completed order's documents, prints.
  int with_counter(const std::function<workflows::OrderResult(workflows::Flows&, const workflows::Actor&)>& act) {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor teller = login(ctx);
    app::TerminalPinPrompt pins(args.path("--new-pin-file"), args.path("--pin-file"));
    app::TerminalApprovalPrompt approval(args.get("--approver").value_or(""), args.path("--approver-password-file"));
    app::TerminalProgress progress(as_json);
    workflows::Counter counter(ctx.services(), ctx.staff(), {pins, approval, progress});
    workflows::Flows flows(counter);
    workflows::OrderResult r = act(flows, teller);
    if (r.state == workflows::OrderState::completed) app::archive_order_documents(ctx, teller, r.order_id);
    return print_result(r);
  }

  // order resume ID / order rollback ID: the same prompts as order run.
  int order_recover(bool resume) {
    std::string id_text = args.word(2, "the order number");
    db::Id id = 0;
    try {
      id = std::stoll(id_text);
    } catch (const std::exception&) {
      throw UsageError(fmt::format(fmt::runtime(tr("'{}' is not an order number.")), id_text));
    }
    return with_counter([&](workflows::Flows& flows, const workflows::Actor& teller) {
      return resume ? flows.resume(teller, id, !args.has("--no-handover")) : flows.rollback(teller, id);
    });
  }

  int print_result(const workflows::OrderResult& r) {
    json j = {{"order_id", r.order_id},         {"state", workflows::to_string(r.state)},
              {"flow", r.flow},                 {"receipt_no", r.receipt_no},
              {"serial", r.cert_serial},        {"token_serial", r.token_serial},
              {"amount_fen", r.amount_fen},     {"waiting", r.waiting}};
    if (r.not_after) {
      j["not_before"] = text::iso_utc(Seconds(std::chrono::seconds(r.not_before)));
      j["not_after"] = text::iso_utc(Seconds(std::chrono::seconds(r.not_after)));
    }
    std::string plain =
        r.waiting ? fmt::format(fmt::runtime(tr("Order {} is waiting for the customer's PIN; resume it later.")), r.order_id)
                  : fmt::format(fmt::runtime(tr("Order {} ({}): {}. Receipt {}, certificate {} on token {}.")), r.order_id,
                                r.flow, workflows::to_string(r.state), r.receipt_no.empty() ? "-" : r.receipt_no,
                                r.cert_serial.empty() ? "-" : r.cert_serial, r.token_serial);
    if (!r.notes.empty() && !r.waiting) plain += "\n" + std::string(tr(r.notes.c_str()));
    j["notes"] = r.notes;
    out(j, plain);
    return r.waiting ? 4 : 0;
  }

  int order_list() {
    app::AppContext ctx(data_dir, clock);
    db::Orders orders(ctx.db());
    auto rows = args.has("--unfinished") ? orders.unfinished() : orders.recent(100);
    json arr = json::array();
    std::string plain;
    for (const auto& o : rows) {
      arr.push_back({{"order_id", o.id}, {"flow", o.flow}, {"state", o.state}, {"step", o.step},
                     {"token_serial", o.token_serial}, {"updated", o.updated_utc}});
      plain += fmt::format("{:>6} {:<8} {:<18} {:<24} {:<16} {}\n", o.id, o.flow, o.state, o.step, o.token_serial, o.updated_utc);
    }
    if (rows.empty()) plain = args.has("--unfinished") ? tr("No unfinished orders.") : tr("No orders.");
    out(arr, plain);
    return 0;
  }

  int journal_verify() {
    app::AppContext ctx(data_dir, clock);
    db::VerifyReport rep = ctx.journal().verify();
    json j = {{"ok", rep.ok}, {"checked", rep.checked}, {"head", ctx.journal().head().hash}};
    if (!rep.ok) {
      j["first_bad_seq"] = rep.first_bad_seq.value_or(0);
      j["problem"] = rep.problem;
      j["message"] = rep.message;
      if (as_json) std::cout << j.dump(2) << "\n";
      throw JournalIntegrityError(rep.message);
    }
    out(j, fmt::format(fmt::runtime(tr("The journal is intact: {} entries, head {}.")), rep.checked, ctx.journal().head().hash));
    return 0;
  }

  int check() {
    std::string kind = args.word(1, "what to check (id, uscc, org-code)");
    std::string value = args.word(2, "the value to check");
    std::string today = text::business_day(clock.now(), 480);
    workflows::CheckResult r;
    if (kind == "id") r = workflows::check_id_number(value, today);
    else if (kind == "uscc") r = workflows::check_uscc(value);
    else if (kind == "org-code") r = workflows::check_org_code(value);
    else throw UsageError(tr("check takes id, uscc or org-code."));
    json j = {{"valid", r.ok}, {"normalised", r.normalised}, {"problem", r.problem}, {"note", r.note}};
    if (as_json) {
      std::cout << j.dump(2) << "\n";
    } else if (r.ok) {
      std::cout << fmt::format(fmt::runtime(tr("valid: {}")), r.normalised) << (r.note.empty() ? "" : " (" + r.note + ")") << "\n";
    } else {
      std::cerr << fmt::format(fmt::runtime(tr("invalid: {}")), r.problem) << "\n";
    }
    return r.ok ? 0 : 4;
  }

  int crl() {
    app::AppContext ctx(data_dir, clock);
    fs::path outp = args.need("--out");
    ctx.ca().write_crl(outp, clock.now());
    out({{"crl", outp.string()}}, fmt::format(fmt::runtime(tr("CRL written to {}.")), outp.string()));
    return 0;
  }

  // Settings an admin may change; each change is journaled (SPEC §1).
  static const std::set<std::string>& editable_settings() {
    static const std::set<std::string> keys{"branch_name", "pkcs11_module", "key_algorithm", "paper", "renewal_opens_days_before",
                                            "renewal_closes_days_after", "utc_offset_minutes", "timezone"};
    return keys;
  }

  int settings_show() {
    app::AppContext ctx(data_dir, clock);
    db::Settings settings(ctx.db());
    json j = json::object();
    std::string plain;
    for (const auto& k : std::set<std::string>{"branch", "branch_name", "pkcs11_module", "key_algorithm", "paper", "cert_days",
                                               "renewal_opens_days_before", "renewal_closes_days_after",
                                               "utc_offset_minutes", "timezone"}) {
      std::string v = settings.get_or(k, "");
      j[k] = v;
      plain += fmt::format("{:<28} {}\n", k, v);
    }
    out(j, plain);
    return 0;
  }

  int settings_set() {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor by = login(ctx);
    workflows::require(by, workflows::Permission::edit_settings);
    std::string key = args.word(2, "the setting's name");
    std::string value = text::checked(key, args.word(3, "the new value"), 200);
    if (!editable_settings().count(key))
      throw InputError(codes::bad_request, fmt::format(fmt::runtime(tr("'{}' is not a setting an admin can change.")), key));
    if (key == "key_algorithm" && value != "ec_p256" && value != "rsa_2048")
      throw InputError(codes::bad_request, tr("key_algorithm is ec_p256 or rsa_2048."));
    if (key == "paper") printing::parse_paper(value);   // a5 | a4 | roll80, else InputError
    db::Settings settings(ctx.db());
    std::string old = settings.get_or(key, "");
    db::Transaction tx(ctx.db());
    settings.set(key, value);
    ctx.journal().append({.staff = by.name, .action = "setting.changed", .details = fmt::format("{}: {} → {}", key, old, value)},
                         clock.now());
    tx.commit();
    out({{key, value}}, fmt::format(fmt::runtime(tr("{} is now {}.")), key, value));
    return 0;
  }

  int receipt_show() {
    app::AppContext ctx(data_dir, clock);
    printing::ReceiptData r = app::receipt_data(ctx, args.word(2, "the receipt number"));
    json j = {{"receipt_no", r.receipt_no}, {"payer", r.payer},           {"total_fen", r.total_fen},
              {"amount_in_words", printing::amount_in_words(r.total_fen)}, {"method", r.payment_method},
              {"teller", r.teller}, {"issued_at", r.issued_at},          {"order_no", r.order_no},
              {"journal_hash", r.journal_hash}, {"status", r.voided ? "voided" : "issued"},
              {"void_reason", r.void_reason}, {"invoice_no", r.invoice_no.value_or("")}};
    std::string plain = fmt::format("{}  {}\n{}  ¥{}  {}\n{} {}  {}\n", r.receipt_no, r.voided ? "作废 " + r.void_reason : "",
                                    r.payer, printing::format_fen(r.total_fen), printing::amount_in_words(r.total_fen),
                                    r.payment_method, r.teller, r.issued_at);
    out(j, plain);
    return 0;
  }

  int receipt_print() {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    std::optional<printing::Paper> paper;
    if (auto p = args.get("--paper")) paper = printing::parse_paper(*p);
    fs::path path = app::print_receipt(ctx, who, args.word(2, "the receipt number"), args.path("--pdf").value_or(fs::path()), paper);
    out({{"pdf", path.string()}}, fmt::format(fmt::runtime(tr("Receipt written to {}.")), path.string()));
    return 0;
  }

  int receipt_void() {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    std::string no = args.word(2, "the receipt number");
    workflows::Receipts(ctx.services()).void_receipt(who, no, args.need("--reason"));
    fs::path path = app::print_receipt(ctx, who, no);
    out({{"receipt_no", no}, {"status", "voided"}, {"pdf", path.string()}},
        fmt::format(fmt::runtime(tr("Receipt {} is void; it keeps its number. Archived copy: {}.")), no, path.string()));
    return 0;
  }

  // Remote unlock (SPEC §2): the code is printed once, for the customer; only its hash is kept.
  int unlock_code_issue() {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    int hours = 24;
    if (auto h = args.get("--hours")) {
      try {
        hours = std::stoi(*h);
      } catch (const std::exception&) {
        throw UsageError(tr("--hours takes a whole number of hours."));
      }
    }
    app::TerminalPinPrompt none(std::nullopt, std::nullopt);
    workflows::IssuedCode c =
        workflows::UnlockCodeService(ctx.services(), none).issue(who, args.word(2, "the token serial"), hours);
    out({{"code", c.code}, {"token_serial", c.token_serial}, {"expires", c.expires_utc}},
        fmt::format(fmt::runtime(tr("Authorisation code for token {}: {} (single use, valid until {}).")), c.token_serial,
                    c.code, c.expires_utc));
    return 0;
  }

  int unlock_code_redeem() {
    app::AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    Secret code = app::read_secret(args.need("--code-file"), tr_noop("authorisation code"));
    app::TerminalPinPrompt pins(args.path("--new-pin-file"), std::nullopt);
    std::string serial = args.word(2, "the token serial");
    workflows::UnlockCodeService(ctx.services(), pins).redeem(who, serial, code);
    out({{"token_serial", serial}, {"unlocked", true}},
        fmt::format(fmt::runtime(tr("Token {} is unlocked with the customer's new PIN.")), serial));
    return 0;
  }

  int money_words() {
    std::int64_t fen = money::parse_yuan(args.word(2, "an amount in yuan, e.g. 1005.00"));
    std::string words = printing::amount_in_words(fen);
    out({{"fen", fen}, {"words", words}}, words);
    return 0;
  }

  int dispatch() {
    std::string cmd = args.word(0, "a command");
    std::string sub = args.words.size() > 1 ? args.words[1] : "";
    if (cmd == "init") return init();
    if (cmd == "staff" && sub == "add") return staff_add();
    if (cmd == "token" && sub == "insert-blank") return token_insert_blank();
    if (cmd == "token" && sub == "list") return token_list();
    if (cmd == "order" && sub == "run") return order_run();
    if (cmd == "order" && sub == "list") return order_list();
    if (cmd == "order" && sub == "resume") return order_recover(true);
    if (cmd == "order" && sub == "rollback") return order_recover(false);
    if (cmd == "token" && (sub == "suspend" || sub == "found" || sub == "lost")) return token_status(sub);
    if (cmd == "journal" && sub == "verify") return journal_verify();
    if (cmd == "check") return check();
    if (cmd == "crl") return crl();
    if (cmd == "settings" && sub == "show") return settings_show();
    if (cmd == "receipt" && sub == "show") return receipt_show();
    if (cmd == "receipt" && sub == "print") return receipt_print();
    if (cmd == "receipt" && sub == "void") return receipt_void();
    if (cmd == "money" && sub == "words") return money_words();
    if (cmd == "unlock-code" && sub == "issue") return unlock_code_issue();
    if (cmd == "unlock-code" && sub == "redeem") return unlock_code_redeem();
    if (cmd == "settings" && sub == "set") return settings_set();
    if (cmd == "day" || (cmd == "staff" && sub == "enroll-token"))
      return app::run_day_cli(args.words, args.opts, as_json, data_dir);
    throw UsageError(fmt::format(fmt::runtime(tr("Unknown command '{}'.")), cmd + (sub.empty() ? "" : " " + sub)));
  }
};

}  // namespace

int main(int argc, char** argv) {
  init_language();
  Cli cli;
  std::string command = argc > 1 ? argv[1] : "";
  try {
    cli.args = parse(argc, argv);
    if (cli.args.has("--help") || cli.args.words.empty()) {
      std::fputs(kUsage, cli.args.has("--help") ? stdout : stderr);
      return cli.args.has("--help") ? 0 : 2;
    }
    command = cli.args.words[0] + (cli.args.words.size() > 1 ? " " + cli.args.words[1] : "");
    cli.as_json = cli.args.has("--json");
    cli.data_dir = cli.args.get("--data-dir").value_or(app::default_data_dir().string());
    int rc = cli.dispatch();
    log_line(cli.data_dir, command, codes::ok, "done");
    return rc;
  } catch (const Error& e) {
    std::cerr << "certdesk-cli: " << e.what() << " [" << e.code() << "]\n";
    if (e.kind() == ErrorKind::usage) std::cerr << kUsage;
    log_line(cli.data_dir, command, e.code(), e.what());
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "certdesk-cli: " << tr("unexpected error: ") << e.what() << "\n";
    log_line(cli.data_dir, command, "1", e.what());
    return 1;
  }
}
