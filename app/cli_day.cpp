#include "app/cli_options.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/prompts.h"
#include "desk/day_signing.h"
#include "desk/desk.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "pki/signature.h"
#include "printing/amount_words.h"

namespace certdesk::app {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DayUsageError : public Error {
 public:
  explicit DayUsageError(const std::string& m) : Error(ErrorKind::usage, codes::bad_request, m) {}
};

std::string yuan(std::int64_t fen) { return printing::format_fen(fen); }

json rows_json(const std::vector<workflows::TotalRow>& rows) {
  json a = json::array();
  for (const auto& r : rows)
    a.push_back({{"key", r.key}, {"entries", r.entries}, {"orders", r.orders}, {"receipts", r.receipts}, {"amount_fen", r.amount_fen}});
  return a;
}

struct DayCli {
  const CliOptions& o;

  void out(const json& j, const std::string& plain) const { o.print(j, plain); }
  workflows::Actor login(desk::Desk& desk) const { return o.login(desk); }
  // Checks the password without journaling a login: a verification writes
  // nothing, so it runs on a damaged journal (which may refuse appends) and on
  // a read-only copy. Throws AuthError(bad_credentials).
  workflows::Actor check_only(desk::Desk& desk) const { return desk.check_password(o.as, o.as_password()); }

  std::string day_word() const {
    text::business_day_start(o.day, 0);   // InputError when malformed
    return o.day;
  }

  int report() {
    std::string day = day_word();
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    workflows::DaySummary s = desk.day_summary(who, day);
    json j = {{"business_day", day},
              {"entries", s.entries},
              {"first_seq", s.first_seq ? json(*s.first_seq) : json(nullptr)},
              {"last_seq", s.last_seq ? json(*s.last_seq) : json(nullptr)},
              {"receipts_issued", s.receipts_issued},
              {"receipts_voided", s.receipts_voided},
              {"fee_total_fen", s.fee_total_fen},
              {"voids", s.voids},
              {"voided_fen", s.voided_fen},
              {"failures", s.failures},
              {"overrides", s.overrides},
              {"waivers", s.waivers},
              {"unlocks", s.unlocks},
              {"unfinished_orders", s.unfinished_orders},
              {"by_flow", rows_json(s.by_flow)},
              {"by_teller", rows_json(s.by_teller)},
              {"by_method", rows_json(s.by_method)},
              {"closed", desk.day_closed(day)}};
    j["workstation"] = ctx.config().workstation;   // the counter this report is of (issue 12)
    json ex = json::array();
    std::string plain = msg(tr("Counter {} of {}"), ctx.config().workstation, ctx.config().branch) + "\n";
    plain += fmt::format(fmt::runtime(tr("{} — {} entries (seq {}–{}), fee total ¥{} from {} receipts ({} voided)")), day, s.entries,
                                    s.first_seq ? std::to_string(*s.first_seq) : "-",
                                    s.last_seq ? std::to_string(*s.last_seq) : "-", yuan(s.fee_total_fen),
                                    s.receipts_issued, s.receipts_voided) + "\n";
    plain += fmt::format(fmt::runtime(tr("exceptions: {} failures, {} overrides, {} waivers, {} voids, {} unlocks, {} unfinished orders")),
                         s.failures, s.overrides, s.waivers, s.voids, s.unlocks, s.unfinished_orders) + "\n";
    for (const auto& x : s.exceptions) {
      const auto& r = x.entry.record;
      ex.push_back({{"kind", workflows::to_string(x.kind)}, {"seq", x.entry.seq}, {"utc_time", x.entry.utc_time},
                    {"staff", r.staff}, {"action", r.action}, {"order_id", r.order_id ? json(*r.order_id) : json(nullptr)},
                    {"outcome", r.outcome}, {"receipt_no", r.receipt_no}, {"details", r.details}});
      plain += fmt::format(fmt::runtime(tr("  {:<10} seq {:>7} {} {:<10} {:<22} {} {} {}")), tr_ctx("exception", workflows::to_string(x.kind)),
                           x.entry.seq, desk::local_time(text::parse_iso_utc(x.entry.utc_time).time_since_epoch().count(), desk.config()), r.staff,
                           tr_ctx("action", r.action.c_str()), r.outcome, r.receipt_no, r.details) + "\n";
    }
    j["exceptions"] = ex;
    for (const auto& [title, rows] : {std::pair{"flow", &s.by_flow}, {"teller", &s.by_teller}, {"method", &s.by_method}})
      for (const auto& r : *rows)
        plain += fmt::format(fmt::runtime(tr("  {:<7} {:<16} entries {:>6}  orders {:>4}  receipts {:>4}  ¥{}")), tr_ctx("by", title),
                             r.key.empty() ? std::string(tr("(system)")) : r.key, r.entries, r.orders, r.receipts, yuan(r.amount_fen)) + "\n";
    if (!o.csv.empty()) {
      std::int64_t n = desk.export_day_csv(who, day, o.csv);
      j["csv"] = o.csv;
      j["csv_rows"] = n;
      plain += fmt::format(fmt::runtime(tr("CSV written to {} ({} rows).")), o.csv, n) + "\n";
    }
    if (!o.pdf.empty()) {
      desk.export_day_pdf(who, day, o.pdf);
      j["pdf"] = o.pdf;
      plain += fmt::format(fmt::runtime(tr("Daily report written to {}.")), o.pdf) + "\n";
    }
    out(j, plain);
    return 0;
  }

