#include "db/day_close.h"

#include <algorithm>

#include "db/detail.h"

namespace certdesk::db {

namespace {

std::vector<std::uint8_t> blob(const SQLite::Column& c) {
  const auto* p = static_cast<const std::uint8_t*>(c.getBlob());
  return std::vector<std::uint8_t>(p, p + c.getBytes());
}

constexpr const char* kCloseColumns =
    "business_day, closed_utc, closed_by, entry_count, first_seq, last_seq, head_seq, head_hash, fee_total_fen, "
    "statement, statement_sha256, signature, signer_kind, signer_cert";

DayCloseRecord read_close(SQLite::Statement& q) {
  DayCloseRecord r;
  r.business_day = q.getColumn(0).getString();
  r.closed_utc = q.getColumn(1).getString();
  r.closed_by = q.getColumn(2).getString();
  r.entry_count = q.getColumn(3).getInt64();
  r.first_seq = detail::opt_int(q.getColumn(4));
  r.last_seq = detail::opt_int(q.getColumn(5));
  r.head_seq = q.getColumn(6).getInt64();
  r.head_hash = q.getColumn(7).getString();
  r.fee_total_fen = q.getColumn(8).getInt64();
  r.statement = q.getColumn(9).getString();
  r.statement_sha256 = q.getColumn(10).getString();
  r.signature = blob(q.getColumn(11));
  r.signer_kind = q.getColumn(12).getString();
  r.signer_cert = blob(q.getColumn(13));
  return r;
}

constexpr const char* kTokenColumns =
    "id, staff_id, token_serial, key_id, cert_serial, cert_der, enrolled_utc, active, key_fingerprint";

StaffToken read_token(SQLite::Statement& q) {
  StaffToken t;
  t.id = q.getColumn(0).getInt64();
  t.staff_id = q.getColumn(1).getInt64();
  t.token_serial = q.getColumn(2).getString();
  t.key_id = q.getColumn(3).getString();
  t.cert_serial = q.getColumn(4).getString();
  t.cert_der = blob(q.getColumn(5));
  t.enrolled_utc = q.getColumn(6).getString();
  t.active = q.getColumn(7).getInt() != 0;
  t.key_fingerprint = q.getColumn(8).getString();
  return t;
}

}  // namespace

void DayCloses::insert(const DayCloseRecord& r) {
  detail::guarded(msg(tr("recording the close of {}"), r.business_day), [&] {
    SQLite::Statement q(detail::sql(db_), std::string("INSERT INTO day_closes (") + kCloseColumns +
                                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    q.bind(1, r.business_day);
    q.bind(2, r.closed_utc);
    q.bind(3, r.closed_by);
    q.bind(4, static_cast<std::int64_t>(r.entry_count));
    detail::bind_opt(q, 5, r.first_seq);
    detail::bind_opt(q, 6, r.last_seq);
    q.bind(7, static_cast<std::int64_t>(r.head_seq));
    q.bind(8, r.head_hash);
    q.bind(9, static_cast<std::int64_t>(r.fee_total_fen));
    q.bind(10, r.statement);
    q.bind(11, r.statement_sha256);
    q.bind(12, r.signature.data(), static_cast<int>(r.signature.size()));
    q.bind(13, r.signer_kind);
    q.bind(14, r.signer_cert.data(), static_cast<int>(r.signer_cert.size()));
    q.exec();
  });
}

std::optional<DayCloseRecord> DayCloses::by_day(const std::string& business_day) {
  return detail::guarded(msg(tr("reading the close of {}"), business_day), [&]() -> std::optional<DayCloseRecord> {
    SQLite::Statement q(detail::sql(db_), std::string("SELECT ") + kCloseColumns + " FROM day_closes WHERE business_day = ?1");
    q.bind(1, business_day);
    if (!q.executeStep()) return std::nullopt;
    return read_close(q);
  });
}

bool DayCloses::is_closed(const std::string& business_day) {
  return detail::guarded(msg(tr("reading the close of {}"), business_day), [&] {
    detail::CachedStatement q(db_, "SELECT 1 FROM day_closes WHERE business_day = ?1");
    q->bind(1, business_day);
    return q->executeStep();
  });
}

std::vector<std::string> DayCloses::closed_days(int limit) {
  return detail::guarded(tr("reading the closed days"), [&] {
    std::vector<std::string> out;
    SQLite::Statement q(detail::sql(db_), "SELECT business_day FROM day_closes ORDER BY business_day DESC LIMIT ?1");
    q.bind(1, limit);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  });
}

Id StaffTokens::insert(const StaffToken& t) {
  return detail::guarded(msg(tr("recording the token of staff member {}"), t.staff_id), [&] {
    SQLite::Statement q(detail::sql(db_),
                        "INSERT INTO staff_tokens (staff_id, token_serial, key_id, cert_serial, cert_der, enrolled_utc, "
                        "active, key_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    q.bind(1, static_cast<std::int64_t>(t.staff_id));
    q.bind(2, t.token_serial);
    q.bind(3, t.key_id);
    q.bind(4, t.cert_serial);
    q.bind(5, t.cert_der.data(), static_cast<int>(t.cert_der.size()));
    q.bind(6, t.enrolled_utc);
    q.bind(7, t.active ? 1 : 0);
    q.bind(8, t.key_fingerprint);
    q.exec();
    return static_cast<Id>(detail::sql(db_).getLastInsertRowid());
  });
}

std::optional<StaffToken> StaffTokens::active_of(Id staff_id) {
  return detail::guarded(tr("reading a staff member's token"), [&]() -> std::optional<StaffToken> {
    SQLite::Statement q(detail::sql(db_), std::string("SELECT ") + kTokenColumns +
                                       " FROM staff_tokens WHERE staff_id = ?1 AND active = 1 ORDER BY id DESC LIMIT 1");
    q.bind(1, static_cast<std::int64_t>(staff_id));
    if (!q.executeStep()) return std::nullopt;
    return read_token(q);
  });
}

std::optional<StaffToken> StaffTokens::by_serial(const std::string& token_serial) {
  return detail::guarded(tr("reading a staff token"), [&]() -> std::optional<StaffToken> {
    SQLite::Statement q(detail::sql(db_), std::string("SELECT ") + kTokenColumns + " FROM staff_tokens WHERE token_serial = ?1");
    q.bind(1, token_serial);
    if (!q.executeStep()) return std::nullopt;
    return read_token(q);
  });
}

void StaffTokens::deactivate_others(Id staff_id, const std::string& keep_serial) {
  detail::guarded(tr("replacing a staff member's token"), [&] {
    SQLite::Statement q(detail::sql(db_), "UPDATE staff_tokens SET active = 0 WHERE staff_id = ?1 AND token_serial <> ?2");
    q.bind(1, static_cast<std::int64_t>(staff_id));
    q.bind(2, keep_serial);
    q.exec();
  });
}

// ---- DayJournal -----------------------------------------------------------------

namespace {

constexpr const char* kEntryColumns =
    "seq, utc_time, business_day, workstation, staff, action, order_id, organisation, token_serial, "
    "cert_serial, amount_fen, receipt_no, outcome, details, flow, prev_hash, hash";

JournalEntry read_entry(SQLite::Statement& s) {
  JournalEntry e;
  e.seq = s.getColumn(0).getInt64();
  e.utc_time = s.getColumn(1).getString();
  e.business_day = s.getColumn(2).getString();
  e.workstation = s.getColumn(3).getString();
  e.record.staff = s.getColumn(4).getString();
  e.record.action = s.getColumn(5).getString();
  e.record.order_id = detail::opt_int(s.getColumn(6));
  e.record.organisation = s.getColumn(7).getString();
  e.record.token_serial = s.getColumn(8).getString();
  e.record.cert_serial = s.getColumn(9).getString();
  e.record.amount_fen = detail::opt_int(s.getColumn(10));
  e.record.receipt_no = s.getColumn(11).getString();
  e.record.outcome = s.getColumn(12).getString();
  e.record.details = s.getColumn(13).getString();
  e.record.flow = s.getColumn(14).getString();
  e.prev_hash = s.getColumn(15).getString();
  e.hash = s.getColumn(16).getString();
  return e;
}

}  // namespace

DayRange DayJournal::range(const std::string& business_day) {
  return detail::guarded(msg(tr("reading the journal of {}"), business_day), [&] {
    // Covered by journal_day_staff (business_day, staff, seq): only the day's index entries are read.
    detail::CachedStatement q(db_, "SELECT count(*), min(seq), max(seq) FROM journal INDEXED BY journal_day_staff WHERE business_day = ?1");
    q->bind(1, business_day);
    DayRange r;
    if (q->executeStep()) {
      r.count = q->getColumn(0).getInt64();
      r.first_seq = detail::opt_int(q->getColumn(1));
      r.last_seq = detail::opt_int(q->getColumn(2));
    }
    return r;
  });
}

std::vector<JournalEntry> DayJournal::page(const std::string& business_day, const JournalFilter& filter,
                                           std::int64_t after_seq, int limit) {
  return detail::guarded(msg(tr("reading the journal of {}"), business_day), [&] {
    std::vector<JournalEntry> out;
    // Three shapes, each bounded by the day, never by the journal:
    //  - a teller: journal_day_staff gives (day, staff) in seq order;
    //  - failures: the partial index journal_day_exceptions;
    //  - otherwise: the day's seq range (from range()) read by primary key.
    std::string sql = std::string("SELECT ") + kEntryColumns + " FROM journal ";
    std::int64_t lo = after_seq, hi = 0;
    bool by_range = false;
    if (!filter.staff.empty()) {
      sql += "INDEXED BY journal_day_staff WHERE business_day = ?1 AND staff = ?4 AND seq > ?2";
    } else if (filter.outcome == JournalFilter::Outcome::failed) {
      sql += "INDEXED BY journal_day_exceptions WHERE business_day = ?1 AND outcome <> '0000' AND seq > ?2";
    } else {
      DayRange r = range(business_day);
      if (r.count == 0) return out;
      lo = std::max(after_seq, *r.first_seq - 1);
      hi = *r.last_seq;
      by_range = true;
      sql += "WHERE seq > ?2 AND seq <= ?3 AND +business_day = ?1";
    }
    if (filter.outcome == JournalFilter::Outcome::ok) sql += " AND outcome = '0000'";
    if (filter.outcome == JournalFilter::Outcome::failed && !filter.staff.empty()) sql += " AND outcome <> '0000'";
    if (!filter.flow.empty()) sql += " AND flow = ?5";
    if (!filter.organisation.empty()) sql += " AND organisation = ?6";
    sql += " ORDER BY seq LIMIT ?7";
    detail::CachedStatement q(db_, sql);
    q->bind(1, business_day);
    q->bind(2, static_cast<std::int64_t>(lo));
    if (by_range) q->bind(3, static_cast<std::int64_t>(hi));
    if (!filter.staff.empty()) q->bind(4, filter.staff);
    if (!filter.flow.empty()) q->bind(5, filter.flow);
    if (!filter.organisation.empty()) q->bind(6, filter.organisation);
    q->bind(7, limit);
    while (q->executeStep()) out.push_back(read_entry(*q));
    return out;
  });
}

std::optional<JournalEntry> DayJournal::at(std::int64_t seq) {
  return detail::guarded(msg(tr("reading journal entry {}"), seq), [&]() -> std::optional<JournalEntry> {
    detail::CachedStatement q(db_, std::string("SELECT ") + kEntryColumns + " FROM journal WHERE seq = ?1");
    q->bind(1, static_cast<std::int64_t>(seq));
    if (!q->executeStep()) return std::nullopt;
    return read_entry(*q);
  });
}

std::vector<JournalEntry> DayJournal::at(const std::vector<std::int64_t>& seqs) {
  std::vector<JournalEntry> out;
  out.reserve(seqs.size());
  for (std::int64_t s : seqs)
    if (auto e = at(s)) out.push_back(std::move(*e));
  return out;
}

std::vector<JournalEntry> DayJournal::close_facts(std::int64_t up_to_seq) {
  return detail::guarded(tr("reading the journal's closes and enrolments"), [&] {
    std::vector<JournalEntry> out;
    // The literal IN list matches the partial index journal_close_facts' WHERE, so
    // SQLite reads the index (no INDEXED BY: a read-only copy of an older schema
    // without the index still answers, by a scan).
    detail::CachedStatement q(db_, std::string("SELECT ") + kEntryColumns +
                                       " FROM journal WHERE action IN ('day.closed', 'staff.token_enrolled') AND seq <= ?1 "
                                       "ORDER BY seq");
    q->bind(1, static_cast<std::int64_t>(up_to_seq));
    while (q->executeStep()) out.push_back(read_entry(*q));
    return out;
  });
}

std::vector<std::string> DayJournal::days(int limit) {
  return detail::guarded(tr("reading the journal's business days"), [&] {
    // Skip-scan over the index: one probe per distinct day, newest first.
    std::vector<std::string> out;
    detail::CachedStatement first(db_, "SELECT max(business_day) FROM journal INDEXED BY journal_day_staff");
    if (!first->executeStep() || first->getColumn(0).isNull()) return out;
    std::string day = first->getColumn(0).getString();
    out.push_back(day);
    while (static_cast<int>(out.size()) < limit) {
      detail::CachedStatement next(db_, "SELECT max(business_day) FROM journal INDEXED BY journal_day_staff WHERE business_day < ?1");
      next->bind(1, day);
      if (!next->executeStep() || next->getColumn(0).isNull()) break;
      day = next->getColumn(0).getString();
      out.push_back(day);
    }
    return out;
  });
}

}  // namespace certdesk::db
