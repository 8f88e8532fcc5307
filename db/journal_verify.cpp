#include "db/journal_verify.h"

#include <sqlite3.h>

#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "common/error.h"
#include "common/i18n.h"
#include "db/detail.h"
#include "db/journal_canonical.h"

namespace certdesk::db::verifier {

void set_mmap(sqlite3* db, std::int64_t bytes) {
  const std::string pragma = "PRAGMA mmap_size = " + std::to_string(bytes);
  sqlite3_exec(db, pragma.c_str(), nullptr, nullptr, nullptr);   // a hint: nothing to do when refused
}

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

namespace {

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
  bool owned() const { return owns_; }
  ~ReadScope() {
    if (owns_ && sqlite3_get_autocommit(db_.getHandle()) == 0) db_.tryExec("COMMIT");
  }

 private:
  SQLite::Database& db_;
  bool owns_ = false;
};

// The memory map for the verification (kMapBytes), dropped again afterwards so
// the window's connection does not keep the journal mapped.
class MapScope {
 public:
  explicit MapScope(SQLite::Database& db) : db_(db) { set_mmap(db_.getHandle(), kMapBytes); }
  MapScope(const MapScope&) = delete;
  MapScope& operator=(const MapScope&) = delete;
  ~MapScope() { set_mmap(db_.getHandle(), 0); }

 private:
  SQLite::Database& db_;
};

// "entry 41", or "the start of the chain" for the place before entry 1.
std::string entry_at(std::int64_t seq) { return seq <= 0 ? tr("the start of the chain") : msg(tr("entry {}"), seq); }

VerifyReport bad(VerifyReport r, std::int64_t seq, std::string problem, std::string message) {
  r.ok = false;
  r.first_bad_seq = seq;
  const bool missing = problem == "truncated";
  r.problem = std::move(problem);
  r.message = std::move(message) + (missing ? msg(tr("; entries from {} on are missing"), seq)
                                            : msg(tr("; entries from {} on cannot be trusted"), seq));
  return r;
}


// The careful walk over `rows` (whole entries in seq order). Returns what is
// wrong with the first bad entry, or nothing when every row is good (st then
// holds the state after the last one).
std::optional<VerifyReport> careful_walk(SQLite::Statement& rows, WalkState& st, const Progress& progress,
                                         std::int64_t total) {
  VerifyReport& report = st.report;
  auto& accepted = st.accepted;
  std::string& last_hash = st.last_hash;
  std::int64_t& expected = st.expected;

  std::optional<Row> cur;
  std::optional<Row> next;
  if (rows.executeStep()) cur = read_row(rows);

  while (cur) {
    next.reset();
    if (rows.executeStep()) next = read_row(rows);
    const JournalEntry& c = cur->e;
    const JournalEntry* n = next ? &next->e : nullptr;
    ++report.checked;

    if (c.seq > expected) {
      return bad(report, expected, "removed",
                 c.seq == expected + 1
                     ? msg(tr("entry {} was removed (the journal jumps from {} to entry {})"), expected,
                           entry_at(expected - 1), c.seq)
                     : msg(tr("entries {} to {} were removed (the journal jumps from {} to entry {})"), expected,
                           c.seq - 1, entry_at(expected - 1), c.seq));
    }
    if (c.seq < expected)
      return bad(report, c.seq, "inserted",
                 msg(tr("entry {} was inserted (the journal starts at entry 1)"), c.seq));

    const bool self_ok = cur->well_typed && hash_at(c, c.seq, c.prev_hash) == c.hash;
    const bool link_ok = c.prev_hash == last_hash;

    if (!self_ok) {
      if (n && n->seq == c.seq + 1 && next->well_typed) {
        // Whole rows swapped, seqs kept: each matches its hash only in the other's place.
        if (hash_at(c, c.seq + 1, c.prev_hash) == c.hash && n->prev_hash == last_hash &&
            hash_at(*n, c.seq, n->prev_hash) == n->hash)
          return bad(report, c.seq, "reordered",
                     msg(tr("entries {} and {} were swapped (each matches its own hash but not its place in the chain)"),
                         c.seq, n->seq));
        // Contents swapped, seqs and hashes kept.
        if (hash_at(*n, c.seq, c.prev_hash) == c.hash && hash_at(c, n->seq, n->prev_hash) == n->hash)
          return bad(report, c.seq, "reordered",
                     msg(tr("entries {} and {} were swapped (their contents fit the chain only in each other's place)"),
                         c.seq, n->seq));
        // A forged entry with a wrong hash, the next one renumbered: the next
        // fits straight after the last good entry.
        if (n->prev_hash == last_hash && hash_at(*n, c.seq, n->prev_hash) == n->hash)
          return bad(report, c.seq, "inserted",
                     msg(tr("entry {} was inserted (the entry after it links straight to {} and was renumbered)"), c.seq,
                         entry_at(c.seq - 1)));
      }
      // A forged entry with a valid hash was accepted before this one: this
      // entry links to an earlier good entry and matches its hash one place up.
      if (accepted.size() >= 2) {
        for (auto it = accepted.rbegin() + 1; it != accepted.rend(); ++it) {
          if (it->second == c.prev_hash && hash_at(c, it->first + 1, c.prev_hash) == c.hash) {
            const std::int64_t first = it->first + 1;
            return bad(report, first, "inserted",
                       first == c.seq - 1
                           ? msg(tr("entry {} was inserted (entry {} was entry {} and still links to {})"), first, c.seq,
                                 first, entry_at(it->first))
                           : msg(tr("entries {} to {} were inserted (entry {} was entry {} and still links to {})"), first,
                                 c.seq - 1, c.seq, first, entry_at(it->first)));
          }
        }
      }
      // Entries removed and the later ones renumbered down.
      if (cur->well_typed && !link_ok) {
        for (std::int64_t d = 1; d <= static_cast<std::int64_t>(kLookBack); ++d) {
          if (hash_at(c, c.seq + d, c.prev_hash) == c.hash)
            return bad(report, c.seq, "removed",
                       d == 1 ? msg(tr("entry {} was removed and the entries after it renumbered (entry {} was entry {})"),
                                    c.seq, c.seq, c.seq + d)
                              : msg(tr("entries {} to {} were removed and the entries after it renumbered (entry {} was "
                                    "entry {})"),
                                    c.seq, c.seq + d - 1, c.seq, c.seq + d));
        }
      }
      return bad(report, c.seq, "changed", msg(tr("entry {} was changed (it no longer matches its hash)"), c.seq));
    }

    if (!link_ok) {
      for (auto it = accepted.rbegin(); it != accepted.rend(); ++it) {
        if (it->second == c.prev_hash && it != accepted.rbegin()) {
          const std::int64_t first = it->first + 1;
          return bad(report, first, "inserted",
                     msg(tr("entry {} was inserted (entry {} links past it to {})"), first, c.seq, entry_at(it->first)));
        }
      }
      if (c.seq > 1)
        return bad(report, c.seq - 1, "changed",
                   msg(tr("entry {} was changed and its hash recomputed (entry {} no longer links to it)"), c.seq - 1,
                       c.seq));
      return bad(report, c.seq, "changed", msg(tr("entry {} was changed (it does not start the chain)"), c.seq));
    }

    accepted.emplace_back(c.seq, c.hash);
    if (accepted.size() > kLookBack) accepted.pop_front();
    last_hash = c.hash;
    ++expected;
    if (progress && report.checked % kProgressEvery == 0) progress(report.checked, total);
    cur = std::move(next);
  }
  return std::nullopt;
}

}  // namespace

