// certdesk-cli's hall commands (issue 12, docs/hall.md): hall connect|status|sync|
// verify|close|close-verify|report|issues, `journal verify --hall`,
// `day report DATE --hall`, and the shipment every command makes before it exits.
#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli_options.h"
#include "app/prompts.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/money.h"
#include "common/text.h"
#include "db/repositories.h"
#include "desk/day_signing.h"
#include "desk/hall_link.h"
#include "pki/signature.h"
#include "workflows/day.h"
#include "workflows/staff.h"

namespace certdesk::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What a command of its own may ship before it exits, and `hall sync`'s bound.
constexpr std::chrono::seconds kAfterCommand{3};
constexpr std::chrono::seconds kSync{15};

struct HallFlags {
  bool journal_hall = false, day_hall = false, head_office = false;
  std::string conninfo;
  int late_minutes = -1, max_behind_seconds = 120;
};

std::string yuan(std::int64_t fen) { return money::format_fen(fen); }

// A counter's day close as the hall holds it is checked against that counter's own record
// on the server, not this data folder's: the signature with the signing certificate's key,
// and the key pinned (workflows::check_signed_close) to the enrolment fingerprint in that
// counter's journal there. Another counter's supervisor certificate comes from that
// counter's local CA, which this folder does not hold: the pin is what the key is trusted by.
class PinnedKeyChecker final : public workflows::SignatureChecker {
 public:
  std::string check(const workflows::Bytes& cert_der, const std::string& data,
                    const workflows::Bytes& signature) override {
    try {
      if (pki::verify_signature(cert_der, data, signature)) return {};
    } catch (const Error&) {
      return "the signer's certificate cannot be read";
    }
    return "the signature does not match the statement with the signer's public key";
  }
  std::string key_fingerprint(const workflows::Bytes& cert_der) override { return desk::key_fingerprint(cert_der); }
};

// Why counter `ws`'s signed close of its day, as the hall holds it, does not stand (the same
// rules as the local `day verify`: statement hash, signature, key pinned; plus the signed head
// and the enrolment entries are the server's entries, unchanged); "" when it stands.
std::string counter_close_problem(hall::Connection& c, const std::string& branch, const std::string& ws,
                                  const db::DayCloseRecord& close) {
  const std::vector<db::JournalEntry> facts = c.close_facts({branch, ws}, close.head_seq);
  for (const db::JournalEntry& e : facts)
    if (db::Journal::entry_hash(e) != e.hash)
      return msg(tr("its journal entry {} on the hall server no longer matches its hash"), e.seq);
  if (close.head_seq > 0 && (facts.empty() || facts.back().seq != close.head_seq ||
                             facts.back().hash != close.head_hash))
    return msg(tr("the head it signed (entry {}) is not the entry the hall server holds"), close.head_seq);
  PinnedKeyChecker checker;
  const workflows::SignedCloseCheck r = workflows::check_signed_close(close, facts, checker);
  if (!r.statement_hash_ok) return r.statement_problem;
  if (!r.signature_ok) return r.signature_problem;
  if (!r.key_pinned) return r.pin_problem;
  return {};
}

struct HallCli {
  CliOptions& o;
  HallFlags& f;

  std::string day_word() const {
    text::business_day_start(o.day, 0);   // InputError when malformed
    return o.day;
  }

