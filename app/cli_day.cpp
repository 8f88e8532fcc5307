#include "app/cli_day.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/context.h"
#include "app/day_export.h"
#include "app/day_signing.h"
#include "app/prompts.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/day_close.h"
#include "pki/signature.h"
#include "printing/amount_words.h"
#include "printing/pdf.h"
#include "workflows/day.h"

namespace certdesk::app {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class DayUsageError : public Error {
 public:
  explicit DayUsageError(const std::string& m) : Error(ErrorKind::usage, codes::bad_request, m) {}
};

void write_file(const fs::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << data;
  f.flush();
  if (!f)
    throw Error(ErrorKind::other, codes::data_dir_unusable, fmt::format(fmt::runtime(tr("Cannot write {}.")), p.string()));
}

std::string yuan(std::int64_t fen) { return printing::format_fen(fen); }

json rows_json(const std::vector<workflows::TotalRow>& rows) {
  json a = json::array();
  for (const auto& r : rows)
    a.push_back({{"key", r.key}, {"entries", r.entries}, {"orders", r.orders}, {"receipts", r.receipts}, {"amount_fen", r.amount_fen}});
  return a;
}

struct DayCli {
  const std::vector<std::string>& words;
  const std::map<std::string, std::string>& opts;
  bool as_json;
  fs::path data_dir;
  SystemClock clock;

  std::optional<std::string> get(const std::string& o) const {
    auto it = opts.find(o);
    return it == opts.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::string need(const std::string& o) const {
    auto v = get(o);
    if (!v) throw DayUsageError(fmt::format(fmt::runtime(tr("{} is required here.")), o));
    return *v;
  }
  std::string word(std::size_t i, const char* what) const {
    if (i >= words.size()) throw DayUsageError(fmt::format(fmt::runtime(tr("Missing {}.")), what));
    return words[i];
  }
  void out(const json& j, const std::string& plain) const {
    if (as_json)
      std::cout << j.dump(2) << "\n";
    else if (!plain.empty())
      std::cout << plain << (plain.back() == '\n' ? "" : "\n");
  }

  workflows::Actor login(AppContext& ctx) const {
    std::string name = need("--as");
    Secret pw = get("--as-password-file")
                    ? read_secret(need("--as-password-file"), tr_noop("password"))
                    : ask_secret(fmt::format(fmt::runtime(tr("Password of {}: ")), name)).value_or(Secret());
    if (pw.empty()) throw DayUsageError(fmt::format(fmt::runtime(tr("{} is required here.")), "--as-password-file"));
    return ctx.staff().login(name, pw);
  }

  // Checks the password without journaling a login: a verification writes
  // nothing, so it runs on a damaged journal (which may refuse appends) and on
  // a read-only copy. Throws AuthError(bad_credentials).
  workflows::Actor check_only(AppContext& ctx) const {
    std::string name = need("--as");
    Secret pw = get("--as-password-file")
                    ? read_secret(need("--as-password-file"), tr_noop("password"))
                    : ask_secret(fmt::format(fmt::runtime(tr("Password of {}: ")), name)).value_or(Secret());
    auto m = db::Staff(ctx.db()).by_name(name);
    if (!m || !m->active || !crypto::verify_password(pw, m->password_hash))
      throw AuthError(codes::bad_credentials, tr("Wrong name or password."));
    return workflows::Actor{m->id, m->name, workflows::role_from(m->role)};
  }

  std::string day_word() const {
    std::string d = word(2, "the business day (YYYY-MM-DD)");
    text::business_day_start(d, 0);   // InputError when malformed
    return d;
  }

  int report() {
    std::string day = day_word();
    AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    workflows::DayReview review(ctx.db(), who);
    workflows::DaySummary s = review.summary(day);
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
              {"closed", db::DayCloses(ctx.db()).is_closed(day)}};
    json ex = json::array();
    std::string plain = fmt::format("{} — {} entries (seq {}–{}), fee total ¥{} from {} receipts ({} voided)\n", day, s.entries,
                                    s.first_seq ? std::to_string(*s.first_seq) : "-",
                                    s.last_seq ? std::to_string(*s.last_seq) : "-", yuan(s.fee_total_fen),
                                    s.receipts_issued, s.receipts_voided);
    plain += fmt::format("exceptions: {} failures, {} overrides, {} waivers, {} voids, {} unlocks, {} unfinished orders\n",
                         s.failures, s.overrides, s.waivers, s.voids, s.unlocks, s.unfinished_orders);
    for (const auto& x : s.exceptions) {
      const auto& r = x.entry.record;
      ex.push_back({{"kind", workflows::to_string(x.kind)}, {"seq", x.entry.seq}, {"utc_time", x.entry.utc_time},
                    {"staff", r.staff}, {"action", r.action}, {"order_id", r.order_id ? json(*r.order_id) : json(nullptr)},
                    {"outcome", r.outcome}, {"receipt_no", r.receipt_no}, {"details", r.details}});
      plain += fmt::format("  {:<10} seq {:>7} {} {:<10} {:<22} {} {} {}\n", workflows::to_string(x.kind), x.entry.seq,
                           x.entry.utc_time, r.staff, r.action, r.outcome, r.receipt_no, r.details);
    }
    j["exceptions"] = ex;
    for (const auto& [title, rows] : {std::pair{"flow", &s.by_flow}, {"teller", &s.by_teller}, {"method", &s.by_method}})
      for (const auto& r : *rows)
        plain += fmt::format("  {:<7} {:<16} entries {:>6}  orders {:>4}  receipts {:>4}  ¥{}\n", title,
                             r.key.empty() ? "(system)" : r.key, r.entries, r.orders, r.receipts, yuan(r.amount_fen));
    if (auto csv = get("--csv")) {
      std::int64_t n = write_day_csv(ctx, who, day, *csv);
      j["csv"] = *csv;
      j["csv_rows"] = n;
      plain += fmt::format(fmt::runtime(tr("CSV written to {} ({} rows).")), *csv, n) + "\n";
    }
    if (auto pdf = get("--pdf")) {
      printing::write_report_pdf(day_report_data(ctx, who, day), printing::Paper::a4, *pdf);
      j["pdf"] = *pdf;
      plain += fmt::format(fmt::runtime(tr("Daily report written to {}.")), *pdf) + "\n";
    }
    out(j, plain);
    return 0;
  }

