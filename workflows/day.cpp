#include "workflows/day.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/repositories.h"
#include "workflows/documents.h"
#include "workflows/states.h"

namespace certdesk::workflows {

namespace {

constexpr int kPage = 1000;

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

void check_day(const std::string& day) {
  text::business_day_start(day, 0);   // throws InputError on a malformed or impossible date
  if (day.size() != 10)
    throw InputError(codes::bad_request,
                     fmt::format(fmt::runtime(tr("'{}' is not a business day; write it as YYYY-MM-DD.")), day));
}

// A value on one line of the statement: line breaks cannot occur in checked
// text, but a damaged row must not be able to forge a line.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string opt_seq(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

struct Acc {
  std::int64_t entries = 0, receipts = 0, amount = 0;
  std::set<std::int64_t> orders;
};

std::vector<TotalRow> rows_of(const std::map<std::string, Acc>& m) {
  std::vector<TotalRow> out;
  for (const auto& [k, a] : m)
    out.push_back(TotalRow{k, a.entries, static_cast<std::int64_t>(a.orders.size()), a.receipts, a.amount});
  return out;
}

}  // namespace

const char* to_string(ExceptionKind k) {
  switch (k) {
    case ExceptionKind::failure: return "failure";
    case ExceptionKind::override: return "override";
    case ExceptionKind::waiver: return "waiver";
    case ExceptionKind::void_receipt: return "void";
    case ExceptionKind::unlock: return "unlock";
    case ExceptionKind::unfinished: return "unfinished";
  }
  return "?";
}

namespace {
// Every action the journal records (SPEC §5), for action_label().
constexpr const char* kActions[] = {
    tr_noop_ctx("action", "login"),
    tr_noop_ctx("action", "login.refused"),
    tr_noop_ctx("action", "logout"),
    tr_noop_ctx("action", "data_dir.created"),
    tr_noop_ctx("action", "staff.added"),
    tr_noop_ctx("action", "staff.token_enrolled"),
    tr_noop_ctx("action", "staff.token_unlocked"),
    tr_noop_ctx("action", "setting.changed"),
    tr_noop_ctx("action", "staff.disabled"),
    tr_noop_ctx("action", "staff.enabled"),
    tr_noop_ctx("action", "staff.locked"),
    tr_noop_ctx("action", "staff.unlocked"),
    tr_noop_ctx("action", "staff.password_changed"),
    tr_noop_ctx("action", "staff.password_refused"),
    tr_noop_ctx("action", "staff.password_reset"),
    tr_noop_ctx("action", "staff.renamed"),
    tr_noop_ctx("action", "fee.changed"),
    tr_noop_ctx("action", "hall.joined"),
    tr_noop_ctx("action", "hall.closed"),
    tr_noop_ctx("action", "token.state"),
    tr_noop_ctx("action", "workstation.key_created"),
    tr_noop_ctx("action", "order.created"),
    tr_noop_ctx("action", "order.refused"),
    tr_noop_ctx("action", "order.documents_checked"),
    tr_noop_ctx("action", "override"),
    tr_noop_ctx("action", "approval"),
    tr_noop_ctx("action", "approval.refused"),
    tr_noop_ctx("action", "payment"),
    tr_noop_ctx("action", "receipt.printed"),
    tr_noop_ctx("action", "receipt.reprinted"),
    tr_noop_ctx("action", "slip.printed"),
    tr_noop_ctx("action", "receipt.voided"),
    tr_noop_ctx("action", "order.plan"),
    tr_noop_ctx("action", "order.step"),
    tr_noop_ctx("action", "token.initialised"),
    tr_noop_ctx("action", "token.personalising"),
    tr_noop_ctx("action", "token.pin_set"),
    tr_noop_ctx("action", "token.key_planned"),
    tr_noop_ctx("action", "token.keygen"),
    tr_noop_ctx("action", "cert.issued"),
    tr_noop_ctx("action", "token.cert_stored"),
    tr_noop_ctx("action", "token.active"),
    tr_noop_ctx("action", "token.old_removed"),
    tr_noop_ctx("action", "token.updated"),
    tr_noop_ctx("action", "token.unlocked"),
    tr_noop_ctx("action", "token.wiped"),
    tr_noop_ctx("action", "token.new_key_removed"),
    tr_noop_ctx("action", "token.suspended"),
    tr_noop_ctx("action", "token.found"),
    tr_noop_ctx("action", "token.lost"),
    tr_noop_ctx("action", "cert.revoked"),
    tr_noop_ctx("action", "order.cancelled_certificate"),
    tr_noop_ctx("action", "order.handed_over"),
    tr_noop_ctx("action", "order.completed"),
    tr_noop_ctx("action", "order.waiting"),
    tr_noop_ctx("action", "order.interrupted"),
    tr_noop_ctx("action", "order.cancelled"),
    tr_noop_ctx("action", "order.failed"),
    tr_noop_ctx("action", "order.rolled_back"),
    tr_noop_ctx("action", "unlock_code.issued"),
    tr_noop_ctx("action", "unlock_code.redeemed"),
    tr_noop_ctx("action", "unlock_code.refused"),
    tr_noop_ctx("action", "day.closed"),
    tr_noop_ctx("action", "correction"),
};
}  // namespace

std::string action_label(const std::string& action) {
  for (const char* a : kActions)
    if (action == a) return tr_ctx("action", a);
  return action;
}

std::string step_label(const std::string& step) {
  if (std::optional<OrderState> s = find_order_state(step)) return tr_ctx("state", to_string(*s));
  return action_label(step);
}

unsigned exception_flags(const db::JournalEntry& e) {
  const db::JournalRecord& r = e.record;
  unsigned f = 0;
  if (r.outcome != codes::ok) f |= flag(ExceptionKind::failure);
  if (r.action == "override") f |= flag(ExceptionKind::override);
  if (r.action == "payment" && starts_with(r.details, "waived by")) f |= flag(ExceptionKind::waiver);
  if (r.action == "receipt.voided") f |= flag(ExceptionKind::void_receipt);
  if (r.action == "token.unlocked") f |= flag(ExceptionKind::unlock);
  return f;
}

bool ends_order(const std::string& action) {
  return action == "order.completed" || action == "order.cancelled" || action == "order.failed" ||
         action == "order.rolled_back";
}

bool moves_order(const std::string& action) {
  return !(starts_with(action, "receipt.") || starts_with(action, "approval") || action == "correction");
}

bool matches(const db::JournalEntry& e, const JournalFilter& f) {
  const db::JournalRecord& r = e.record;
  if (!f.staff.empty() && r.staff != f.staff) return false;
  if (!f.flow.empty() && r.flow != f.flow) return false;
  if (!f.organisation.empty() && r.organisation != f.organisation) return false;
  if (f.outcome == JournalFilter::Outcome::ok && r.outcome != codes::ok) return false;
  if (f.outcome == JournalFilter::Outcome::failed && r.outcome == codes::ok) return false;
  return true;
}

// ---- DayReview -------------------------------------------------------------------

DayReview::DayReview(db::Database& db, const Actor& who) : db_(db) { require(who, Permission::review_day); }

std::vector<db::JournalEntry> DayReview::page(const std::string& day, const JournalFilter& filter, std::int64_t after_seq,
                                              int limit) {
  check_day(day);
  return db::DayJournal(db_).page(day, filter, after_seq, limit);
}

void DayReview::for_each(const std::string& day, const JournalFilter& filter,
                         const std::function<void(const db::JournalEntry&)>& f) {
  check_day(day);
  db::DayJournal journal(db_);
  std::int64_t after = 0;
  for (;;) {
    std::vector<db::JournalEntry> p = journal.page(day, filter, after, kPage);
    for (const auto& e : p) f(e);
    if (static_cast<int>(p.size()) < kPage) break;
    after = p.back().seq;
  }
}

std::vector<db::JournalEntry> DayReview::entries(const std::vector<std::int64_t>& seqs) { return db::DayJournal(db_).at(seqs); }

std::vector<db::JournalEntry> DayReview::order_history(db::Id order_id) {
  // Journal::entries_of_order reads through the partial index journal_order.
  db::Journal reader(db_, "", 0);
  return reader.entries_of_order(order_id);
}

std::vector<std::string> DayReview::days(int limit) { return db::DayJournal(db_).days(limit); }

DaySummary DayReview::summary(const std::string& day) {
  DaySummary s;
  s.business_day = day;
  std::map<std::string, Acc> flows, tellers, methods;
  struct Receipt {
    std::int64_t amount = 0;
    std::string method, flow, staff;
    bool voided = false;
  };
  std::map<std::string, Receipt> receipts;   // of this day, by number
  struct OrderSeen {
    db::JournalEntry last;
  };
  std::map<std::int64_t, OrderSeen> orders;
  std::string hashes;
  db::Payments payments(db_);

  for_each(day, {}, [&](const db::JournalEntry& e) {
    const db::JournalRecord& r = e.record;
    ++s.entries;
    if (!s.first_seq) s.first_seq = e.seq;
    s.last_seq = e.seq;
    hashes += e.hash;
    Acc& t = tellers[r.staff];
    ++t.entries;
    if (r.order_id) t.orders.insert(*r.order_id);
    if (!r.flow.empty()) {
      Acc& fl = flows[r.flow];
      ++fl.entries;
      if (r.order_id) fl.orders.insert(*r.order_id);
    }
    if (r.order_id && moves_order(r.action)) orders[*r.order_id].last = e;

    if (r.action == "payment" && !r.receipt_no.empty()) {
      ++s.receipts_issued;
      Receipt rc;
      rc.amount = r.amount_fen.value_or(0);
      auto p = payments.by_receipt_no(r.receipt_no);
      rc.method = p ? p->method : "unknown";
      rc.flow = r.flow;
      rc.staff = r.staff;
      receipts[r.receipt_no] = rc;
    }
    if (r.action == "receipt.voided") {
      ++s.voids;
      s.voided_fen += r.amount_fen.value_or(0);
      auto it = receipts.find(r.receipt_no);
      if (it != receipts.end() && !it->second.voided) {
        it->second.voided = true;
        ++s.receipts_voided;
      }
    }
    unsigned f = exception_flags(e);
    for (ExceptionKind k : {ExceptionKind::failure, ExceptionKind::override, ExceptionKind::waiver,
                            ExceptionKind::void_receipt, ExceptionKind::unlock})
      if (f & flag(k)) s.exceptions.push_back({k, e});
  });

  for (const auto& [no, rc] : receipts) {
    if (rc.voided) continue;
    s.fee_total_fen += rc.amount;
    Acc& m = methods[rc.method];
    ++m.receipts;
    m.amount += rc.amount;
    Acc& t = tellers[rc.staff];
    ++t.receipts;
    t.amount += rc.amount;
    if (!rc.flow.empty()) {
      Acc& fl = flows[rc.flow];
      ++fl.receipts;
      fl.amount += rc.amount;
    }
  }
  for (const auto& [id, o] : orders)
    if (!ends_order(o.last.record.action)) s.exceptions.push_back({ExceptionKind::unfinished, o.last});

  std::stable_sort(s.exceptions.begin(), s.exceptions.end(), [](const DayException& a, const DayException& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.entry.seq < b.entry.seq;
  });
  for (const auto& x : s.exceptions) {
    switch (x.kind) {
      case ExceptionKind::failure: ++s.failures; break;
      case ExceptionKind::override: ++s.overrides; break;
      case ExceptionKind::waiver: ++s.waivers; break;
      case ExceptionKind::void_receipt: break;   // counted as voids above
      case ExceptionKind::unlock: ++s.unlocks; break;
      case ExceptionKind::unfinished: ++s.unfinished_orders; break;
    }
  }
  s.day_entries_sha256 = crypto::sha256_hex(hashes);
  s.by_flow = rows_of(flows);
  s.by_teller = rows_of(tellers);
  s.by_method = rows_of(methods);
  return s;
}

std::vector<ReviewRow> DayReview::rows(const std::string& day, const JournalFilter& filter) {
  std::vector<ReviewRow> out;
  // Which entry is the last of its order that day (an unfinished order shows there).
  std::unordered_map<std::int64_t, std::pair<std::size_t, bool>> last_of_order;   // order → (row index or npos, ends)
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  for_each(day, {}, [&](const db::JournalEntry& e) {
    bool keep = matches(e, filter);
    if (keep) out.push_back({e.seq, exception_flags(e)});
    if (e.record.order_id && moves_order(e.record.action)) last_of_order[*e.record.order_id] = {keep ? out.size() - 1 : none, ends_order(e.record.action)};
  });
  for (const auto& [id, v] : last_of_order)
    if (!v.second && v.first != none) out[v.first].flags |= flag(ExceptionKind::unfinished);
  std::stable_partition(out.begin(), out.end(), [](const ReviewRow& r) { return r.flags != 0; });
  out.shrink_to_fit();
  return out;
}

std::int64_t DayReview::receipts_table_total(const std::string& day, int utc_offset_minutes) {
  check_day(day);
  Seconds start = text::business_day_start(day, utc_offset_minutes);
  std::string from = text::iso_utc(start), to = text::iso_utc(start + std::chrono::hours(24));
  std::int64_t total = 0;
  db::Payments payments(db_);
  // Through the journal's payment entries of the day (the payments table has no
  // index on time), then each receipt's current status in the payments table.
  for_each(day, {}, [&](const db::JournalEntry& e) {
    if (e.record.action != "payment" || e.record.receipt_no.empty()) return;
    auto p = payments.by_receipt_no(e.record.receipt_no);
    if (p && p->status == "issued" && p->created_utc >= from && p->created_utc < to) total += p->amount_fen;
  });
  return total;
}

// ---- statement -------------------------------------------------------------------

std::string statement_text(const DaySummary& s, const CloseFacts& f) {
  std::string out = "certdesk-day-close-v2\n";
  auto line = [&](const std::string& k, const std::string& v) { out += one_line(k) + ": " + one_line(v) + "\n"; };
  auto num = [&](const std::string& k, std::int64_t v) { line(k, std::to_string(v)); };
  line("branch", f.branch);
  line("business_day", s.business_day);
  num("utc_offset_minutes", f.utc_offset_minutes);
  num("entries", s.entries);
  line("first_seq", opt_seq(s.first_seq));
  line("last_seq", opt_seq(s.last_seq));
  line("day_entries_sha256", s.day_entries_sha256);
  num("head_seq", f.head_seq);
  line("head_hash", f.head_hash);
  num("receipts_issued", s.receipts_issued);
  num("receipts_voided", s.receipts_voided);
  num("fee_total_fen", s.fee_total_fen);
  num("voids", s.voids);
  num("voided_fen", s.voided_fen);
  num("failures", s.failures);
  num("overrides", s.overrides);
  num("waivers", s.waivers);
  num("unlocks", s.unlocks);
  num("unfinished_orders", s.unfinished_orders);
  auto rows = [&](const char* prefix, const std::vector<TotalRow>& v) {
    for (const auto& r : v)
      line(std::string(prefix) + r.key, fmt::format("entries={} orders={} receipts={} amount_fen={}", r.entries, r.orders,
                                                    r.receipts, r.amount_fen));
  };
  rows("flow.", s.by_flow);
  rows("teller.", s.by_teller);
  for (const auto& r : s.by_method) line("method." + r.key, fmt::format("receipts={} amount_fen={}", r.receipts, r.amount_fen));
  line("closed_by", f.closed_by);
  line("closed_utc", f.closed_utc);
  line("signer", f.signer);
  line("signer_certificate_sha256", f.signer_certificate_sha256);
  line("previous_close_sha256", f.previous_close_sha256);
  return out;
}

// ---- pinned keys and chained closes ---------------------------------------------

namespace {

constexpr const char* kEnrolledSays = " signs day closes with this token (key fingerprint ";

// The value of "key: value" in a statement; nullopt when the line is not there.
std::optional<std::string> statement_field(const std::string& statement, const std::string& key) {
  const std::string start = "\n" + key + ": ";
  std::size_t at = statement.find(start);
  if (at == std::string::npos) return std::nullopt;
  at += start.size();
  std::size_t end = statement.find('\n', at);
  return statement.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string short_hash(const std::string& h) { return h.size() > 16 ? h.substr(0, 16) + "…" : h; }

// The statement hash of the newest close the journal holds, else the genesis.
std::string previous_close(db::Database& db, std::int64_t head_seq) {
  std::string prev = kGenesisClose;
  for (const auto& e : db::DayJournal(db).close_facts(head_seq))
    if (auto c = journaled_close(e)) prev = c->statement_sha256;
  return prev;
}

struct Finding {
  std::string problem;
  std::optional<std::int64_t> seq;
};

// Walks the journal's day.closed entries against the day_closes rows (the rules in day.h).
std::optional<Finding> close_chain_problem(db::Database& db, const std::vector<db::JournalEntry>& facts) {
  // First the days closed twice: a redo also replaces the row, which the walk would name first.
  std::vector<std::pair<const db::JournalEntry*, JournaledClose>> journaled;
  std::map<std::string, std::int64_t> seen;
  for (const auto& e : facts) {
    if (e.record.action != "day.closed") continue;
    auto c = journaled_close(e);
    if (!c) return Finding{msg(tr("journal entry {} says a day was closed but does not name the day and the statement: it was not written by certdesk"), e.seq), e.seq};
    if (auto before = seen.find(c->business_day); before != seen.end())
      return Finding{msg(tr("the close of {} was redone: journal entries {} and {} both close it (the first close was removed and the day closed again)"),
                         c->business_day, before->second, e.seq),
                     e.seq};
    seen.emplace(c->business_day, e.seq);
    journaled.emplace_back(&e, std::move(*c));
  }
  db::DayCloses closes(db);
  std::string prev = kGenesisClose;
  for (const auto& [entry, c_value] : journaled) {
    const db::JournalEntry& e = *entry;
    const JournaledClose* c = &c_value;
    auto row = closes.by_day(c->business_day);
    if (!row)
      return Finding{msg(tr("the close of {} (journal entry {}) was removed from the record of closes"), c->business_day, e.seq), e.seq};
    if (row->statement_sha256 != c->statement_sha256 || crypto::sha256_hex(row->statement) != c->statement_sha256)
      return Finding{msg(tr("the close of {} was replaced: journal entry {} recorded statement {}, the record now holds {}"),
                         c->business_day, e.seq, short_hash(c->statement_sha256), short_hash(crypto::sha256_hex(row->statement))),
                     e.seq};
    const std::string named = statement_field(row->statement, "previous_close_sha256").value_or("-");
    if (named != prev)
      return Finding{msg(tr("the close of {} names {} as the close before it, but the journal's close before it is {}: a close was removed or redone"),
                         c->business_day, short_hash(named), short_hash(prev)),
                     e.seq};
    prev = c->statement_sha256;
  }
  for (const auto& day : closes.closed_days(1 << 30))
    if (!seen.count(day))
      return Finding{msg(tr("the close of {} has no day.closed entry in the journal: it was added to the record afterwards"), day), std::nullopt};
  return std::nullopt;
}

}  // namespace

std::string enrolment_details(const std::string& supervisor, const std::string& fingerprint) {
  return supervisor + kEnrolledSays + fingerprint + ")";
}

std::optional<std::string> enrolled_fingerprint(const db::JournalEntry& e, const std::string& supervisor) {
  if (e.record.action != "staff.token_enrolled") return std::nullopt;
  const std::string& d = e.record.details;
  const std::string start = supervisor + kEnrolledSays;
  if (d.size() <= start.size() || d.compare(0, start.size(), start) != 0 || d.back() != ')') return std::nullopt;
  return d.substr(start.size(), d.size() - start.size() - 1);
}

std::optional<JournaledClose> journaled_close(const db::JournalEntry& e) {
  // "closes 2026-11-22: … statement sha256 <64 hex>, …" (DayClose::close)
  const std::string& d = e.record.details;
  if (e.record.action != "day.closed" || d.size() < 18 || d.compare(0, 7, "closes ") != 0 || d[17] != ':')
    return std::nullopt;
  const std::size_t at = d.find("statement sha256 ");
  if (at == std::string::npos || d.size() < at + 17 + 64) return std::nullopt;
  return JournaledClose{d.substr(7, 10), d.substr(at + 17, 64)};
}

SignedCloseCheck check_signed_close(const db::DayCloseRecord& rec, const std::vector<db::JournalEntry>& facts,
                                    SignatureChecker& checker) {
  SignedCloseCheck r;
  const std::string& day = rec.business_day;
  r.statement_hash_ok = crypto::sha256_hex(rec.statement) == rec.statement_sha256;
  if (!r.statement_hash_ok)
    r.statement_problem = msg(tr("the statement of the close of {} no longer has the hash that was recorded"), day);
  std::string why = checker.check(rec.signer_cert, rec.statement, rec.signature);
  r.signature_ok = why.empty();
  if (!r.signature_ok)
    r.signature_problem = fmt::format(fmt::runtime(tr("the signature of the close of {} does not verify: {}")), day, why);
  for (const auto& e : facts)
    if (e.seq <= rec.head_seq)
      if (auto fp = enrolled_fingerprint(e, rec.closed_by)) {
        r.pinned_fingerprint = *fp;
        r.enrolment_seq = e.seq;
      }
  try {
    r.signer_fingerprint = checker.key_fingerprint(rec.signer_cert);
  } catch (const Error&) {
    r.signer_fingerprint.clear();   // an unreadable certificate is named below as an unpinned key
  }
  r.key_pinned = rec.signer_kind == "supervisor" && r.enrolment_seq && !r.signer_fingerprint.empty() &&
                 r.signer_fingerprint == r.pinned_fingerprint;
  if (!r.key_pinned) {
    if (rec.signer_kind != "supervisor")
      r.pin_problem = msg(tr("the close of {} was signed with the {} key, not with {}'s own token: only a supervisor's token closes a day"),
                          day, rec.signer_kind, rec.closed_by);
    else if (!r.enrolment_seq)
      r.pin_problem = msg(tr("the journal up to the close of {} (entry {}) enrols no signing token for {} with a key fingerprint: the key that signed cannot be pinned"),
                          day, rec.head_seq, rec.closed_by);
    else
      r.pin_problem = msg(tr("the close of {} was signed with the key {}, but the key enrolled for {} at the time (journal entry {}) is {}: another token signed it"),
                          day, r.signer_fingerprint.empty() ? std::string("-") : r.signer_fingerprint, rec.closed_by,
                          *r.enrolment_seq, r.pinned_fingerprint);
  }
  return r;
}

// ---- DayClose --------------------------------------------------------------------

DayClose::DayClose(db::Database& db, db::Journal& journal, const Clock& clock, const CounterConfig& config, const Actor& who)
    : db_(db), journal_(journal), clock_(clock), config_(config), who_(who) {
  require(who, Permission::review_day);
}

void DayClose::check_closable(const std::string& day) const {
  require(who_, Permission::close_day);
  check_day(day);
  const Seconds now = clock_.now();
  const std::string today = text::business_day(now, config_.utc_offset_minutes);
  if (day > today)
    throw RuleRefused(codes::rule_refused, "day-close",
                      fmt::format(fmt::runtime(tr("{} has not begun yet (today is {}); a day is closed at its end.")), day,
                                  today));
  db::DayCloses closes(db_);
  if (closes.is_closed(day))
    throw RuleRefused(codes::duplicate, "day-close",
                      fmt::format(fmt::runtime(tr("{} is already closed; nothing of it can change. A correction is a new entry on a later day.")),
                                  day));
}

db::DayCloseRecord DayClose::close(const std::string& day, StatementSigner& signer) {
  check_closable(day);
  if (signer.kind() != "supervisor")
    throw RuleRefused(codes::rule_refused, "day-close",
                      tr("A day is closed only with the supervisor's own signing token."));
  const Seconds now = clock_.now();
  db::DayCloses closes(db_);
  Bytes cert = signer.certificate();

  // One write transaction: nothing can be appended between the figures and the close.
  db::Transaction tx(db_);
  if (closes.is_closed(day))
    throw RuleRefused(codes::duplicate, "day-close", fmt::format(fmt::runtime(tr("{} is already closed.")), day));
  db::JournalHead head = journal_.head();
  for (const auto& e : db::DayJournal(db_).close_facts(head.count))
    if (auto c = journaled_close(e); c && c->business_day == day)
      throw JournalIntegrityError(msg(tr("{} was closed before (journal entry {}), but the record of that close is gone: the data folder was tampered with. Nothing was signed; run day verify and call the hall."),
                                      day, e.seq));
  DayReview review(db_, who_);
  DaySummary summary = review.summary(day);
  CloseFacts facts;
  facts.branch = config_.branch;
  facts.utc_offset_minutes = config_.utc_offset_minutes;
  facts.head_seq = head.count;
  facts.head_hash = head.hash;
  facts.closed_by = who_.name;
  facts.closed_utc = text::iso_utc(now);
  facts.signer = signer.kind();
  facts.signer_certificate_sha256 = crypto::sha256_hex(std::string_view(reinterpret_cast<const char*>(cert.data()), cert.size()));
  facts.previous_close_sha256 = previous_close(db_, head.count);
  db::DayCloseRecord rec;
  rec.statement = statement_text(summary, facts);
  rec.signature = signer.sign(rec.statement);
  rec.business_day = day;
  rec.closed_utc = facts.closed_utc;
  rec.closed_by = who_.name;
  rec.entry_count = summary.entries;
  rec.first_seq = summary.first_seq;
  rec.last_seq = summary.last_seq;
  rec.head_seq = head.count;
  rec.head_hash = head.hash;
  rec.fee_total_fen = summary.fee_total_fen;
  rec.statement_sha256 = crypto::sha256_hex(rec.statement);
  rec.signer_kind = facts.signer;
  rec.signer_cert = cert;
  closes.insert(rec);
  journal_.append({.staff = who_.name,
                     .action = "day.closed",
                     .amount_fen = summary.fee_total_fen,
                     .details = fmt::format("closes {}: {} entries (seq {}–{}), head {} at seq {}, statement sha256 {}, "
                                            "signed with the {} key",
                                            day, summary.entries, opt_seq(summary.first_seq), opt_seq(summary.last_seq),
                                            head.hash, head.count, rec.statement_sha256, facts.signer)},
                    now);
  tx.commit();
  return rec;
}

DayVerifyReport DayClose::verify(const std::string& day, SignatureChecker& checker,
                                 const std::function<void(std::int64_t, std::int64_t)>& progress) {
  check_day(day);
  auto rec = db::DayCloses(db_).by_day(day);
  const std::vector<db::JournalEntry> journaled = db::DayJournal(db_).close_facts(std::numeric_limits<std::int64_t>::max());
  if (!rec) {
    for (const auto& e : journaled)
      if (auto c = journaled_close(e); c && c->business_day == day) {
        DayVerifyReport gone;
        gone.chain = journal_.verify(progress);
        gone.problem = msg(tr("the close of {} (journal entry {}) was removed from the record of closes"), day, e.seq);
        gone.problems.push_back(gone.problem);
        gone.bad_seq = e.seq;
        return gone;
      }
    throw RuleRefused(codes::not_found, "day-close",
                      fmt::format(fmt::runtime(tr("{} has not been closed; there is no signed statement to verify.")), day));
  }
  DayVerifyReport r;
  r.close = *rec;
  auto fail = [&](std::string why, std::optional<std::int64_t> seq = std::nullopt) {
    if (r.problem.empty()) {
      r.problem = why;
      r.bad_seq = seq;
    }
    r.problems.push_back(std::move(why));
  };

  // 1. The chain, whole.
  r.chain = journal_.verify(progress);
  if (!r.chain.ok) {
    std::string where;
    if (r.chain.first_bad_seq && rec->first_seq && rec->last_seq && *r.chain.first_bad_seq >= *rec->first_seq &&
        *r.chain.first_bad_seq <= *rec->last_seq)
      where = fmt::format(fmt::runtime(tr(" (an entry of {}, the day being verified)")), day);
    fail(r.chain.message + where, r.chain.first_bad_seq);
  }

  // 2. The head signed is still the entry at head_seq.
  if (rec->head_seq == 0) {
    r.head_matches = rec->head_hash == std::string(64, '0');
  } else if (auto e = db::DayJournal(db_).at(rec->head_seq)) {
    r.head_matches = e->hash == rec->head_hash && db::Journal::entry_hash(*e) == e->hash;
  }
  if (!r.head_matches)
    fail(fmt::format(fmt::runtime(tr("entry {} (the journal's head when {} was closed) no longer has the hash that was signed: the journal up to it was changed")),
                     rec->head_seq, day),
         rec->head_seq);

  // 3. The statement, recomputed from the journal.
  DayReview review(db_, who_);
  DaySummary summary = review.summary(day);
  CloseFacts facts;
  facts.branch = config_.branch;
  facts.utc_offset_minutes = config_.utc_offset_minutes;
  facts.head_seq = rec->head_seq;
  facts.head_hash = rec->head_hash;
  facts.closed_by = rec->closed_by;
  facts.closed_utc = rec->closed_utc;
  facts.signer = rec->signer_kind;
  facts.signer_certificate_sha256 =
      crypto::sha256_hex(std::string_view(reinterpret_cast<const char*>(rec->signer_cert.data()), rec->signer_cert.size()));
  facts.previous_close_sha256 = statement_field(rec->statement, "previous_close_sha256").value_or("");   // checked in 6.
  std::string again = statement_text(summary, facts);
  r.statement_matches = again == rec->statement && crypto::sha256_hex(rec->statement) == rec->statement_sha256 &&
                        rec->entry_count == summary.entries && rec->fee_total_fen == summary.fee_total_fen &&
                        rec->first_seq == summary.first_seq && rec->last_seq == summary.last_seq;
  if (!r.statement_matches) {
    // Name the first line that differs.
    std::string signed_line, now_line;
    std::size_t a = 0, b = 0;
    while (a < rec->statement.size() || b < again.size()) {
      std::size_t ea = rec->statement.find('\n', a), eb = again.find('\n', b);
      signed_line = rec->statement.substr(a, ea == std::string::npos ? std::string::npos : ea - a);
      now_line = again.substr(b, eb == std::string::npos ? std::string::npos : eb - b);
      if (signed_line != now_line) break;
      a = ea == std::string::npos ? rec->statement.size() : ea + 1;
      b = eb == std::string::npos ? again.size() : eb + 1;
      signed_line.clear();
      now_line.clear();
    }
    fail(signed_line.empty() && now_line.empty()
             ? fmt::format(fmt::runtime(tr("the stored record of the close of {} was changed")), day)
             : fmt::format(fmt::runtime(tr("the journal of {} no longer gives the signed statement: it signed '{}', the journal now gives '{}'")),
                           day, signed_line, now_line));
  }

  // 4. The signature; 5. the key is the one enrolled for the supervisor at the time (inside the signed head).
  const SignedCloseCheck signed_check = check_signed_close(*rec, journaled, checker);
  r.signature_ok = signed_check.signature_ok;
  if (!r.signature_ok) fail(signed_check.signature_problem);
  r.pinned_fingerprint = signed_check.pinned_fingerprint;
  r.signer_fingerprint = signed_check.signer_fingerprint;
  r.key_pinned = signed_check.key_pinned;
  if (!r.key_pinned)
    fail(signed_check.pin_problem, rec->signer_kind != "supervisor" ? std::nullopt
                                   : signed_check.enrolment_seq     ? signed_check.enrolment_seq
                                                                    : std::optional<std::int64_t>(rec->head_seq));

  // 6. The chain of closes.
  std::optional<Finding> broken = close_chain_problem(db_, journaled);
  r.close_chain_ok = !broken;
  if (broken) fail(broken->problem, broken->seq);

  r.ok = r.chain.ok && r.head_matches && r.statement_matches && r.signature_ok && r.key_pinned && r.close_chain_ok;
  return r;
}

db::JournalEntry DayClose::correct(std::int64_t seq, const std::string& note) {
  require(who_, Permission::close_day);
  std::string why = text::checked(tr("correction note"), note, kMaxReason);
  auto old = db::DayJournal(db_).at(seq);
  if (!old)
    throw RuleRefused(codes::not_found, "correction",
                      fmt::format(fmt::runtime(tr("There is no journal entry {} to correct.")), seq));
  db::Transaction tx(db_);
  db::JournalEntry e = journal_.append({.staff = who_.name,
                                          .action = "correction",
                                          .order_id = old->record.order_id,
                                          .organisation = old->record.organisation,
                                          .token_serial = old->record.token_serial,
                                          .cert_serial = old->record.cert_serial,
                                          .receipt_no = old->record.receipt_no,
                                          .details = fmt::format("corrects seq {}: {}", seq, why),
                                          .flow = old->record.flow},
                                         clock_.now());
  tx.commit();
  return e;
}

}  // namespace certdesk::workflows