  int connect() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor admin = o.login(desk);
    workflows::require(admin, workflows::Permission::edit_settings);
    desk::HallLink link(ctx.db(), ctx.clock());
    link.connect(ctx.journal(), admin.name, f.conninfo, o.password_file, desk::hall_fingerprint(ctx));
    const desk::HallStatus s = link.status();
    o.print({{"branch", s.counter.branch}, {"workstation", s.counter.workstation}, {"shipped", s.shipped},
             {"pending", s.pending}},
            msg(tr("Counter {}/{} joined the hall; {} entries shipped, {} pending."), s.counter.branch,
                s.counter.workstation, s.shipped, s.pending));
    return 0;
  }

  static json status_json(const desk::HallStatus& s) {
    return {{"joined", s.joined},           {"conninfo", s.conninfo},
            {"branch", s.counter.branch},   {"workstation", s.counter.workstation},
            {"local_entries", s.local_entries}, {"shipped", s.shipped},
            {"pending", s.pending},         {"last_contact_utc", s.last_contact_utc},
            {"last_attempt_utc", s.last_attempt_utc}, {"last_error", s.last_error},
            {"last_error_code", s.last_error_code}};
  }

  int status() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::HallLink link(ctx.db(), ctx.clock());
    const desk::HallStatus s = link.status();
    if (!s.joined) {
      o.print(status_json(s), msg(tr("Counter {}/{} has not joined a hall (certdesk-cli hall connect)."),
                                  s.counter.branch, s.counter.workstation));
      return 0;
    }
    std::string plain = msg(tr("Counter {}/{} at {}"), s.counter.branch, s.counter.workstation, s.conninfo) + "\n";
    plain += msg(tr("shipped: {} of {} entries; pending: {}"), s.shipped, s.local_entries, s.pending) + "\n";
    plain += msg(tr("last contact: {}"), s.last_contact_utc.empty() ? std::string(tr("never")) : s.last_contact_utc);
    if (!s.last_error.empty()) plain += "\n" + msg(tr("last error: {} [{}]"), s.last_error, s.last_error_code);
    o.print(status_json(s), plain);
    return 0;
  }

  int sync() {
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::HallLink link(ctx.db(), ctx.clock());
    if (!link.joined())
      throw RuleRefused(codes::hall_refused, "hall",
                        tr("this counter has not joined a hall: run certdesk-cli hall connect first"));
    const desk::ShipOutcome out = link.ship(kSync, true);
    if (!out.ok) throw Error(ErrorKind::other, out.error_code.empty() ? codes::hall_unreachable : out.error_code, out.error);
    o.print({{"entries", out.entries}, {"receipts", out.receipts}, {"day_closes", out.day_closes},
             {"pending", out.pending}},
            msg(tr("Shipped {} entries, {} receipts, {} day closes; {} pending."), out.entries, out.receipts,
                out.day_closes, out.pending));
    return 0;
  }

  int journal_verify() {
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    const hall::Comparison cmp = c.compare(link.counter(), link.local_chain(), link.local_day_closes());
    static const std::map<hall::Comparison::Kind, const char*> kinds = {
        {hall::Comparison::Kind::same, "same"},
        {hall::Comparison::Kind::changed, "changed"},
        {hall::Comparison::Kind::removed, "removed"},
        {hall::Comparison::Kind::added, "added"},
        {hall::Comparison::Kind::close_removed, "day-close-removed"},
        {hall::Comparison::Kind::close_changed, "day-close-changed"}};
    json j = {{"ok", cmp.ok()},         {"problem", kinds.at(cmp.kind)}, {"local_count", cmp.local_count},
              {"remote_count", cmp.remote_count}, {"pending", cmp.pending}};
    if (!cmp.ok()) {
      j["first_bad_seq"] = cmp.seq;
      j["business_day"] = cmp.business_day;
      j["message"] = cmp.message;
      if (o.as_json) std::cout << j.dump(2) << "\n";
      throw JournalIntegrityError(cmp.message);
    }
    o.print(j, msg(tr("The journal matches the hall's copy: {} entries shipped, {} pending."), cmp.remote_count,
                   cmp.pending));
    return 0;
  }

  int verify() {
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    json arr = json::array();
    std::string plain, first_bad;
    for (const hall::ChainVerdict& v : c.verify_all()) {
      arr.push_back({{"branch", v.counter.branch}, {"workstation", v.counter.workstation}, {"checked", v.checked},
                     {"ok", v.ok}, {"problem", v.problem}, {"first_bad_seq", v.first_bad_seq.value_or(0)},
                     {"message", v.message}});
      plain += fmt::format("{}/{:<8} {:>8}  {}\n", v.counter.branch, v.counter.workstation, v.checked,
                           v.ok ? std::string(tr("intact")) : v.message);
      if (!v.ok && first_bad.empty()) first_bad = v.message;
    }
    if (!first_bad.empty()) {
      if (o.as_json) std::cout << arr.dump(2) << "\n";
      else std::cout << plain;
      throw JournalIntegrityError(first_bad);
    }
    o.print(arr, plain);
    return 0;
  }

  int late_minutes(desk::AppContext& ctx) const {
    return f.late_minutes > 0 ? f.late_minutes
                              : static_cast<int>(db::Settings(ctx.db()).get_int("hall_late_minutes", 15));
  }

  int day_report() {
    const std::string day = day_word();
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = o.login(desk);
    workflows::require(who, workflows::Permission::review_day);
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    const std::string branch = link.counter().branch;
    const int late = late_minutes(ctx);
    json late_j = json::array();
    std::string plain = msg(tr("Hall {} on {}: every counter"), branch, day) + "\n";
    // Exceptions first: counters that have not shipped for more than N minutes.
    for (const hall::LateCounter& l : c.late_counters(late)) {
      if (l.counter.branch != branch) continue;
      late_j.push_back({{"workstation", l.counter.workstation}, {"last_contact_utc", l.last_contact_utc},
                        {"minutes_since", l.minutes_since}});
      plain += l.last_contact_utc.empty()
                   ? msg(tr("LATE counter {}: has never shipped its record"), l.counter.workstation) + "\n"
                   : msg(tr("LATE counter {}: last shipped {} minutes ago ({})"), l.counter.workstation,
                         l.minutes_since, l.last_contact_utc) + "\n";
    }
    hall::HallDayPage page = c.hall_day_report(branch, day, {}, 1000);
    json entries = json::array();
    for (std::string after;;) {
      for (const hall::HallEntry& h : page.entries) {
        const db::JournalEntry& e = h.entry;
        entries.push_back({{"workstation", h.workstation}, {"seq", e.seq}, {"utc_time", e.utc_time},
                           {"staff", e.record.staff}, {"action", e.record.action}, {"flow", e.record.flow},
                           {"outcome", e.record.outcome}, {"amount_fen", e.record.amount_fen.value_or(0)},
                           {"receipt_no", e.record.receipt_no}});
        if (e.record.outcome != "0000")
          plain += fmt::format("! {:<8} #{:<6} {} {} {} {} {}\n", h.workstation, e.seq, e.utc_time, e.record.staff,
                               e.record.action, e.record.outcome, e.record.details);
      }
      if (page.next_after.empty()) break;
      after = page.next_after;
      page = c.hall_day_report(branch, day, {}, 1000, after);
    }
    json counters = json::array();
    std::int64_t total_entries = 0, total_exceptions = 0, total_fen = 0;
    for (const hall::CounterDay& d : page.counters) {
      counters.push_back({{"workstation", d.workstation}, {"entries", d.entries}, {"exceptions", d.exceptions},
                          {"amount_fen", d.amount_fen}, {"first_utc", d.first_utc}, {"last_utc", d.last_utc}});
      plain += msg(tr("counter {}: {} entries, {} exceptions, {} yuan ({} – {})"), d.workstation, d.entries,
                   d.exceptions, yuan(d.amount_fen), d.first_utc, d.last_utc) + "\n";
      total_entries += d.entries;
      total_exceptions += d.exceptions;
      total_fen += d.amount_fen;
    }
    plain += msg(tr("hall total: {} counters, {} entries, {} exceptions, {} yuan"), page.counters.size(),
                 total_entries, total_exceptions, yuan(total_fen));
    o.print({{"branch", branch}, {"business_day", day}, {"late_minutes", late}, {"late", late_j},
             {"counters", counters}, {"entries", entries},
             {"totals", {{"entries", total_entries}, {"exceptions", total_exceptions}, {"amount_fen", total_fen}}}},
            plain);
    return 0;
  }

  // The statement a hall close signs: every counter's signed head for the day, as the hall holds it.
  static std::string hall_statement(const std::string& branch, const std::string& day,
                                    const std::vector<std::pair<std::string, db::DayCloseRecord>>& closes) {
    std::string s = "certdesk hall close v1\nbranch " + branch + "\nbusiness_day " + day + "\n";
    for (const auto& [ws, c] : closes)
      s += fmt::format("counter {} head_seq {} head_hash {} statement_sha256 {} closed_by {}\n", ws, c.head_seq,
                       c.head_hash, c.statement_sha256, c.closed_by);
    return s;
  }

  int close() {
    const std::string day = day_word();
    desk::AppContext ctx(o.data_dir, o.clock);
    desk::Desk desk(ctx);
    workflows::Actor who = o.login(desk);
    workflows::require(who, workflows::Permission::close_day);
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    const std::string branch = link.counter().branch;
    const auto closes = c.day_closes(branch, day);
    if (closes.empty())
      throw RuleRefused(codes::hall_refused, "hall.close",
                        msg(tr("no counter of branch {} has shipped a signed close of {}: close the counters' days "
                               "first"),
                            branch, day));
    // Each counter's own signed close, re-checked as the hall holds it, before anything is signed.
    for (const auto& [ws, cl] : closes)
      if (const std::string why = counter_close_problem(c, branch, ws, cl); !why.empty())
        throw JournalIntegrityError(
            msg(tr("the hall's day {} cannot be closed: counter {}'s signed day close on the hall server does not "
                   "verify ({}). Nothing was signed or stored; run certdesk-cli hall verify and call that counter's "
                   "supervisor."),
                day, ws, why));
    hall::HallClose hc;
    hc.business_day = day;
    hc.closed_utc = text::iso_utc(ctx.clock().now());
    hc.closed_by = who.name;
    hc.statement = hall_statement(branch, day, closes);
    auto pin_file = o.path(o.pin_file);
    auto signer = desk::signer_for(ctx, who, [&]() -> std::optional<Secret> {
      if (pin_file) return read_secret(*pin_file, tr_noop("PIN"));
      return ask_secret(fmt::format(fmt::runtime(tr("PIN of {}'s signing token: ")), who.name));
    });
    const workflows::Bytes sig = signer->sign(hc.statement);
    const workflows::Bytes cert = signer->certificate();
    hc.signature.assign(sig.begin(), sig.end());
    hc.signer_cert.assign(cert.begin(), cert.end());
    hall::HallClose stored = c.close_hall_day(branch, hc);
    ctx.journal().append({.staff = who.name,
                          .action = "hall.closed",
                          .details = msg("hall close {} of {}: {} counters, hash {}", stored.seq, day, closes.size(),
                                         stored.hash)},
                         ctx.clock().now());
    o.print({{"branch", branch}, {"business_day", day}, {"seq", stored.seq}, {"counters", closes.size()},
             {"signer", signer->kind()}, {"prev_hash", stored.prev_hash}, {"hash", stored.hash}},
            msg(tr("The hall's day {} is closed by {} over {} counters (hall close {}, hash {})."), day, who.name,
                closes.size(), stored.seq, stored.hash));
    return 0;
  }

  int close_verify() {
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    const std::string branch = link.counter().branch;
    desk::PkiSignatureChecker checker(ctx);
    std::string prev(64, '0'), problem;
    std::int64_t expect = 1;
    const std::vector<hall::HallClose> closes = c.hall_closes(branch);
    for (const hall::HallClose& h : closes) {
      const auto counter_closes = c.day_closes(branch, h.business_day);
      if (h.seq != expect || h.prev_hash != prev)
        problem = msg(tr("hall close {} of {} does not follow close {}: a close was removed or redone"), h.seq,
                      h.business_day, expect - 1);
      else if (h.statement != hall_statement(branch, h.business_day, counter_closes))
        problem = msg(tr("hall close {} of {} no longer matches the counters' signed heads the hall holds"), h.seq,
                      h.business_day);
      else if (std::string why = checker.check({h.signer_cert.begin(), h.signer_cert.end()}, h.statement,
                                               {h.signature.begin(), h.signature.end()});
               !why.empty())
        problem = msg(tr("the signature of hall close {} of {} does not verify: {}"), h.seq, h.business_day, why);
      for (const auto& [ws, cl] : counter_closes) {
        if (!problem.empty()) break;
        if (const std::string why = counter_close_problem(c, branch, ws, cl); !why.empty())
          problem = msg(tr("hall close {} of {}: counter {}'s signed day close on the hall server does not verify ({})"),
                        h.seq, h.business_day, ws, why);
      }
      if (!problem.empty()) break;
      prev = h.hash;
      ++expect;
    }
    if (!problem.empty()) throw JournalIntegrityError(problem);
    o.print({{"branch", branch}, {"closes", closes.size()}, {"head", prev}},
            msg(tr("The hall closes of branch {} are intact: {} closes, chained and signed."), branch,
                closes.size()));
    return 0;
  }

  int report() {
    if (!f.head_office) throw InputError(codes::bad_request, tr("hall report takes --head-office DATE"));
    const std::string day = day_word();
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    json arr = json::array();
    std::string plain;
    for (const hall::BranchDay& b : c.branch_totals(day, day)) {
      arr.push_back({{"branch", b.branch}, {"business_day", b.business_day}, {"counters", b.counters},
                     {"entries", b.entries}, {"exceptions", b.exceptions}, {"amount_fen", b.amount_fen}});
      plain += msg(tr("branch {} on {}: {} counters, {} entries, {} exceptions, {} yuan"), b.branch, b.business_day,
                   b.counters, b.entries, b.exceptions, yuan(b.amount_fen)) + "\n";
    }
    if (arr.empty()) plain = msg(tr("No branch has shipped anything of {}."), day);
    o.print(arr, plain);
    return 0;
  }

  int issues() {
    desk::AppContext ctx(o.data_dir, o.clock, desk::AppContext::ReadOnly{});
    desk::HallLink link(ctx.db(), ctx.clock());
    hall::Connection c = link.open();
    json arr = json::array();
    std::string plain;
    for (const hall::CounterIssue& i : c.counter_issues(late_minutes(ctx), f.max_behind_seconds)) {
      arr.push_back({{"branch", i.counter.branch}, {"workstation", i.counter.workstation}, {"kind", i.kind},
                     {"detail", i.detail}});
      plain += fmt::format("{}/{:<8} {:<14} {}\n", i.counter.branch, i.counter.workstation, i.kind, i.detail);
    }
    if (arr.empty()) plain = tr("Every counter is shipping, on time and intact.");
    o.print(arr, plain);
    return 0;
  }
};

}  // namespace

