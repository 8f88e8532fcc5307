// certdesk-cli: the counter without a window (SPEC §9), a thin adapter over the
// desk (desk/desk.h): each subcommand parses its options (CLI11), calls one desk
// function and prints the result. Scripts, tests and benchmarks use it. PINs
// and passwords only from files or the terminal. Exit: 0 done, 2 usage, 3
// journal integrity, 4 refused by a rule or bad input, 5 token/module, 6
// authentication/permission, 1 other.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "app/cli_options.h"
#include "app/prompts.h"
#include "common/error.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "common/money.h"
#include "common/text.h"
#include "desk/desk.h"
#include "pki/module.h"
#include "pki/softhsm.h"
#include "printing/amount_words.h"
#include "printing/layout.h"
#include "workflows/request.h"
#include "workflows/settings.h"
#include "workflows/states.h"
#include "workflows/validators.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace certdesk;
using certdesk::app::CliOptions;
using certdesk::app::add_command;
using certdesk::app::add_flag;
using certdesk::app::add_value;
using certdesk::app::add_login;
using certdesk::app::translated_help;

namespace {

class UsageError : public Error {
 public:
  explicit UsageError(const std::string& m) : Error(ErrorKind::usage, codes::bad_request, m) {}
};

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

// A bad value stored by an older version never stops a command (issue 13.6):
// each is named on stderr, one line, with the command that fixes it. Reads the
// database read-only; a folder that cannot be opened is left to the command.
void warn_about_settings(const fs::path& data_dir) {
  std::error_code ec;
  const fs::path file = desk::DataPaths{data_dir}.database();
  if (!fs::is_regular_file(file, ec)) return;
  try {
    db::Database conn = db::Database::open_readonly(file);
    for (const std::string& problem : workflows::load_counter_config(conn).problems)
      std::cerr << "certdesk-cli: " << problem << "\n";
  } catch (const Error&) {
  }
}

struct Cli {
  CliOptions& o;
  int demo_days = 0;   // token insert-demo --expires-in-days

  // The branch's settings when the data folder has a database (the UTC offset
  // of `check`), else the defaults: `check` works without a data folder.
  workflows::CounterConfig branch_config() const {
    std::error_code ec;
    if (!fs::exists(desk::DataPaths{o.data_dir}.database(), ec)) return {};
    desk::AppContext ctx(o.data_dir, o.clock);
    return ctx.config();
  }
  void out(const json& j, const std::string& plain) const { o.print(j, plain); }
  workflows::Actor login(desk::Desk& desk) const { return o.login(desk); }

  int init() {
    desk::InitOptions init;
    init.branch = o.branch;
    init.branch_name = o.branch_name;
    if (!o.workstation.empty()) init.workstation = o.workstation;
    init.admin = o.admin;
    init.admin_password = app::read_secret(o.password_file, tr_noop("password"));
    init.module = o.module;
    desk::init_data_dir(o.data_dir, init, o.clock);
    out({{"data_dir", o.data_dir}, {"branch", init.branch}, {"workstation", init.workstation}, {"admin", init.admin}},
        fmt::format(fmt::runtime(tr("Data folder ready: {} (branch {}, workstation {}, admin {}).")), o.data_dir,
                    init.branch, init.workstation, init.admin));
    return 0;
  }

  int staff_add() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    const std::string& name = o.name;
    workflows::Role role = workflows::role_from(o.role);
    Secret pw = app::read_secret(o.password_file, tr_noop("password"));
    workflows::Actor added = desk.add_staff(by, name, role, pw);
    out({{"id", added.id}, {"name", added.name}, {"role", workflows::to_string(added.role)}},
        fmt::format(fmt::runtime(tr("Added {} as {}.")), added.name, tr(workflows::to_string(added.role))));
    return 0;
  }

