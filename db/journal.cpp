#include "db/journal.h"

#include <sqlite3.h>

#include <deque>
#include <utility>

#include "common/crypto.h"
#include "common/error.h"
#include "common/text.h"
#include "db/detail.h"

namespace certdesk::db {

namespace {

const std::string kZeroHash(64, '0');
constexpr int kPageSize = 500;          // rows per page for day and order reads
constexpr std::size_t kLookBack = 32;   // accepted hashes kept while verifying
constexpr std::int64_t kProgressEvery = 1000;

constexpr const char* kColumns =
    "seq, utc_time, business_day, workstation, staff, action, order_id, organisation, token_serial, "
    "cert_serial, amount_fen, receipt_no, outcome, details, flow, prev_hash, hash";

const std::string kSelect = std::string("SELECT ") + kColumns + " FROM journal ";

const std::string kInsert = std::string("INSERT INTO journal (") + kColumns +
                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

const std::string kHead = "SELECT count, head_hash FROM journal_anchor WHERE id = 1";
const std::string kClosedDay = "SELECT 1 FROM day_closes WHERE business_day = ?1";

void put_int(std::string& out, std::int64_t v) {
  out.push_back('i');
  auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xff));
}

void put_opt(std::string& out, const std::optional<std::int64_t>& v) {
  if (v)
    put_int(out, *v);
  else
    out.push_back('n');
}

void put_text(std::string& out, const std::string& s) {
  out.push_back('s');
  auto n = static_cast<std::uint32_t>(s.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  out += s;
}

// One stored row; well_typed is false when a column holds another SQLite type
// than the one append writes (a change that could survive the text conversion).
struct Row {
  JournalEntry e;
  bool well_typed = true;
};

Row read_row(SQLite::Statement& s) {
  Row r;
  auto text = [&](int i, std::string& out) {
    SQLite::Column c = s.getColumn(i);
    if (!c.isText()) r.well_typed = false;
    out = c.getString();
  };
  auto opt = [&](int i, std::optional<std::int64_t>& out) {
    SQLite::Column c = s.getColumn(i);
    if (!c.isNull() && !c.isInteger()) r.well_typed = false;
    out = detail::opt_int(c);
  };
  JournalEntry& e = r.e;
  e.seq = s.getColumn(0).getInt64();
  text(1, e.utc_time);
  text(2, e.business_day);
  text(3, e.workstation);
  text(4, e.record.staff);
  text(5, e.record.action);
  opt(6, e.record.order_id);
  text(7, e.record.organisation);
  text(8, e.record.token_serial);
  text(9, e.record.cert_serial);
  opt(10, e.record.amount_fen);
  text(11, e.record.receipt_no);
  text(12, e.record.outcome);
  text(13, e.record.details);
  text(14, e.record.flow);
  text(15, e.prev_hash);
  text(16, e.hash);
  return r;
}

// The hash `content`'s fields would have at position seq after prev.
std::string hash_at(const JournalEntry& content, std::int64_t seq, const std::string& prev) {
  JournalEntry copy = content;
  copy.seq = seq;
  copy.prev_hash = prev;
  return Journal::entry_hash(copy);
}

// A read transaction for a consistent snapshot of journal and anchor, unless
// the caller already holds one.
class ReadScope {
 public:
  explicit ReadScope(SQLite::Database& db) : db_(db) {
    if (sqlite3_get_autocommit(db_.getHandle()) != 0) {
      db_.exec("BEGIN");
      owns_ = true;
    }
  }
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
  ~ReadScope() {
    if (owns_ && sqlite3_get_autocommit(db_.getHandle()) == 0) db_.tryExec("COMMIT");
  }

 private:
  SQLite::Database& db_;
  bool owns_ = false;
};

std::string seq_text(std::int64_t seq) { return std::to_string(seq); }

// "entry 41", or "the start of the chain" for the place before entry 1.
std::string entry_at(std::int64_t seq) { return seq <= 0 ? "the start of the chain" : "entry " + seq_text(seq); }

VerifyReport bad(VerifyReport r, std::int64_t seq, std::string problem, std::string message) {
  r.ok = false;
  r.first_bad_seq = seq;
  const bool missing = problem == "truncated";
  r.problem = std::move(problem);
  r.message = std::move(message) + "; entries from " + seq_text(seq) + " on " +
              (missing ? "are missing" : "cannot be trusted");
  return r;
}

}  // namespace

