#include "db/journal.h"

#include <chrono>
#include <string>
#include <utility>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/detail.h"
#include "db/journal_canonical.h"
#include "db/journal_verify.h"

// The journal itself: append, head and reads. The verifier lives in
// journal_verify.cpp and journal_fast_pass.cpp; the canonical bytes both hash
// in journal_canonical.cpp.

namespace certdesk::db {

namespace {

constexpr int kPageSize = 500;   // rows per page for day and order reads

const std::string kSelect = "SELECT " + canonical::column_list() + " FROM journal ";

std::string insert_sql() {
  std::string values;
  for (int i = 1; i <= canonical::kColumnCount; ++i) values += (i == 1 ? "?" : ", ?") + std::to_string(i);
  return "INSERT INTO journal (" + canonical::column_list() + ") VALUES (" + values + ")";
}
const std::string kInsert = insert_sql();

const std::string kClosedDay = "SELECT 1 FROM day_closes WHERE business_day = ?1";
const std::string kDayOfSeq = "SELECT business_day FROM journal WHERE seq = ?1";

}  // namespace

Journal::Journal(Database& db, std::string workstation, int utc_offset_minutes)
    : db_(db), workstation_(std::move(workstation)), utc_offset_minutes_(utc_offset_minutes) {}

std::string Journal::canonical_bytes(const JournalEntry& e) {
  const canonical::Values v = canonical::values_of(e);
  std::string out(canonical::encoded_size(v), '\0');
  canonical::encode_fields(v, out.data());
  return out;
}

std::string Journal::entry_hash(const JournalEntry& e) { return crypto::sha256_hex(e.prev_hash + canonical_bytes(e)); }

JournalEntry Journal::append(const JournalRecord& record, Seconds at) {
  JournalEntry e;
  e.utc_time = text::iso_utc(at);
  e.business_day = text::business_day(at, utc_offset_minutes_);
  e.workstation = workstation_;
  e.record = record;
  try {
    {
      detail::CachedStatement head(db_, verifier::kHeadSql);
      if (!head->executeStep())
        throw DbError(codes::database_corrupt,
                      tr("The journal's anchor row is missing: the database was tampered with or damaged. Restore it from the latest backup."));
      e.seq = head->getColumn(0).getInt64() + 1;
      e.prev_hash = head->getColumn(1).getString();
    }
    // Business days only go forward (issue 13.9): a clock that went back (within
    // the start-up tolerance, workflows/clock_guard.h) books onto the newest
    // entry's day, never an earlier one; utc_time stays what the clock said.
    if (e.seq > 1) {
      detail::CachedStatement last(db_, kDayOfSeq);
      last->bind(1, static_cast<std::int64_t>(e.seq - 1));
      if (last->executeStep()) {
        std::string newest = last->getColumn(0).getString();
        if (newest > e.business_day) e.business_day = std::move(newest);
      }
    }
    // Closed days stay closed (SPEC §5): an entry whose calendar day was already
    // closed (db/day_close.h) belongs to the next business day still open.
    for (int guard = 0; guard < 366; ++guard) {
      detail::CachedStatement closed(db_, kClosedDay);
      closed->bind(1, e.business_day);
      if (!closed->executeStep()) break;
      e.business_day = text::business_day(
          text::business_day_start(e.business_day, utc_offset_minutes_) + std::chrono::hours(24), utc_offset_minutes_);
    }
    e.hash = entry_hash(e);
    detail::CachedStatement ins(db_, kInsert);
    // The columns in canonical field order, from the values the hash covered.
    const canonical::Values v = canonical::values_of(e);
    for (std::size_t i = 0; i < v.size(); ++i) {
      const int column = static_cast<int>(i) + 1;
      switch (canonical::kFields[i].kind) {
        case canonical::Kind::integer: ins->bind(column, static_cast<std::int64_t>(v[i].integer)); break;
        case canonical::Kind::optional_integer:
          if (v[i].absent)
            ins->bind(column);
          else
            ins->bind(column, static_cast<std::int64_t>(v[i].integer));
          break;
        case canonical::Kind::text: ins->bind(column, std::string(v[i].text)); break;
      }
    }
    ins->bind(canonical::kPrevHashColumn + 1, e.prev_hash);
    ins->bind(canonical::kHashColumn + 1, e.hash);
    ins->exec();
  } catch (const SQLite::Exception& ex) {
    throw journal_unavailable_error(ex.getExtendedErrorCode(),
                                    msg(tr("appending '{}' to the journal"), record.action));
  } catch (const DbError& ex) {
    if (ex.code() == codes::journal_unavailable) throw;
    throw DbError(codes::journal_unavailable,
                  msg(tr("the journal cannot be written ({}): free disk space / check the data folder; no work can be done until it can"),
                      std::string(ex.what())),
                  ex.sqlite_code());
  }
  return e;
}

JournalHead Journal::head() const {
  return detail::guarded(tr("reading the journal's head"), [&] {
    detail::CachedStatement head(db_, verifier::kHeadSql);
    JournalHead h;
    if (head->executeStep()) {
      h.count = head->getColumn(0).getInt64();
      h.hash = head->getColumn(1).getString();
    } else {
      h.hash = verifier::kZeroHash;
    }
    return h;
  });
}


VerifyReport Journal::verify(const std::function<void(std::int64_t, std::int64_t)>& progress) const {
  return verifier::verify(db_, progress);
}

std::vector<JournalEntry> Journal::entries_of_day(const std::string& business_day) const {
  return detail::guarded(msg(tr("reading the journal of {}"), business_day), [&] {
    std::vector<JournalEntry> out;
    SQLite::Statement page(detail::sql(db_), kSelect + "WHERE business_day = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    std::int64_t after = 0;
    for (;;) {
      page.reset();
      page.bind(1, business_day);
      page.bind(2, static_cast<std::int64_t>(after));
      page.bind(3, kPageSize);
      int n = 0;
      while (page.executeStep()) {
        out.push_back(verifier::read_row(page).e);
        after = out.back().seq;
        ++n;
      }
      if (n < kPageSize) break;
    }
    return out;
  });
}

std::vector<JournalEntry> Journal::entries_of_order(std::int64_t order_id) const {
  return detail::guarded(msg(tr("reading the journal of order {}"), order_id), [&] {
    std::vector<JournalEntry> out;
    SQLite::Statement q(detail::sql(db_), kSelect + "WHERE order_id = ?1 ORDER BY seq");
    q.bind(1, static_cast<std::int64_t>(order_id));
    while (q.executeStep()) out.push_back(verifier::read_row(q).e);
    return out;
  });
}

}  // namespace certdesk::db