  // staff list: every account with its role, state and lockout (an admin).
  int staff_list() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    json arr = json::array();
    std::string plain;
    for (const auto& s : desk.list_staff(by)) {
      arr.push_back({{"id", s.id}, {"name", s.name}, {"display_name", s.display_name}, {"role", workflows::to_string(s.role)},
                     {"active", s.active}, {"failed_logins", s.failed_logins}, {"locked_until", s.locked_until}});
      plain += fmt::format("{:<20} {:<16} {:<12} {:<10} {}\n", s.name, s.display_name, tr(workflows::to_string(s.role)),
                           s.active ? tr("active") : tr("disabled"),
                           s.locked_until.empty() ? std::string() : msg(tr("locked until {} (UTC)"), s.locked_until));
    }
    out(arr, plain);
    return 0;
  }

  // staff disable NAME / staff enable NAME (an admin; journaled).
  int staff_enable(bool enabled) {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    desk.set_staff_enabled(by, o.name, enabled);
    out({{"name", o.name}, {"active", enabled}},
        enabled ? msg(tr("The account {} is enabled."), o.name) : msg(tr("The account {} is disabled."), o.name));
    return 0;
  }

  // staff password: --as NAME changes their own password; the old one is
  // --as-password-file (or the prompt), the new one --new-password-file.
  int staff_password() {
    Secret fresh = app::read_secret(o.new_password_file, tr_noop("new password"));
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    Secret old = o.as_password();
    workflows::Actor who = desk.login(o.as, old);
    desk.change_own_password(who, old, fresh);
    out({{"name", who.name}, {"password_changed", true}}, msg(tr("The password of {} is changed."), who.name));
    return 0;
  }

  // staff reset-password NAME --new-password-file F (an admin; also lifts a lockout).
  int staff_reset_password() {
    Secret fresh = app::read_secret(o.new_password_file, tr_noop("new password"));
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    desk.reset_password(by, o.name, fresh);
    out({{"name", o.name}, {"password_reset", true}},
        msg(tr("{} has a new password; tell them in person and ask them to change it with certdesk-cli staff password."),
            o.name));
    return 0;
  }

  // staff unlock NAME (an admin; journaled).
  int staff_unlock() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    desk.unlock_staff(by, o.name);
    out({{"name", o.name}, {"unlocked", true}}, msg(tr("The account {} is unlocked."), o.name));
    return 0;
  }

  // staff rename NAME --display-name TEXT (an admin): the name printed as payee.
  int staff_rename() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    desk.set_display_name(by, o.name, o.display_name);
    out({{"name", o.name}, {"display_name", o.display_name}},
        msg(tr("{} is shown as {}."), o.name, o.display_name.empty() ? o.name : o.display_name));
    return 0;
  }

  int token_insert_blank() {
    desk::AppContext ctx(o.data_dir, o.clock);
    std::string serial = desk::Desk(ctx).insert_blank_token(o.serial);
    out({{"serial", serial}}, fmt::format(fmt::runtime(tr("A blank token with serial {} is inserted.")), serial));
    return 0;
  }

  // token insert-demo --expires-in-days N --request FILE: a blank demo key (the request's
  // token serial), issued at once by the local CA through a real issue order whose
  // certificate expires in N days, so a trainer reaches the update flow without faking the clock.
  int token_insert_demo() {
    workflows::ServiceRequest request = workflows::parse_request(workflows::read_request_file(o.request));
    request.flow = workflows::Flow::issue;
    return with_counter(
        [&](desk::Desk& desk, const workflows::Actor& teller, workflows::Prompts prompts) {
          request.token_serial = desk.insert_blank_token(request.token_serial);
          return desk.run_order(teller, request, prompts, true);
        },
        [&](desk::AppContext& ctx) { ctx.demo_certificates_valid_for(demo_days); },
        false);   // the blank token is made after the login: no module loaded before it
  }

  // token suspend|found|lost SERIAL [--reason TEXT]
  int token_status(const std::string& what) {
    const std::string& serial = o.serial;
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    const desk::TokenReport report = what == "suspend" ? desk::TokenReport::suspend
                                     : what == "found" ? desk::TokenReport::found
                                                       : desk::TokenReport::lost;
    std::string state = desk.report_token(who, report, serial, o.reason);
    out({{"serial", serial}, {"state", state}},
        fmt::format(fmt::runtime(tr("Token {} is now {}.")), serial, state.empty() ? "?" : tr_ctx("state", state.c_str())));
    return 0;
  }

  // The JSON's word (kept in English for scripts); tr_ctx("pin", …) for a person.
  static const char* pin_state(const workflows::TokenView& t) {
    if (!t.initialized) return tr_noop_ctx("pin", "uninitialised");
    if (!t.user_pin_initialized) return tr_noop_ctx("pin", "blank");
    // PKCS#11 reports only these thresholds, not a number of tries.
    if (t.pin_locked) return tr_noop_ctx("pin", "locked");
    if (t.pin_final_try) return tr_noop_ctx("pin", "final try");
    if (t.pin_count_low) return tr_noop_ctx("pin", "few tries left");
    return tr_noop_ctx("pin", "ok");
  }

  int token_list() {
    desk::AppContext ctx(o.data_dir, o.clock);
    json arr = json::array();
    std::string plain;
    for (const auto& row : desk::Desk(ctx).tokens()) {
      const workflows::TokenView& t = row.token;
      json j = {{"serial", t.serial}, {"label", t.label}, {"vendor", t.vendor}, {"manufacturer", t.manufacturer},
                {"pin_state", pin_state(t)}, {"min_pin", t.min_pin}, {"max_pin", t.max_pin}};
      j["state"] = row.record ? row.record->state : (t.user_pin_initialized ? "unknown" : "blank");
      json cj = json::array();
      for (const auto& c : row.certificates)
        cj.push_back({{"serial", c.serial}, {"subject", c.subject}, {"not_after", text::iso_utc(Seconds(std::chrono::seconds(c.not_after)))},
                      {"status", c.status}});
      j["certificates"] = cj;
      arr.push_back(j);
      const std::string record_state = j["state"].get<std::string>();
      plain += fmt::format("{:<16} {:<10} {:<22} {:<8} PIN:{}\n", t.serial, t.vendor, t.label,
                           tr_ctx("state", record_state.c_str()), tr_ctx("pin", pin_state(t)));
      for (const auto& c : row.certificates)
        plain += "    " + (c.status == "revoked"
                                 ? msg(tr("certificate {} (revoked), was valid until {}"), c.serial, desk::local_time(c.not_after, ctx.config()))
                                 : msg(tr("certificate {} ({}), valid until {}"), c.serial, tr_ctx("state", c.status.c_str()),
                                       desk::local_time(c.not_after, ctx.config()))) + "\n";
    }
    if (arr.empty()) plain = tr("No customer token is inserted.");
    out(arr, plain);
    return 0;
  }

  int order_run() {
    workflows::Flow flow = workflows::flow_from(o.flow);
    workflows::ServiceRequest request = workflows::parse_request(workflows::read_request_file(o.request));
    request.flow = flow;

    return with_counter([&](desk::Desk& desk, const workflows::Actor& teller, workflows::Prompts prompts) {
      return desk.run_order(teller, request, prompts, !o.no_handover);
    });
  }

  static std::shared_future<std::shared_ptr<pki::Module>> preload_module(desk::AppContext& ctx) {
    const std::string path = ctx.module_path();   // the settings, read on this thread
    pki::softhsm::use_store(ctx.paths().softhsm());   // done again by the flow: same values
    return std::async(std::launch::async, [path]() -> std::shared_ptr<pki::Module> {
      try {
        return pki::Module::load(path);
      } catch (const Error&) {
        return nullptr;
      }
    }).share();
  }

  // Logs in, gathers the terminal's prompts (PIN files, --approver), calls the
  // one desk function `act` (which archives a completed order's papers), prints.
  int with_counter(const std::function<desk::OrderOutcome(desk::Desk&, const workflows::Actor&, workflows::Prompts)>& act,
                   const std::function<void(desk::AppContext&)>& prepare = {}, bool preload = true) {
    desk::AppContext ctx(o.data_dir, o.clock);
    if (prepare) prepare(ctx);
    desk::Desk desk(ctx);
    // Loading the token module (dlopen, C_Initialize: SoftHSM2 reads its store) writes
    // nothing and needs no secret, so it runs on a worker while the password is checked
    // (scrypt, ≈ 100 ms; issue 14.8). The flow finds it loaded (one Module per library,
    // pki/module.h) and opens no session before the login succeeded. A failed load is
    // left to the flow, which loads again and reports it.
    std::shared_future<std::shared_ptr<pki::Module>> module;
    if (preload) module = preload_module(ctx);
    workflows::Actor teller = login(desk);
    const std::shared_ptr<pki::Module> loaded = module.valid() ? module.get() : nullptr;   // alive until the flow has it
    app::TerminalPinPrompt pins(o.path(o.new_pin_file), o.path(o.pin_file));
    app::TerminalApprovalPrompt approval(o.approver, o.path(o.approver_password_file));
    app::TerminalProgress progress(o.as_json);
    return print_result(act(desk, teller, {pins, approval, progress}).result);
  }

  // order resume ID / order rollback ID: the same prompts as order run.
  int order_recover(bool resume) {
    const db::Id id = o.order_id;
    return with_counter([&](desk::Desk& desk, const workflows::Actor& teller, workflows::Prompts prompts) {
      return resume ? desk.resume_order(teller, id, prompts, !o.no_handover)
                    : desk.roll_back_order(teller, id, prompts);
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
    j["notes"] = r.notes.empty() ? std::string() : std::string(tr(r.notes.c_str()));
    out(j, plain);
    return r.waiting ? 4 : 0;
  }

  int order_list() {
    desk::AppContext ctx(o.data_dir, o.clock);
    auto rows = desk::Desk(ctx).orders(o.unfinished);
    json arr = json::array();
    std::string plain;
    for (const auto& o : rows) {
      arr.push_back({{"order_id", o.id}, {"flow", o.flow}, {"state", o.state}, {"step", o.step},
                     {"token_serial", o.token_serial}, {"updated", o.updated_utc}});
      plain += fmt::format("{:>6} {:<8} {:<18} {:<24} {:<16} {}\n", o.id, o.flow, o.state, o.step, o.token_serial, o.updated_utc);
    }
    if (rows.empty()) plain = o.unfinished ? tr("No unfinished orders.") : tr("No orders.");
    out(arr, plain);
    return 0;
  }

  int journal_verify() {
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});   // writes nothing: runs on a read-only copy
    desk::JournalCheck check = desk::Desk(ctx).verify_journal();
    const db::VerifyReport& rep = check.report;
    json j = {{"ok", check.ok()}, {"checked", rep.checked}, {"head", check.head_hash},
              {"receipts_checked", check.receipts.checked}};
    json bad_receipts = json::array();
    for (const auto& p : check.receipts.problems)
      bad_receipts.push_back({{"receipt_no", p.receipt_no}, {"seq", p.seq ? json(*p.seq) : json(nullptr)},
                              {"problem", p.problem}, {"message", p.message}});
    j["receipt_problems"] = bad_receipts;
    if (!check.ok()) {
      if (!rep.ok) {
        j["first_bad_seq"] = rep.first_bad_seq.value_or(0);
        j["problem"] = rep.problem;
      }
      j["message"] = check.message();
      if (o.as_json) std::cout << j.dump(2) << "\n";
      std::string all = check.message();
      if (rep.ok && check.receipts.problems.size() > 1)
        all += " " + fmt::format(fmt::runtime(tr("({} receipt problems in all; --json lists them)")), check.receipts.problems.size());
      throw JournalIntegrityError(all);
    }
    out(j, fmt::format(fmt::runtime(tr("The journal is intact: {} entries, head {}; {} receipts match their entries.")),
                       rep.checked, check.head_hash, check.receipts.checked));
    return 0;
  }

  int check() {
    const std::string& kind = o.kind;
    const std::string& value = o.value;
    std::string today = desk::business_day(o.clock.now(), branch_config());
    workflows::CheckResult r;
    if (kind == "id") r = workflows::check_id_number(value, today);
    else if (kind == "uscc") r = workflows::check_uscc(value);
    else if (kind == "org-code") r = workflows::check_org_code(value);
    else throw UsageError(tr("check takes id, uscc or org-code."));
    json j = {{"valid", r.ok}, {"normalised", r.normalised}, {"problem", r.problem}, {"note", r.note}};
    if (o.as_json) {
      std::cout << j.dump(2) << "\n";
    } else if (r.ok) {
      std::cout << fmt::format(fmt::runtime(tr("valid: {}")), r.normalised) << (r.note.empty() ? "" : " (" + r.note + ")") << "\n";
    } else {
      std::cerr << fmt::format(fmt::runtime(tr("invalid: {}")), r.problem) << "\n";
    }
    return r.ok ? 0 : 4;
  }

  // Writing a file needs a login (issue 13.2).
  int crl() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    fs::path outp = desk.write_crl(who, o.out);
    out({{"crl", outp.string()}}, fmt::format(fmt::runtime(tr("CRL written to {}.")), outp.string()));
    return 0;
  }

  int settings_show() {
    desk::AppContext ctx(o.data_dir, o.clock);
    json j = json::object();
    std::string plain;
    for (const auto& [k, v] : desk::Desk(ctx).settings()) {
      j[k] = v;
      plain += fmt::format("{:<28} {}\n", k, v);
    }
    out(j, plain);
    return 0;
  }

  int settings_set() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor by = login(desk);
    const std::string& key = o.key;
    const std::string& value = o.value;
    desk.set_setting(by, key, value);
    out({{key, value}}, fmt::format(fmt::runtime(tr("{} is now {}.")), key, value));
    return 0;
  }

  int receipt_show() {
    desk::AppContext ctx(o.data_dir, o.clock);
    printing::ReceiptData r = desk::Desk(ctx).receipt(o.receipt_no);
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

  // A QR text scanned from paper against the record: exit 0 match, 3 mismatch or voided.
  int receipt_check() {
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});   // writes nothing
    db::ReceiptQrCheck c = desk::Desk(ctx).check_receipt_qr(o.value);
    const char* verdict = c.verdict == db::ReceiptQrCheck::Verdict::match    ? "match"
                          : c.verdict == db::ReceiptQrCheck::Verdict::voided ? "voided"
                                                                             : "mismatch";
    json j = {{"receipt_no", c.receipt_no}, {"order_no", c.order_no}, {"hash", c.hash},
              {"seq", c.seq ? json(*c.seq) : json(nullptr)}, {"verdict", verdict}, {"message", c.message}};
    if (c.verdict != db::ReceiptQrCheck::Verdict::match) {
      if (o.as_json) std::cout << j.dump(2) << "\n";
      throw JournalIntegrityError(c.message);
    }
    out(j, c.message);
    return 0;
  }

  int receipt_print() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    if (!o.printer.empty()) {   // archived, sent, followed, journaled once (desk/printing_desk.h)
      desk::PaperPrinted p = desk.print_receipt_to(who, o.receipt_no, o.printer);
      json j = {{"receipt_no", p.number}, {"printer", p.result.printer}, {"job_id", p.result.job_id},
                {"outcome", printing::outcome_name(p.result.outcome)}, {"reprint", p.reprint}, {"pdf", p.pdf.string()}};
      if (!p.ok()) {
        if (o.as_json) out(j, "");
        std::cerr << p.message << "\n";
        return 1;
      }
      out(j, p.message);
      return 0;
    }
    std::optional<printing::Paper> paper;
    if (!o.paper.empty()) paper = printing::parse_paper(o.paper);
    fs::path path = desk.print_receipt(who, o.receipt_no, o.pdf, paper);
    out({{"pdf", path.string()}}, fmt::format(fmt::runtime(tr("Receipt written to {}.")), path.string()));
    return 0;
  }

  int receipt_void() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    const std::string& no = o.receipt_no;
    fs::path path = desk.void_receipt(who, no, o.reason);
    out({{"receipt_no", no}, {"status", "voided"}, {"pdf", path.string()}},
        fmt::format(fmt::runtime(tr("Receipt {} is void; it keeps its number. Archived copy: {}.")), no, path.string()));
    return 0;
  }

  // Remote unlock (SPEC §2): the code is printed once, for the customer; only its hash is kept.
  int unlock_code_issue() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    workflows::IssuedCode c = desk.issue_unlock_code(who, o.serial, o.hours);
    out({{"code", c.code}, {"token_serial", c.token_serial}, {"expires", c.expires_utc}},
        fmt::format(fmt::runtime(tr("Authorisation code for token {}: {} (single use, valid until {}).")), c.token_serial,
                    c.code, desk::local_time(text::parse_iso_utc(c.expires_utc).time_since_epoch().count(), ctx.config())));
    return 0;
  }

  int unlock_code_redeem() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    Secret code = app::read_secret(o.code_file, tr_noop("authorisation code"));
    app::TerminalPinPrompt pins(o.path(o.new_pin_file), std::nullopt);
    const std::string& serial = o.serial;
    desk.redeem_unlock_code(who, serial, code, pins);
    out({{"token_serial", serial}, {"unlocked", true}},
        fmt::format(fmt::runtime(tr("Token {} is unlocked with the customer's new PIN.")), serial));
    return 0;
  }

  int money_words() {
    std::int64_t fen = money::parse_yuan(o.amount);
    std::string words = printing::amount_in_words(fen);
    out({{"fen", fen}, {"words", words}}, words);
    return 0;
  }

};