Journal::Journal(Database& db, std::string workstation, int utc_offset_minutes)
    : db_(db), workstation_(std::move(workstation)), utc_offset_minutes_(utc_offset_minutes) {}

std::string Journal::canonical_bytes(const JournalEntry& e) {
  std::string out = "certdesk-journal-v1";
  out.push_back('\0');
  out.reserve(128 + e.utc_time.size() + e.workstation.size() + e.record.details.size());
  put_int(out, e.seq);
  put_text(out, e.utc_time);
  put_text(out, e.business_day);
  put_text(out, e.workstation);
  const JournalRecord& r = e.record;
  put_text(out, r.staff);
  put_text(out, r.action);
  put_opt(out, r.order_id);
  put_text(out, r.organisation);
  put_text(out, r.token_serial);
  put_text(out, r.cert_serial);
  put_opt(out, r.amount_fen);
  put_text(out, r.receipt_no);
  put_text(out, r.outcome);
  put_text(out, r.details);
  put_text(out, r.flow);
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
    // Closed days stay closed (SPEC §5): an entry whose calendar day was already
    // closed (db/day_close.h) belongs to the next business day still open.
    for (int guard = 0; guard < 366; ++guard) {
      CachedStatement closed(db_, kClosedDay);
      closed->bind(1, e.business_day);
      if (!closed->executeStep()) break;
      e.business_day = text::business_day(
          text::business_day_start(e.business_day, utc_offset_minutes_) + std::chrono::hours(24), utc_offset_minutes_);
    }
    {
      CachedStatement head(db_, kHead);
      if (!head->executeStep())
        throw DbError(codes::database_corrupt,
                      "the journal's anchor row is missing: the database was tampered with or damaged — restore it "
                      "from the latest backup");
      e.seq = head->getColumn(0).getInt64() + 1;
      e.prev_hash = head->getColumn(1).getString();
    }
    e.hash = entry_hash(e);
    CachedStatement ins(db_, kInsert);
    ins->bind(1, static_cast<std::int64_t>(e.seq));
    ins->bind(2, e.utc_time);
    ins->bind(3, e.business_day);
    ins->bind(4, e.workstation);
    ins->bind(5, record.staff);
    ins->bind(6, record.action);
    detail::bind_opt(*ins, 7, record.order_id);
    ins->bind(8, record.organisation);
    ins->bind(9, record.token_serial);
    ins->bind(10, record.cert_serial);
    detail::bind_opt(*ins, 11, record.amount_fen);
    ins->bind(12, record.receipt_no);
    ins->bind(13, record.outcome);
    ins->bind(14, record.details);
    ins->bind(15, record.flow);
    ins->bind(16, e.prev_hash);
    ins->bind(17, e.hash);
    ins->exec();
  } catch (const SQLite::Exception& ex) {
    throw journal_unavailable_error(ex.getExtendedErrorCode(), std::string("appending '") + record.action +
                                                                   "' to the journal: " + ex.what());
  } catch (const DbError& ex) {
    if (ex.code() == codes::journal_unavailable) throw;
    throw DbError(codes::journal_unavailable,
                  "the journal cannot be written (" + std::string(ex.what()) +
                      "): free disk space / check the data folder; no work can be done until it can",
                  ex.sqlite_code());
  }
  return e;
}

JournalHead Journal::head() const {
  return detail::guarded("reading the journal's head", [&] {
    CachedStatement head(db_, kHead);
    JournalHead h;
    if (head->executeStep()) {
      h.count = head->getColumn(0).getInt64();
      h.hash = head->getColumn(1).getString();
    } else {
      h.hash = kZeroHash;
    }
    return h;
  });
}