  int close() {
    std::string day = day_word();
    auto pin_file = o.path(o.pin_file);
    if (pin_file) read_secret(*pin_file, tr_noop("PIN"));   // a bad file is refused before anything, even when no token signs
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    desk::DayClosed closed = desk.close_day(who, day, [&]() -> std::optional<Secret> {
      if (pin_file) return read_secret(*pin_file, tr_noop("PIN"));
      return ask_secret(fmt::format(fmt::runtime(tr("PIN of {}'s signing token: ")), who.name));
    });
    const db::DayCloseRecord& rec = closed.record;
    const fs::path& pdf = closed.report_pdf;
    const std::string fingerprint = desk::key_fingerprint(rec.signer_cert);
    json j = {{"business_day", day},        {"closed_by", rec.closed_by},   {"closed_utc", rec.closed_utc},
              {"entries", rec.entry_count}, {"fee_total_fen", rec.fee_total_fen}, {"head_seq", rec.head_seq},
              {"head_hash", rec.head_hash}, {"statement_sha256", rec.statement_sha256}, {"signer", rec.signer_kind},
              {"signer_subject", pki::subject_of(rec.signer_cert)}, {"key_fingerprint", fingerprint},
              {"report_pdf", pdf.string()}};
    out(j, fmt::format(fmt::runtime(tr("{} is closed: {} entries, fee total ¥{}, head {} (seq {}), signed with the {} key ({}). Report: {}.")),
                       day, rec.entry_count, yuan(rec.fee_total_fen), rec.head_hash, rec.head_seq, tr(rec.signer_kind.c_str()),
                       pki::subject_of(rec.signer_cert), pdf.string()) +
               "\n" + msg(tr("Key fingerprint: {}"), fingerprint));
    return 0;
  }

  int verify() {
    std::string day = day_word();
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});   // writes nothing: runs on a read-only copy
    desk::Desk desk(ctx);
    workflows::Actor who = check_only(desk);
    workflows::DayVerifyReport r = desk.verify_day(who, day);
    json j = {{"business_day", day},
              {"ok", r.ok},
              {"chain_ok", r.chain.ok},
              {"checked", r.chain.checked},
              {"head_matches", r.head_matches},
              {"statement_matches", r.statement_matches},
              {"signature_ok", r.signature_ok},
              {"key_pinned", r.key_pinned},
              {"close_chain_ok", r.close_chain_ok},
              {"signer_fingerprint", r.signer_fingerprint},
              {"pinned_fingerprint", r.pinned_fingerprint},
              {"signer", r.close.signer_kind},
              {"closed_by", r.close.closed_by}};
    if (!r.ok) {
      j["problem"] = r.problem;
      if (r.bad_seq) j["first_bad_seq"] = *r.bad_seq;
      if (o.as_json) std::cout << j.dump(2) << "\n";
      throw JournalIntegrityError(r.problem);
    }
    j["signer_subject"] = pki::subject_of(r.close.signer_cert);
    out(j, fmt::format(fmt::runtime(tr("The close of {} verifies: the journal is intact ({} entries), the signed head is in it, the statement matches the journal, and the signature of {} ({}) is valid.")),
                       day, r.chain.checked, r.close.closed_by, pki::subject_of(r.close.signer_cert)) +
               "\n" + msg(tr("The key is the one enrolled for {} ({}) and the chain of closes is whole."), r.close.closed_by,
                           r.signer_fingerprint));
    return 0;
  }

  int export_statement() {
    std::string day = day_word();
    fs::path outp = o.out;
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    desk::StatementFiles f = desk.export_statement(who, day, outp);
    const std::string sig = f.signature.string(), cert = f.certificate.string(), pub = f.public_key.string();
    out({{"statement", outp.string()}, {"signature", sig}, {"certificate", cert}, {"public_key", pub}},
        fmt::format(fmt::runtime(tr("Statement {}, signature {}, certificate {}, public key {}. Check with: openssl dgst -sha256 -verify {} -signature {} {}")),
                    outp.string(), sig, cert, pub, pub, sig, outp.string()));
    return 0;
  }

  int correct() {
    const std::int64_t seq = o.seq;
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    db::JournalEntry e = desk.correct_entry(who, seq, o.reason);
    out({{"seq", e.seq}, {"business_day", e.business_day}, {"corrects", seq}},
        fmt::format(fmt::runtime(tr("Entry {} ({}) records the correction of entry {}.")), e.seq, e.business_day, seq));
    return 0;
  }

  int list() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = login(desk);
    json a = json::array();
    std::string plain;
    for (const auto& d : desk.days(who, 60)) {
      bool closed = desk.day_closed(d);
      a.push_back({{"business_day", d}, {"closed", closed}});
      plain += d + (closed ? "  closed\n" : "  open\n");
    }
    out(a, plain);
    return 0;
  }

  int enroll() {
    const std::string& name = o.name;
    std::string serial = o.token.empty() ? o.serial : o.token;
    if (serial.empty()) throw DayUsageError(fmt::format(fmt::runtime(tr("{} is required here.")), "--token"));
    Secret pin = read_secret(o.new_pin_file, tr_noop("new PIN"));
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor admin = login(desk);
    db::StaffToken t = desk.enroll_staff_token(admin, name, serial, pin);
    out({{"name", name}, {"token_serial", t.token_serial}, {"cert_serial", t.cert_serial},
         {"subject", pki::subject_of(t.cert_der)}, {"key_fingerprint", t.key_fingerprint}},
        fmt::format(fmt::runtime(tr("{} now signs day closes with token {} (certificate {}).")), name, t.token_serial,
                    t.cert_serial) +
            "\n" + msg(tr("Key fingerprint: {}"), t.key_fingerprint));
    return 0;
  }

  int unlock_token() {
    const std::string& name = o.name;
    Secret pin = read_secret(o.new_pin_file, tr_noop("new PIN"));
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor admin = login(desk);
    db::StaffToken t = desk.unlock_staff_token(admin, name, pin);
    out({{"name", name}, {"token_serial", t.token_serial}, {"key_fingerprint", t.key_fingerprint}},
        msg(tr("{}'s demo signing token {} has a new PIN; its key and enrolment are unchanged."), name, t.token_serial));
    return 0;
  }
};

}  // namespace