VerifyReport verify(Database& db, const Progress& progress) {
  return detail::guarded(tr("verifying the journal"), [&]() -> VerifyReport {
    SQLite::Database& sql = detail::sql(db);
    MapScope mapped(sql);
    ReadScope snapshot(sql);

    std::optional<JournalHead> anchor;
    {
      SQLite::Statement a(sql, kHeadSql);
      if (a.executeStep()) anchor = JournalHead{a.getColumn(0).getInt64(), a.getColumn(1).getString()};
    }
    const std::int64_t total =
        anchor ? anchor->count : sql.execAndGet("SELECT count(*) FROM journal").getInt64();

    WalkState st;
    const std::optional<std::int64_t> from = fast_pass(sql, snapshot.owned(), anchor, st, progress, total);
    st.report.fast_accepted = st.report.checked;
    if (from) {
      SQLite::Statement rows(sql, "SELECT " + canonical::column_list() + " FROM journal WHERE seq >= ?1 ORDER BY seq");
      rows.bind(1, static_cast<std::int64_t>(*from));
      if (std::optional<VerifyReport> found = careful_walk(rows, st, progress, total)) return *found;
    }
    VerifyReport& report = st.report;
    const std::string& last_hash = st.last_hash;

    if (progress) progress(report.checked, total);
    const std::int64_t last_seq = st.expected - 1;
    if (!anchor) {
      report.ok = false;
      report.problem = "changed";
      report.message = tr(
          "the journal's anchor (its count and head hash, kept apart from the entries) is missing; the journal "
          "cannot be trusted");
      return report;
    }
    if (anchor->count > last_seq)
      return bad(report, last_seq + 1, "truncated",
                 msg(tr("the journal was cut off after entry {} (its anchor counts {} entries)"), last_seq, anchor->count));
    if (anchor->count < last_seq)
      return bad(report, anchor->count + 1, "inserted",
                 msg(tr("entry {} was inserted after the head (the anchor counts {} entries, the journal holds {})"),
                     anchor->count + 1, anchor->count, last_seq));
    if (anchor->hash != last_hash) {
      if (last_seq == 0)
        return bad(report, 1, "truncated", tr("the journal is empty but its anchor holds a hash"));
      return bad(report, last_seq, "changed",
                 msg(tr("entry {} was changed or replaced (it does not match the anchor's head hash)"), last_seq));
    }
    return report;
  });
}

}  // namespace certdesk::db::verifier