VerifyReport Journal::verify(const std::function<void(std::int64_t, std::int64_t)>& progress) const {
  return detail::guarded("verifying the journal", [&]() -> VerifyReport {
    SQLite::Database& sql = db_.sql();
    ReadScope snapshot(sql);
    VerifyReport report;

    std::optional<JournalHead> anchor;
    {
      SQLite::Statement a(sql, kHead);
      if (a.executeStep()) anchor = JournalHead{a.getColumn(0).getInt64(), a.getColumn(1).getString()};
    }
    const std::int64_t total =
        anchor ? anchor->count : sql.execAndGet("SELECT count(*) FROM journal").getInt64();

    SQLite::Statement rows(sql, kSelect + "ORDER BY seq");
    std::optional<Row> cur;
    std::optional<Row> next;
    if (rows.executeStep()) cur = read_row(rows);

    // (seq, hash) of the last good entries; seq 0 stands for the chain's start.
    std::deque<std::pair<std::int64_t, std::string>> accepted{{0, kZeroHash}};
    std::string last_hash = kZeroHash;
    std::int64_t expected = 1;

    while (cur) {
      next.reset();
      if (rows.executeStep()) next = read_row(rows);
      const JournalEntry& c = cur->e;
      const JournalEntry* n = next ? &next->e : nullptr;
      ++report.checked;

      if (c.seq > expected) {
        std::string which = c.seq == expected + 1 ? "entry " + seq_text(expected) + " was removed"
                                                  : "entries " + seq_text(expected) + " to " +
                                                        seq_text(c.seq - 1) + " were removed";
        return bad(report, expected, "removed",
                   which + " (the journal jumps from " + entry_at(expected - 1) + " to entry " +
                       seq_text(c.seq) + ")");
      }
      if (c.seq < expected)
        return bad(report, c.seq, "inserted",
                   "entry " + seq_text(c.seq) + " was inserted (the journal starts at entry 1)");

      const bool self_ok = cur->well_typed && hash_at(c, c.seq, c.prev_hash) == c.hash;
      const bool link_ok = c.prev_hash == last_hash;

      if (!self_ok) {
        if (n && n->seq == c.seq + 1 && next->well_typed) {
          // Whole rows swapped, seqs kept: each matches its hash only in the other's place.
          if (hash_at(c, c.seq + 1, c.prev_hash) == c.hash && n->prev_hash == last_hash &&
              hash_at(*n, c.seq, n->prev_hash) == n->hash)
            return bad(report, c.seq, "reordered",
                       "entries " + seq_text(c.seq) + " and " + seq_text(n->seq) +
                           " were swapped (each matches its own hash but not its place in the chain)");
          // Contents swapped, seqs and hashes kept.
          if (hash_at(*n, c.seq, c.prev_hash) == c.hash && hash_at(c, n->seq, n->prev_hash) == n->hash)
            return bad(report, c.seq, "reordered",
                       "entries " + seq_text(c.seq) + " and " + seq_text(n->seq) +
                           " were swapped (their contents fit the chain only in each other's place)");
          // A forged entry with a wrong hash, the next one renumbered: the next
          // fits straight after the last good entry.
          if (n->prev_hash == last_hash && hash_at(*n, c.seq, n->prev_hash) == n->hash)
            return bad(report, c.seq, "inserted",
                       "entry " + seq_text(c.seq) + " was inserted (the entry after it links straight to " +
                           entry_at(c.seq - 1) + " and was renumbered)");
        }
        // A forged entry with a valid hash was accepted before this one: this
        // entry links to an earlier good entry and matches its hash one place up.
        if (accepted.size() >= 2) {
          for (auto it = accepted.rbegin() + 1; it != accepted.rend(); ++it) {
            if (it->second == c.prev_hash && hash_at(c, it->first + 1, c.prev_hash) == c.hash) {
              const std::int64_t first = it->first + 1;
              std::string which = first == c.seq - 1 ? "entry " + seq_text(first) + " was inserted"
                                                     : "entries " + seq_text(first) + " to " +
                                                           seq_text(c.seq - 1) + " were inserted";
              return bad(report, first, "inserted",
                         which + " (entry " + seq_text(c.seq) + " was entry " + seq_text(first) +
                             " and still links to " + entry_at(it->first) + ")");
            }
          }
        }
        // Entries removed and the later ones renumbered down.
        if (cur->well_typed && !link_ok) {
          for (std::int64_t d = 1; d <= static_cast<std::int64_t>(kLookBack); ++d) {
            if (hash_at(c, c.seq + d, c.prev_hash) == c.hash)
              return bad(report, c.seq, "removed",
                         (d == 1 ? "entry " + seq_text(c.seq) + " was removed"
                                 : "entries " + seq_text(c.seq) + " to " + seq_text(c.seq + d - 1) +
                                       " were removed") +
                             " and the entries after it renumbered (entry " + seq_text(c.seq) + " was entry " +
                             seq_text(c.seq + d) + ")");
          }
        }
        return bad(report, c.seq, "changed",
                   "entry " + seq_text(c.seq) + " was changed (it no longer matches its hash)");
      }

      if (!link_ok) {
        for (auto it = accepted.rbegin(); it != accepted.rend(); ++it) {
          if (it->second == c.prev_hash && it != accepted.rbegin()) {
            const std::int64_t first = it->first + 1;
            return bad(report, first, "inserted",
                       "entry " + seq_text(first) + " was inserted (entry " + seq_text(c.seq) +
                           " links past it to " + entry_at(it->first) + ")");
          }
        }
        if (c.seq > 1)
          return bad(report, c.seq - 1, "changed",
                     "entry " + seq_text(c.seq - 1) + " was changed and its hash recomputed (entry " +
                         seq_text(c.seq) + " no longer links to it)");
        return bad(report, c.seq, "changed",
                   "entry " + seq_text(c.seq) + " was changed (it does not start the chain)");
      }

      accepted.emplace_back(c.seq, c.hash);
      if (accepted.size() > kLookBack) accepted.pop_front();
      last_hash = c.hash;
      ++expected;
      if (progress && report.checked % kProgressEvery == 0) progress(report.checked, total);
      cur = std::move(next);
    }

    if (progress) progress(report.checked, total);
    const std::int64_t last_seq = expected - 1;
    if (!anchor) {
      report.ok = false;
      report.problem = "changed";
      report.message =
          "the journal's anchor (its count and head hash, kept apart from the entries) is missing; the journal "
          "cannot be trusted";
      return report;
    }
    if (anchor->count > last_seq)
      return bad(report, last_seq + 1, "truncated",
                 "the journal was cut off after entry " + seq_text(last_seq) + " (its anchor counts " +
                     seq_text(anchor->count) + " entries)");
    if (anchor->count < last_seq)
      return bad(report, anchor->count + 1, "inserted",
                 "entry " + seq_text(anchor->count + 1) + " was inserted after the head (the anchor counts " +
                     seq_text(anchor->count) + " entries, the journal holds " + seq_text(last_seq) + ")");
    if (anchor->hash != last_hash) {
      if (last_seq == 0)
        return bad(report, 1, "truncated", "the journal is empty but its anchor holds a hash");
      return bad(report, last_seq, "changed",
                 "entry " + seq_text(last_seq) + " was changed or replaced (it does not match the anchor's head hash)");
    }
    return report;
  });
}

std::vector<JournalEntry> Journal::entries_of_day(const std::string& business_day) const {
  return detail::guarded("reading the journal of " + business_day, [&] {
    std::vector<JournalEntry> out;
    SQLite::Statement page(db_.sql(), kSelect + "WHERE business_day = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    std::int64_t after = 0;
    for (;;) {
      page.reset();
      page.bind(1, business_day);
      page.bind(2, static_cast<std::int64_t>(after));
      page.bind(3, kPageSize);
      int n = 0;
      while (page.executeStep()) {
        out.push_back(read_row(page).e);
        after = out.back().seq;
        ++n;
      }
      if (n < kPageSize) break;
    }
    return out;
  });
}

std::vector<JournalEntry> Journal::entries_of_order(std::int64_t order_id) const {
  return detail::guarded("reading the journal of order " + std::to_string(order_id), [&] {
    std::vector<JournalEntry> out;
    SQLite::Statement q(db_.sql(), kSelect + "WHERE order_id = ?1 ORDER BY seq");
    q.bind(1, static_cast<std::int64_t>(order_id));
    while (q.executeStep()) out.push_back(read_row(q).e);
    return out;
  });
}

}  // namespace certdesk::db