  int close() {
    std::string day = day_word();
    AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    workflows::require(who, workflows::Permission::close_day);
    auto pin_file = get("--pin-file");
    auto signer = signer_for(ctx, who, [&]() -> std::optional<Secret> {
      if (pin_file) return read_secret(*pin_file, tr_noop("PIN"));
      return ask_secret(fmt::format(fmt::runtime(tr("PIN of {}'s signing token: ")), who.name));
    });
    workflows::DayClose closing(ctx.db(), ctx.journal(), ctx.clock(), ctx.config(), who);
    db::DayCloseRecord rec = closing.close(day, *signer);
    fs::path pdf = printing::archive_path(ctx.paths().root, printing::ArchiveKind::report, day);
    printing::write_report_pdf(day_report_data(ctx, who, day), printing::Paper::a4, pdf);
    json j = {{"business_day", day},        {"closed_by", rec.closed_by},   {"closed_utc", rec.closed_utc},
              {"entries", rec.entry_count}, {"fee_total_fen", rec.fee_total_fen}, {"head_seq", rec.head_seq},
              {"head_hash", rec.head_hash}, {"statement_sha256", rec.statement_sha256}, {"signer", rec.signer_kind},
              {"signer_subject", pki::subject_of(rec.signer_cert)}, {"report_pdf", pdf.string()}};
    out(j, fmt::format(fmt::runtime(tr("{} is closed: {} entries, fee total ¥{}, head {} (seq {}), signed with the {} key ({}). Report: {}.")),
                       day, rec.entry_count, yuan(rec.fee_total_fen), rec.head_hash, rec.head_seq, rec.signer_kind,
                       pki::subject_of(rec.signer_cert), pdf.string()));
    return 0;
  }

  int verify() {
    std::string day = day_word();
    AppContext ctx(data_dir, clock, AppContext::ReadOnly{});   // writes nothing: runs on a read-only copy
    workflows::Actor who = check_only(ctx);
    PkiSignatureChecker checker(ctx);
    workflows::DayClose closing(ctx.db(), ctx.journal(), ctx.clock(), ctx.config(), who);   // no token module needed
    workflows::DayVerifyReport r = closing.verify(day, checker);
    json j = {{"business_day", day},
              {"ok", r.ok},
              {"chain_ok", r.chain.ok},
              {"checked", r.chain.checked},
              {"head_matches", r.head_matches},
              {"statement_matches", r.statement_matches},
              {"signature_ok", r.signature_ok},
              {"signer", r.close.signer_kind},
              {"closed_by", r.close.closed_by}};
    if (!r.ok) {
      j["problem"] = r.problem;
      if (r.bad_seq) j["first_bad_seq"] = *r.bad_seq;
      if (as_json) std::cout << j.dump(2) << "\n";
      throw JournalIntegrityError(r.problem);
    }
    j["signer_subject"] = pki::subject_of(r.close.signer_cert);
    out(j, fmt::format(fmt::runtime(tr("The close of {} verifies: the journal is intact ({} entries), the signed head is in it, the statement matches the journal, and the signature of {} ({}) is valid.")),
                       day, r.chain.checked, r.close.closed_by, pki::subject_of(r.close.signer_cert)));
    return 0;
  }