// The words a person types, each with its own --help.
void add_commands(CLI::App& app, CliOptions& o, std::function<int()>& chosen) {
  auto cli = std::make_shared<Cli>(Cli{o});
  auto run = [cli](int (Cli::*f)()) { return [cli, f] { return ((*cli).*f)(); }; };
  auto counter_prompts = [&o](CLI::App* c) {
    add_value(*c, "--new-pin-file", o.new_pin_file, "the PIN the customer chooses (else the prompt)");
    add_value(*c, "--pin-file", o.pin_file, "the customer's current PIN (else the prompt)");
    add_value(*c, "--approver", o.approver, "the supervisor who approves an override, a waiver or a refund");
    add_value(*c, "--approver-password-file", o.approver_password_file, "the approver's password (else the prompt)");
  };

  CLI::App* c = add_command(app, "init", "A new data folder: database, SoftHSM2 token store, local CA, the first admin.",
                            run(&Cli::init), chosen);
  add_value(*c, "--branch", o.branch, "the branch code, e.g. BJ01")->required();
  add_value(*c, "--branch-name", o.branch_name, "the branch's name, printed on receipts");
  add_value(*c, "--workstation", o.workstation, "this counter's code in the hall, e.g. W01 (the default)");
  add_value(*c, "--admin", o.admin, "the first admin's name")->required();
  add_value(*c, "--password-file", o.password_file, "the first admin's password")->required();
  add_value(*c, "--module", o.module, "the PKCS#11 module for customer tokens (default SoftHSM2)");

  CLI::App* staff = app.add_subcommand("staff", "Staff: add, list, disable/enable, passwords, unlock, rename; enroll a supervisor's signing token.");
  staff->require_subcommand(1);
  c = add_command(*staff, "add", "An admin adds a person.", run(&Cli::staff_add), chosen);
  c->add_option("NAME", o.name, "the new person's name")->required();
  add_value(*c, "--role", o.role, "teller | supervisor | admin")->required();
  add_value(*c, "--password-file", o.password_file, "the new person's password")->required();
  add_login(*c, o);
  c = add_command(*staff, "list", "An admin lists every account: role, active, wrong passwords, lockout.",
                  run(&Cli::staff_list), chosen);
  add_login(*c, o);
  for (bool enable : {false, true}) {
    c = add_command(*staff, enable ? "enable" : "disable",
                    enable ? "An admin enables an account again." : "An admin disables an account (it cannot log in).",
                    [cli, enable] { return cli->staff_enable(enable); }, chosen);
    c->add_option("NAME", o.name, "the account")->required();
    add_login(*c, o);
  }
  c = add_command(*staff, "password", "Change your own password (--as you, the old one from --as-password-file).",
                  run(&Cli::staff_password), chosen);
  add_value(*c, "--new-password-file", o.new_password_file, "the new password")->required();
  add_login(*c, o);
  c = add_command(*staff, "reset-password", "An admin sets a new password for someone (and lifts a lockout).",
                  run(&Cli::staff_reset_password), chosen);
  c->add_option("NAME", o.name, "the account")->required();
  add_value(*c, "--new-password-file", o.new_password_file, "the new password")->required();
  add_login(*c, o);
  c = add_command(*staff, "unlock", "An admin lifts a lockout after wrong passwords (journaled).", run(&Cli::staff_unlock),
                  chosen);
  c->add_option("NAME", o.name, "the account")->required();
  add_login(*c, o);
  c = add_command(*staff, "rename", "An admin sets the name printed as payee (empty: the login name).",
                  run(&Cli::staff_rename), chosen);
  c->add_option("NAME", o.name, "the account")->required();
  add_value(*c, "--display-name", o.display_name, "the name shown")->required();
  add_login(*c, o);

  CLI::App* token = app.add_subcommand("token", "Customer tokens: list, insert a blank one (demo), report one.");
  token->require_subcommand(1);
  c = add_command(*token, "insert-blank", "Demo: a new factory-blank SoftHSM2 token.", run(&Cli::token_insert_blank), chosen);
  add_value(*c, "--serial", o.serial, "its serial (digits); a new one when not given");
  c = add_command(*token, "insert-demo",
                  "Demo: a blank token issued at once by the local CA (an issue order), its certificate expiring in N days.",
                  run(&Cli::token_insert_demo), chosen);
  c->add_option("--expires-in-days", cli->demo_days, "days until the certificate expires (1-3650)")->required();
  add_value(*c, "--request", o.request, "the issue request file (JSON, docs/cli.md); its token_serial is the new key's")->required();
  counter_prompts(c);
  add_login(*c, o);
  add_command(*token, "list", "Slots, tokens (serial, label, vendor, PIN state), certificates.", run(&Cli::token_list),
              chosen);
  for (const char* what : {"suspend", "found", "lost"}) {
    c = add_command(*token, what,
                    std::string(what) == "suspend" ? tr_noop("Reported temporarily lost: suspended.")
                    : std::string(what) == "found" ? tr_noop("Found again: active.")
                                                   : tr_noop("Confirmed lost (a reissue follows)."),
                    [cli, w = std::string(what)] { return cli->token_status(w); }, chosen);
    c->add_option("SERIAL", o.serial, "the token's serial")->required();
    add_value(*c, "--reason", o.reason, "what the customer said");
    add_login(*c, o);
  }

  CLI::App* order = app.add_subcommand("order", "Counter orders: run a flow, list, resume or roll back.");
  order->require_subcommand(1);
  c = add_command(*order, "run", "Run a flow: issue | reissue | unlock | update | replace | cancel.", run(&Cli::order_run),
                  chosen);
  c->add_option("FLOW", o.flow, "issue | reissue | unlock | update | replace | cancel")->required();
  add_value(*c, "--request", o.request, "the request file (JSON, docs/cli.md)")->required();
  counter_prompts(c);
  add_flag(*c, "--no-handover", o.no_handover, "stop at token_done (hand over later)");
  add_login(*c, o);
  c = add_command(*order, "list", "Recent orders, or the unfinished ones.", run(&Cli::order_list), chosen);
  add_flag(*c, "--unfinished", o.unfinished, "only orders not completed, cancelled or failed");
  for (bool resume : {true, false}) {
    c = add_command(*order, resume ? "resume" : "rollback",
                    resume ? "Continue an unfinished order from its last durable step."
                           : "Undo an unfinished order (token wiped, certificate revoked, receipt voided).",
                    [cli, resume] { return cli->order_recover(resume); }, chosen);
    c->add_option("ID", o.order_id, "the order number")->required()->check(app::kWholeNumber);
    counter_prompts(c);
    add_flag(*c, "--no-handover", o.no_handover,
             resume ? "stop at token_done (hand over later)" : "accepted as for order run; a rollback hands nothing over");
    add_login(*c, o);
  }

  CLI::App* journal = app.add_subcommand("journal", "The journal.");
  journal->require_subcommand(1);
  add_command(*journal, "verify", "Checks the chain; names the first entry that was tampered with (exit 3).",
              run(&Cli::journal_verify), chosen);

  c = add_command(app, "check", "Check an ID number, a USCC or an organisation code.", run(&Cli::check), chosen);
  c->add_option("KIND", o.kind, "id | uscc | org-code")->required()->check(CLI::IsMember({"id", "uscc", "org-code"}));
  c->add_option("VALUE", o.value, "the number to check")->required();

  c = add_command(app, "crl", "Write the CRL.", run(&Cli::crl), chosen);
  add_value(*c, "--out", o.out, "the CRL file (outside the data folder)")->required();
  add_login(*c, o);

  CLI::App* settings = app.add_subcommand("settings", "Settings: show, or (an admin) set one.");
  settings->require_subcommand(1);
  add_command(*settings, "show", "Every setting and its value.", run(&Cli::settings_show), chosen);
  c = add_command(*settings, "set", "An admin changes a setting (journaled).", run(&Cli::settings_set), chosen);
  c->add_option("KEY", o.key, "the setting's name")->required();
  c->add_option("VALUE", o.value, "the new value")->required();
  add_login(*c, o);

  CLI::App* receipt = app.add_subcommand("receipt", "Receipts: show, check, print (reprints marked 重印), void.");
  receipt->require_subcommand(1);
  c = add_command(*receipt, "show", "A receipt as it is on record.", run(&Cli::receipt_show), chosen);
  c->add_option("NO", o.receipt_no, "the receipt number")->required();
  c = add_command(*receipt, "check", "A receipt's QR text scanned from paper against the record (exit 3 when not).",
                  run(&Cli::receipt_check), chosen);
  c->add_option("QRTEXT", o.value, "certdesk:order=…;receipt=…;hash=…")->required();
  c = add_command(*receipt, "print", "Print a receipt as PDF (the archive when --pdf is not given), or on a printer.", run(&Cli::receipt_print),
                  chosen);
  c->add_option("NO", o.receipt_no, "the receipt number")->required();
  add_value(*c, "--pdf", o.pdf, "the PDF file to write");
  CLI::Option* paper_option = add_value(*c, "--paper", o.paper, "a5 | a4 | roll80 (default: the setting)");
  add_value(*c, "--printer", o.printer, "print on this printer (CUPS queue) on the paper of the settings")
      ->excludes(paper_option)->excludes(c->get_option("--pdf"));
  add_login(*c, o);
  c = add_command(*receipt, "void", "A supervisor voids a receipt; it keeps its number.", run(&Cli::receipt_void), chosen);
  c->add_option("NO", o.receipt_no, "the receipt number")->required();
  add_value(*c, "--reason", o.reason, "why")->required();
  add_login(*c, o);

  CLI::App* code = app.add_subcommand("unlock-code", "Remote unlock: a supervisor issues a code, a teller redeems it.");
  code->require_subcommand(1);
  c = add_command(*code, "issue", "Issue a single-use authorisation code for a token.", run(&Cli::unlock_code_issue), chosen);
  c->add_option("SERIAL", o.serial, "the token's serial")->required();
  c->add_option("--hours", o.hours, "how long the code is valid (default 24)")->check(app::kWholeNumber);
  add_login(*c, o);
  c = add_command(*code, "redeem", "Unlock a token with its code; the customer chooses a new PIN.",
                  run(&Cli::unlock_code_redeem), chosen);
  c->add_option("SERIAL", o.serial, "the token's serial")->required();
  add_value(*c, "--code-file", o.code_file, "the authorisation code")->required();
  add_value(*c, "--new-pin-file", o.new_pin_file, "the PIN the customer chooses (else the prompt)");
  add_login(*c, o);

  CLI::App* money = app.add_subcommand("money", "Money.");
  money->require_subcommand(1);
  c = add_command(*money, "words", "An amount in Chinese capitals: 1005.00 → 人民币壹仟零伍元整.", run(&Cli::money_words), chosen);
  c->add_option("AMOUNT", o.amount, "yuan, e.g. 1005.00")->required();

  add_day_commands(app, *staff, o, chosen);
  add_hall_commands(app, o, chosen);
}

}  // namespace