void add_day_commands(CLI::App& app, CLI::App& staff, CliOptions& o, std::function<int()>& chosen) {
  auto cli = std::make_shared<DayCli>(DayCli{o});
  CLI::App* day = app.add_subcommand("day", "The supervisor's day: report, close, verify, export, correct, list.");
  day->require_subcommand(1);
  auto date = [&o](CLI::App* c) { c->add_option("DATE", o.day, "the business day, YYYY-MM-DD")->required(); };

  CLI::App* c = add_command(*day, "report", "Figures, exceptions first; CSV (UTF-8 + BOM) and PDF exports.",
                            [cli] { return cli->report(); }, chosen);
  date(c);
  add_value(*c, "--csv", o.csv, "write the day's entries as CSV to this file");
  add_value(*c, "--pdf", o.pdf, "write the daily report as PDF to this file");
  add_login(*c, o);

  c = add_command(*day, "close", "Sign off the day with the supervisor's own token; archive the report.",
                  [cli] { return cli->close(); }, chosen);
  date(c);
  add_value(*c, "--pin-file", o.pin_file, "the PIN of the supervisor's signing token (else the prompt)");
  add_login(*c, o);

  c = add_command(*day, "verify", "Chain, head hash, statement, signature, pinned key, chain of closes (exit 3 when not).",
                  [cli] { return cli->verify(); }, chosen);
  date(c);
  add_login(*c, o);

  c = add_command(*day, "export-statement", "F (statement), F.sig (DER), F.cert.pem, F.pubkey.pem.",
                  [cli] { return cli->export_statement(); }, chosen);
  date(c);
  add_value(*c, "--out", o.out, "the statement file F")->required();
  add_login(*c, o);

  c = add_command(*day, "correct", "A correction entry referring to entry SEQ.", [cli] { return cli->correct(); }, chosen);
  c->add_option("SEQ", o.seq, "the seq of the entry to correct")->required()->check(kWholeNumber);
  add_value(*c, "--reason", o.reason, "what was wrong")->required();
  add_login(*c, o);

  c = add_command(*day, "list", "Business days with entries, and whether closed.", [cli] { return cli->list(); }, chosen);
  add_login(*c, o);

  c = add_command(staff, "enroll-token", "An admin gives a supervisor a signing token.", [cli] { return cli->enroll(); },
                  chosen);
  c->add_option("NAME", o.name, "the supervisor's name")->required();
  CLI::Option* token = add_value(*c, "--token", o.token, "the blank token's serial");
  add_value(*c, "--serial", o.serial, "the same as --token")->excludes(token);
  add_value(*c, "--new-pin-file", o.new_pin_file, "the token's new PIN")->required();
  add_login(*c, o);

  c = add_command(staff, "unlock-token", "The demo store only: an admin gives a supervisor's locked demo signing token a new PIN.",
                  [cli] { return cli->unlock_token(); }, chosen);
  c->add_option("NAME", o.name, "the supervisor's name")->required();
  add_value(*c, "--new-pin-file", o.new_pin_file, "the token's new PIN")->required();
  add_login(*c, o);
}

}  // namespace certdesk::app