void add_hall_commands(CLI::App& app, CliOptions& o, std::function<int()>& chosen) {
  auto flags = std::make_shared<HallFlags>();
  auto cli = std::make_shared<HallCli>(HallCli{o, *flags});
  auto run = [cli, flags](int (HallCli::*m)()) { return [cli, flags, m] { return ((*cli).*m)(); }; };
  auto date = [&o](CLI::App* c) { c->add_option("DATE", o.day, "the business day, YYYY-MM-DD")->required(); };

  CLI::App* hall = app.add_subcommand("hall", "The hall's record on PostgreSQL: join, ship, verify, close (docs/hall.md).");
  hall->require_subcommand(1);
  CLI::App* c = add_command(*hall, "connect", "An admin joins this counter to a hall (journaled).", run(&HallCli::connect),
                            chosen);
  c->add_option("CONNINFO", flags->conninfo, "a libpq connection string without a password")->required();
  add_value(*c, "--password-file", o.password_file, "a libpq password file (else ~/.pgpass or PGPASSFILE)");
  add_login(*c, o);
  add_command(*hall, "status", "What is shipped, what is pending, the last contact and error.", run(&HallCli::status),
              chosen);
  add_command(*hall, "sync", "Ship now (exit 1 when the hall cannot be reached).", run(&HallCli::sync), chosen);
  add_command(*hall, "verify", "Recompute every counter's chain on the server (exit 3 on any difference).",
              run(&HallCli::verify), chosen);
  c = add_command(*hall, "close", "A supervisor signs the hall's day over every counter's signed head.",
                  run(&HallCli::close), chosen);
  date(c);
  add_value(*c, "--pin-file", o.pin_file, "the PIN of the supervisor's signing token (else the prompt)");
  add_login(*c, o);
  add_command(*hall, "close-verify", "Check the branch's hall closes: chained, signed, matching (exit 3 when not).",
              run(&HallCli::close_verify), chosen);
  c = add_command(*hall, "report", "Head office: totals by branch for a day.", run(&HallCli::report), chosen);
  add_flag(*c, "--head-office", flags->head_office, "totals of every branch in this database")->required();
  date(c);
  c = add_command(*hall, "issues", "Head office: counters late, behind the server's clock, or failing verification.",
                  run(&HallCli::issues), chosen);
  c->add_option("--late-minutes", flags->late_minutes, "late after N minutes (default the setting hall_late_minutes)")
      ->check(kWholeNumber);
  c->add_option("--max-behind-seconds", flags->max_behind_seconds, "clock behind the server's by more (default 120)")
      ->check(kWholeNumber);

  // --hall on the existing `journal verify` and `day report`: the parent's callback runs
  // after its subcommand's, so it can choose the hall's variant.
  if (CLI::App* journal = app.get_subcommand("journal")) {
    add_flag(*journal->get_subcommand("verify"), "--hall", flags->journal_hall,
             "compare with the hall's copy instead (names the first entry that differs, exit 3)");
    journal->callback([&chosen, flags, f = run(&HallCli::journal_verify)] {
      if (flags->journal_hall) chosen = f;
    });
  }
  if (CLI::App* day = app.get_subcommand("day")) {
    CLI::App* report = day->get_subcommand("report");
    add_flag(*report, "--hall", flags->day_hall, "every counter of the branch, from the hall server");
    report->add_option("--late-minutes", flags->late_minutes, "late after N minutes (default the setting)")
        ->check(kWholeNumber);
    day->callback([&chosen, flags, f = run(&HallCli::day_report)] {
      if (flags->day_hall) chosen = f;
    });
  }

  // Every command that wrote ships the counter's backlog before it exits (bounded; a
  // warning, never another exit status); a command that only read ships nothing, so a
  // copy under inspection never reaches the hall. The root's callback runs last, around
  // whatever was chosen.
  app.callback([&chosen, &o] {
    std::function<int()> inner = chosen;
    if (!inner) return;
    chosen = [inner, &o]() -> int {
      const std::optional<std::int64_t> before = desk::joined_head(o.data_dir);
      auto ship = [&o, before] {
        if (!before || desk::joined_head(o.data_dir) == before) return;   // joined, and this command wrote
        const std::string warning = desk::ship_after_command(o.data_dir, kAfterCommand);
        if (!warning.empty()) std::cerr << "certdesk-cli: " << warning << "\n";
      };
      int rc = 0;
      try {
        rc = inner();
      } catch (...) {
        ship();
        throw;
      }
      ship();
      return rc;
    };
  });
}

}  // namespace certdesk::app