int main(int argc, char** argv) {
  harden_process();
  init_language();
  CliOptions o;
  std::string command = argc > 1 ? argv[1] : "";
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      for (const char* secret : {"--pin", "--password", "--so-pin"})
        if (a == secret || a.rfind(std::string(secret) + "=", 0) == 0)
          throw UsageError(tr("PINs and passwords are never given on the command line; use a file option or the prompt."));
    }
    CLI::App app{tr_noop("certdesk-cli: the counter without a window (SPEC §9). PINs and passwords only from files or the prompt."),
                 "certdesk-cli"};
    app.formatter(translated_help());   // before the subcommands: they inherit it
    // Set before any subcommand exists: every subcommand inherits them.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::Throw);
    app.fallthrough();   // --data-dir and --json after the command too
    app.require_subcommand(1);
    app.set_version_flag("--version", "certdesk-cli " CERTDESK_VERSION);
    add_value(app, "--data-dir", o.data_dir, "the data folder (default $CERTDESK_DATA_DIR, else ~/.local/share/certdesk)");
    add_flag(app, "--json", o.as_json, "machine-readable output on stdout");
    app.footer(tr_noop("Exit status: 0 done, 1 other, 2 usage, 3 journal integrity, 4 refused by a rule or bad input,\n"
               "5 token or module, 6 authentication or permission. Each command has its own --help. See docs/cli.md."));
    std::function<int()> chosen;
    add_commands(app, o, chosen);
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      throw UsageError(msg(tr("{} (certdesk-cli COMMAND --help lists what a command takes.)"), e.what()));
    }
    command.clear();
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      command += (command.empty() ? "" : " ") + sub->get_name();
    }
    if (o.data_dir.empty()) o.data_dir = desk::default_data_dir().string();
    warn_about_settings(o.data_dir);
    // Commands that archive PDFs set up the fonts (fontconfig, pango, cairo: ~40 ms CPU)
    // on a worker while the main thread logs in and runs the flow (issue 14.8). Not for
    // token insert-demo: insert_blank forks, and a fork wants no other thread running.
    const bool makes_pdfs = command.rfind("order", 0) == 0 || command.rfind("receipt", 0) == 0 ||
                            command.rfind("day", 0) == 0;
    std::jthread fonts;
    if (makes_pdfs) {
      // use_store sets SOFTHSM2_CONF (setenv): before any other thread runs, as no
      // getenv may race it. with_counter names the same store again later.
      pki::softhsm::use_store(desk::DataPaths{o.data_dir}.softhsm());
      fonts = std::jthread(printing::prepare_fonts);
    }
    int rc = chosen();
    log_line(o.data_dir, command, codes::ok, "done");
    return rc;
  } catch (const Error& e) {
    std::cerr << "certdesk-cli: " << shown_message(e) << " [" << e.code() << "]\n";
    log_line(o.data_dir, command, e.code(), e.what());
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "certdesk-cli: " << tr("unexpected error: ") << e.what() << "\n";
    log_line(o.data_dir, command, "1", e.what());
    return 1;
  }
}