  int export_statement() {
    std::string day = day_word();
    fs::path outp = need("--out");
    AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    workflows::DayReview allowed(ctx.db(), who);   // review_day
    auto rec = db::DayCloses(ctx.db()).by_day(day);
    if (!rec)
      throw RuleRefused(codes::not_found, "day-close",
                        fmt::format(fmt::runtime(tr("{} has not been closed; there is no signed statement to export.")), day));
    fs::path sig = outp, cert = outp, pub = outp;
    sig += ".sig";
    cert += ".cert.pem";
    pub += ".pubkey.pem";
    write_file(outp, rec->statement);
    write_file(sig, std::string(rec->signature.begin(), rec->signature.end()));
    pki::X509Ptr x = pki::x509_from_der(rec->signer_cert);
    write_file(cert, pki::to_pem(x.get()));
    write_file(pub, pki::public_key_pem(rec->signer_cert));
    out({{"statement", outp.string()}, {"signature", sig.string()}, {"certificate", cert.string()}, {"public_key", pub.string()}},
        fmt::format(fmt::runtime(tr("Statement {}, signature {}, certificate {}, public key {}. Check with: openssl dgst -sha256 -verify {} -signature {} {}")),
                    outp.string(), sig.string(), cert.string(), pub.string(), pub.string(), sig.string(), outp.string()));
    return 0;
  }

  int correct() {
    std::string seq_text = word(2, "the seq of the entry to correct");
    std::int64_t seq = 0;
    try {
      seq = std::stoll(seq_text);
    } catch (const std::exception&) {
      throw DayUsageError(fmt::format(fmt::runtime(tr("'{}' is not a journal seq.")), seq_text));
    }
    AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    workflows::DayClose closing(ctx.db(), ctx.journal(), ctx.clock(), ctx.config(), who);
    db::JournalEntry e = closing.correct(seq, need("--reason"));
    out({{"seq", e.seq}, {"business_day", e.business_day}, {"corrects", seq}},
        fmt::format(fmt::runtime(tr("Entry {} ({}) records the correction of entry {}.")), e.seq, e.business_day, seq));
    return 0;
  }

  int list() {
    AppContext ctx(data_dir, clock);
    workflows::Actor who = login(ctx);
    workflows::DayReview review(ctx.db(), who);
    db::DayCloses closes(ctx.db());
    json a = json::array();
    std::string plain;
    for (const auto& d : review.days(60)) {
      bool closed = closes.is_closed(d);
      a.push_back({{"business_day", d}, {"closed", closed}});
      plain += d + (closed ? "  closed\n" : "  open\n");
    }
    out(a, plain);
    return 0;
  }

  int enroll() {
    std::string name = word(2, "the supervisor's name");
    std::string serial = get("--token").value_or(get("--serial").value_or(""));
    if (serial.empty()) throw DayUsageError(fmt::format(fmt::runtime(tr("{} is required here.")), "--token"));
    Secret pin = read_secret(need("--new-pin-file"), tr_noop("new PIN"));
    AppContext ctx(data_dir, clock);
    workflows::Actor admin = login(ctx);
    db::StaffToken t = enroll_staff_token(ctx, admin, name, serial, pin);
    out({{"name", name}, {"token_serial", t.token_serial}, {"cert_serial", t.cert_serial},
         {"subject", pki::subject_of(t.cert_der)}},
        fmt::format(fmt::runtime(tr("{} now signs day closes with token {} (certificate {}).")), name, t.token_serial,
                    t.cert_serial));
    return 0;
  }
};

}  // namespace

int run_day_cli(const std::vector<std::string>& words, const std::map<std::string, std::string>& opts, bool json,
                const std::filesystem::path& data_dir) {
  DayCli cli{words, opts, json, data_dir, {}};
  std::string cmd = words.empty() ? "" : words[0];
  std::string sub = words.size() > 1 ? words[1] : "";
  if (cmd == "day" && sub == "report") return cli.report();
  if (cmd == "day" && sub == "close") return cli.close();
  if (cmd == "day" && sub == "verify") return cli.verify();
  if (cmd == "day" && sub == "export-statement") return cli.export_statement();
  if (cmd == "day" && sub == "correct") return cli.correct();
  if (cmd == "day" && sub == "list") return cli.list();
  if (cmd == "staff" && sub == "enroll-token") return cli.enroll();
  throw DayUsageError(fmt::format(fmt::runtime(tr("Unknown command '{}'.")), cmd + (sub.empty() ? "" : " " + sub)));
}

}  // namespace certdesk::app
