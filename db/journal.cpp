#include "db/journal.h"

#include <sqlite3.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <string_view>
#include <thread>
#include <utility>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
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
  bool owned() const { return owns_; }
  ~ReadScope() {
    if (owns_ && sqlite3_get_autocommit(db_.getHandle()) == 0) db_.tryExec("COMMIT");
  }

 private:
  SQLite::Database& db_;
  bool owns_ = false;
};

// While a verification runs, SQLite reads the file through a read-only memory
// map instead of copying every page through its page cache (≈ 10 % of the
// pass). The mapping is dropped again afterwards, so the window's connection
// does not keep the journal mapped. At most kMapBytes are mapped; the rest is
// read as usual.
constexpr std::int64_t kMapBytes = 0x7fff0000;   // Debian's SQLITE_MAX_MMAP_SIZE

void set_mmap(sqlite3* db, std::int64_t bytes) {
  const std::string pragma = "PRAGMA mmap_size = " + std::to_string(bytes);
  sqlite3_exec(db, pragma.c_str(), nullptr, nullptr, nullptr);   // a hint: nothing to do when refused
}

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
      detail::CachedStatement closed(db_, kClosedDay);
      closed->bind(1, e.business_day);
      if (!closed->executeStep()) break;
      e.business_day = text::business_day(
          text::business_day_start(e.business_day, utc_offset_minutes_) + std::chrono::hours(24), utc_offset_minutes_);
    }
    {
      detail::CachedStatement head(db_, kHead);
      if (!head->executeStep())
        throw DbError(codes::database_corrupt,
                      "the journal's anchor row is missing: the database was tampered with or damaged — restore it "
                      "from the latest backup");
      e.seq = head->getColumn(0).getInt64() + 1;
      e.prev_hash = head->getColumn(1).getString();
    }
    e.hash = entry_hash(e);
    detail::CachedStatement ins(db_, kInsert);
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
    detail::CachedStatement head(db_, kHead);
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

namespace {

// ---- verify ---------------------------------------------------------------------
//
// Two passes over one read snapshot. The fast pass streams the rows through a
// reader thread (SQLite steps a row function that packs each row's
// prev_hash ‖ canonical bytes and stored hash into a reused batch) while the
// calling thread hashes and links them; it only accepts entries that simply
// follow their predecessor (right seq, well typed, own hash matches, links to
// the last hash). At the first entry it cannot accept, the careful walk takes
// over from that entry with the very same state and works out what happened.

using Progress = std::function<void(std::int64_t, std::int64_t)>;

// What the walk carries from one entry to the next.
struct WalkState {
  VerifyReport report;
  // (seq, hash) of the last good entries; seq 0 stands for the chain's start.
  std::deque<std::pair<std::int64_t, std::string>> accepted{{0, kZeroHash}};
  std::string last_hash = kZeroHash;
  std::int64_t expected = 1;
};

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

// ---- the fast pass ----

constexpr std::size_t kHexLen = 64;                  // a hash in hex
constexpr std::size_t kBatchEntries = 1024;          // rows per batch handed from the reader
constexpr std::size_t kBatchBytes = std::size_t{1} << 20;
constexpr std::size_t kBatches = 4;                  // batches in flight (memory stays bounded)
constexpr char kRowFunction[] = "certdesk_journal_verify_row";
constexpr char kBatchPointer[] = "certdesk.journal.verify.batch";
constexpr char kCanonicalPrefix[] = "certdesk-journal-v1";   // + its '\0'

// ?2 and ?3 bound the seqs read (both included). The row function packs every
// row into the current batch and answers 0 only when that batch is full, so a
// step returns a row once per batch, not once per entry (SQLite keeps going
// inside its own loop meanwhile).
const std::string kFastSelect = std::string("SELECT 1 FROM journal WHERE seq >= ?2 AND seq <= ?3 AND ") +
                                kRowFunction + "(?1, " + kColumns + ") = 0 ORDER BY seq";
constexpr std::int64_t kFirstSeq = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kLastSeq = std::numeric_limits<std::int64_t>::max();
// Journals this long are read in two halves at once, over two connections.
constexpr std::int64_t kSplitFrom = 50000;

// A byte buffer that keeps its storage from one batch to the next.
class ByteArena {
 public:
  // n more bytes at the end, uninitialised.
  char* extend(std::size_t n) {
    if (n > cap_ - size_) grow(size_ + n);
    char* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  const char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void grow(std::size_t need) {
    const std::size_t cap = std::max(need, std::max<std::size_t>(2 * cap_, 64 * 1024));
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    cap_ = cap;
  }
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

// One row as the fast pass sees it: at `offset` in its batch's bytes the stored
// prev_hash, the canonical bytes right after it (together the hashed message),
// then the stored hash.
struct PackedRow {
  std::int64_t seq = 0;
  std::size_t offset = 0;
  std::size_t prev_len = 0;
  std::size_t message_len = 0;
  std::size_t hash_len = 0;
  bool well_typed = true;   // as Row::well_typed
};

void write_bytes(char*& out, const char* p, std::size_t n) {
  if (n != 0) std::memcpy(out, p, n);
  out += n;
}

void write_int(char*& out, std::int64_t v) {
  *out++ = 'i';
  auto u = static_cast<std::uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) *out++ = static_cast<char>((u >> shift) & 0xff);
}

struct Batch {
  std::vector<PackedRow> rows;
  ByteArena bytes;

  void clear() {
    rows.clear();
    bytes.clear();
  }
  bool full() const { return rows.size() >= kBatchEntries || bytes.size() >= kBatchBytes; }

  // v: the values of kColumns, in that order. Reads them as read_row does
  // (text through the blob accessor, the type checked first) and encodes
  // them as Journal::canonical_bytes does, after the stored prev_hash.
  void add(sqlite3_value** v) {
    constexpr int kCount = 17;
    constexpr int kPrev = 15, kHash = 16;
    constexpr bool kInt[kCount] = {true, false, false, false, false, false, true, false,
                                   false, false, true, false, false, false, false, false, false};
    PackedRow r;
    r.seq = sqlite3_value_int64(v[0]);
    r.offset = bytes.size();
    const char* p[kCount];
    std::size_t n[kCount];
    int type[kCount];
    std::size_t need = sizeof kCanonicalPrefix + 9;
    for (int i = 1; i < kCount; ++i) {
      type[i] = sqlite3_value_type(v[i]);
      if (kInt[i]) {
        if (type[i] != SQLITE_NULL && type[i] != SQLITE_INTEGER) r.well_typed = false;
        need += type[i] == SQLITE_NULL ? 1 : 9;
        continue;
      }
      if (type[i] != SQLITE_TEXT) r.well_typed = false;
      p[i] = static_cast<const char*>(sqlite3_value_blob(v[i]));
      n[i] = static_cast<std::size_t>(sqlite3_value_bytes(v[i]));
      need += n[i] + (i == kPrev || i == kHash ? 0 : 5);
    }
    char* out = bytes.extend(need);
    write_bytes(out, p[kPrev], n[kPrev]);
    write_bytes(out, kCanonicalPrefix, sizeof kCanonicalPrefix);
    write_int(out, r.seq);
    for (int i = 1; i < kPrev; ++i) {
      if (kInt[i]) {
        if (type[i] == SQLITE_NULL)
          *out++ = 'n';
        else
          write_int(out, sqlite3_value_int64(v[i]));
        continue;
      }
      const auto len = static_cast<std::uint32_t>(n[i]);
      *out++ = 's';
      for (int shift = 24; shift >= 0; shift -= 8) *out++ = static_cast<char>((len >> shift) & 0xff);
      write_bytes(out, p[i], n[i]);
    }
    r.prev_len = n[kPrev];
    r.message_len = static_cast<std::size_t>(out - (bytes.data() + r.offset));
    write_bytes(out, p[kHash], n[kHash]);
    r.hash_len = n[kHash];
    rows.push_back(r);
  }
};

// The SQL function the fast select steps: ?1 points at the reader's current batch.
void verify_row_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* sink = argc == 18 ? static_cast<Batch**>(sqlite3_value_pointer(argv[0], kBatchPointer)) : nullptr;
  if (sink == nullptr || *sink == nullptr) {
    sqlite3_result_error(ctx, "certdesk_journal_verify_row is internal to the journal's verification", -1);
    return;
  }
  try {
    (*sink)->add(argv + 1);
    sqlite3_result_int(ctx, (*sink)->full() ? 0 : 1);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(ctx);
  }
}

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// The fast select over seqs from..to, writing through *sink, registering the
// row function on this connection the first time.
StatementPtr prepare_fast_select(sqlite3* db, Batch** sink, std::int64_t from, std::int64_t to) {
  auto prepare = [&](int& rc) {
    sqlite3_stmt* s = nullptr;
    rc = sqlite3_prepare_v2(db, kFastSelect.c_str(), static_cast<int>(kFastSelect.size()), &s, nullptr);
    return StatementPtr(s);
  };
  int rc = SQLITE_OK;
  StatementPtr stmt = prepare(rc);
  if (rc != SQLITE_OK && std::strstr(sqlite3_errmsg(db), kRowFunction) != nullptr) {
    rc = sqlite3_create_function_v2(db, kRowFunction, 18, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr,
                                    &verify_row_function, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
    stmt = prepare(rc);
  }
  if (rc != SQLITE_OK) throw SQLite::Exception(db, rc);
  if ((rc = sqlite3_bind_pointer(stmt.get(), 1, sink, kBatchPointer, nullptr)) != SQLITE_OK ||
      (rc = sqlite3_bind_int64(stmt.get(), 2, from)) != SQLITE_OK ||
      (rc = sqlite3_bind_int64(stmt.get(), 3, to)) != SQLITE_OK)
    throw SQLite::Exception(db, rc);
  return stmt;
}

// Steps the fast select on its own thread, handing over full batches in seq
// order. The connection is not touched by anyone else while it runs: the
// caller only hashes, and the destructor stops and joins the thread.
class RowReader {
 public:
  explicit RowReader(sqlite3* db) : db_(db), stmt_(prepare_fast_select(db, &current_, kFirstSeq, kLastSeq)) {
    for (Batch& b : batches_) free_.push_back(&b);
    worker_ = std::thread([this] { run(); });
  }
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;
  ~RowReader() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  // The next batch, nullptr after the last; rethrows the reader's failure once
  // the batches read before it are done.
  Batch* next() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !full_.empty() || finished_; });
    if (!full_.empty()) {
      Batch* b = full_.front();
      full_.pop_front();
      return b;
    }
    if (error_) std::rethrow_exception(error_);
    return nullptr;
  }

  void give_back(Batch* b) {
    {
      std::lock_guard lock(m_);
      free_.push_back(b);
    }
    cv_.notify_all();
  }

 private:
  Batch* take_free() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !free_.empty() || stopping_; });
    if (stopping_) return nullptr;
    Batch* b = free_.front();
    free_.pop_front();
    b->clear();
    return b;
  }

  void hand_over(Batch* b) {
    {
      std::lock_guard lock(m_);
      full_.push_back(b);
    }
    cv_.notify_all();
  }

  void run() {
    try {
      current_ = take_free();
      while (current_ != nullptr) {
        const int rc = sqlite3_step(stmt_.get());
        if (rc == SQLITE_ROW) {
          if (current_->full()) {
            hand_over(current_);
            current_ = take_free();
          }
          continue;
        }
        if (rc != SQLITE_DONE) throw SQLite::Exception(db_, rc);
        hand_over(current_);
        current_ = nullptr;
      }
    } catch (...) {
      std::lock_guard lock(m_);
      error_ = std::current_exception();
    }
    current_ = nullptr;
    sqlite3_reset(stmt_.get());
    {
      std::lock_guard lock(m_);
      finished_ = true;
    }
    cv_.notify_all();
  }

  sqlite3* db_;
  StatementPtr stmt_;
  std::array<Batch, kBatches> batches_;
  Batch* current_ = nullptr;   // the batch being filled; the row function writes through it (reader thread only)
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Batch*> free_;
  std::deque<Batch*> full_;
  bool stopping_ = false;
  bool finished_ = false;
  std::exception_ptr error_;
  std::thread worker_;   // last: started once everything else exists
};

// Lower-case hex SHA-256 with one reused context.
class Sha256Hex {
 public:
  Sha256Hex() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (!md_ || !ctx_) throw CryptoError("SHA-256 is not available");
  }
  void operator()(const char* p, std::size_t n, char (&hex)[kHexLen]) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) != 1 || EVP_DigestUpdate(ctx_.get(), p, n) != 1 ||
        EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1 || len != kHexLen / 2)
      throw CryptoError("SHA-256 failed");
    static constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < kHexLen / 2; ++i) {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
  }

 private:
  struct MdFree {
    void operator()(EVP_MD* m) const { EVP_MD_free(m); }
  };
  struct CtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD, MdFree> md_;
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
};

// The last kLookBack entries of WalkState::accepted, kept without allocating.
class AcceptedTail {
 public:
  // from_start: item 0 is the chain's start (seq 0); a later range has none.
  explicit AcceptedTail(bool from_start) : count_(from_start ? 1 : 0) {
    std::memcpy(ring_[0].hash, kZeroHash.data(), kHexLen);
  }
  void push(std::int64_t seq, const char* hash) {
    Item& it = ring_[count_ % kLookBack];
    it.seq = seq;
    std::memcpy(it.hash, hash, kHexLen);
    ++count_;
  }
  // Appends the items to out, keeping its last kLookBack.
  void append_to(std::deque<std::pair<std::int64_t, std::string>>& out) const {
    for (std::size_t i = count_ > kLookBack ? count_ - kLookBack : 0; i < count_; ++i) {
      const Item& it = ring_[i % kLookBack];
      out.emplace_back(it.seq, std::string(it.hash, kHexLen));
      if (out.size() > kLookBack) out.pop_front();
    }
  }

 private:
  struct Item {
    std::int64_t seq = 0;
    char hash[kHexLen];
  };
  std::array<Item, kLookBack> ring_{};
  std::size_t count_;
};

// The fast check: accepts entries while each simply follows its predecessor
// (the careful walk's good case, bit for bit).
class ChainChecker {
 public:
  // From the start of the chain.
  ChainChecker() : tail_(true) { std::memcpy(last_, kZeroHash.data(), kHexLen); }
  // From entry `expected` on, the entry before it carrying hash `last` (kHexLen bytes).
  ChainChecker(std::int64_t expected, const char* last) : tail_(false), expected_(expected) {
    std::memcpy(last_, last, kHexLen);
  }

  // Checks b's rows in order, calling every_thousand() after each thousandth
  // accepted entry; false at the first row it cannot accept (stop()).
  template <class F>
  bool feed(const Batch& b, F&& every_thousand) {
    const char* bytes = b.bytes.data();
    for (const PackedRow& r : b.rows) {
      const char* message = bytes + r.offset;
      const char* stored = message + r.message_len;
      bool good = r.seq == expected_ && r.well_typed && r.prev_len == kHexLen && r.hash_len == kHexLen &&
                  std::memcmp(message, last_, kHexLen) == 0;
      if (good) {
        char hex[kHexLen];
        sha_(message, r.message_len, hex);
        good = std::memcmp(hex, stored, kHexLen) == 0;
      }
      if (!good) {
        stop_ = r.seq;
        return false;
      }
      tail_.push(r.seq, stored);
      std::memcpy(last_, stored, kHexLen);
      ++expected_;
      if (++checked_ % kProgressEvery == 0) every_thousand(checked_);
    }
    return true;
  }

  std::optional<std::int64_t> stop() const { return stop_; }
  std::int64_t checked() const { return checked_; }
  std::int64_t expected() const { return expected_; }
  const char* last() const { return last_; }

  // The careful walk's state after this checker's entries (after `before`'s, when given).
  void store(WalkState& st, const ChainChecker* before = nullptr) const {
    st.report.checked = checked_ + (before ? before->checked_ : 0);
    st.expected = expected_;
    st.last_hash.assign(last_, kHexLen);
    st.accepted.clear();
    if (before) before->tail_.append_to(st.accepted);
    tail_.append_to(st.accepted);
  }

 private:
  Sha256Hex sha_;
  AcceptedTail tail_;
  std::int64_t expected_ = 1;
  std::int64_t checked_ = 0;
  char last_[kHexLen];
  std::optional<std::int64_t> stop_;
};

// Reads seqs from..to of `stmt`'s range batch by batch on this thread and
// checks them; after each batch calls after_batch(). Stops at the checker's
// first refusal or when `cancel` is set.
template <class F>
void scan_here(sqlite3* db, Batch& batch, Batch*& sink, sqlite3_stmt* stmt, ChainChecker& checker,
               const std::atomic<bool>& cancel, F&& after_batch) {
  sink = &batch;
  for (;;) {
    batch.clear();
    int rc = SQLITE_ROW;
    while (!batch.full() && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw SQLite::Exception(db, rc);
    if (!checker.feed(batch, [](std::int64_t) {})) break;
    after_batch();
    if (rc == SQLITE_DONE || cancel.load(std::memory_order_relaxed)) break;
  }
  sqlite3_reset(stmt);
}

// One fast pass over the whole journal on this connection: a reader thread
// steps the rows while this thread checks them.
std::optional<std::int64_t> pipelined_pass(sqlite3* db, WalkState& st, const Progress& progress, std::int64_t total) {
  ChainChecker checker;
  RowReader reader(db);
  while (Batch* b = reader.next()) {
    const bool go_on = checker.feed(*b, [&](std::int64_t checked) {
      if (progress) progress(checked, total);
    });
    reader.give_back(b);
    if (!go_on) break;
  }
  checker.store(st);
  return checker.stop();
}

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using ConnectionPtr = std::unique_ptr<sqlite3, ConnectionCloser>;

// A second, read-only connection to the same file for the later half, in a
// read transaction that sees the same journal as `db`'s (same anchor), and the
// stored hash of entry `mid`. Nothing when that cannot be had (in-memory
// database, not WAL, anchor moved, …): the caller reads everything on `db`.
struct SecondHalf {
  ConnectionPtr db;
  char hash_before[kHexLen];
};

std::optional<SecondHalf> open_second_half(SQLite::Database& sql, const JournalHead& anchor, std::int64_t mid) {
  try {
    const char* file = sqlite3_db_filename(sql.getHandle(), "main");
    if (file == nullptr || *file == '\0' || sqlite3_db_readonly(sql.getHandle(), "main") < 0) return std::nullopt;
    if (sql.execAndGet("PRAGMA journal_mode").getString() != "wal") return std::nullopt;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file, &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    SecondHalf half{ConnectionPtr(raw), {}};
    if (rc != SQLITE_OK) return std::nullopt;
    sqlite3_busy_timeout(raw, 5000);
    set_mmap(raw, kMapBytes);
    if (sqlite3_exec(raw, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return std::nullopt;
    auto prepare = [&](const std::string& q) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(raw, q.c_str(), static_cast<int>(q.size()), &st, nullptr);
      return StatementPtr(st);
    };
    StatementPtr head = prepare(kHead);
    if (!head || sqlite3_step(head.get()) != SQLITE_ROW ||
        sqlite3_column_type(head.get(), 0) != SQLITE_INTEGER ||
        sqlite3_column_int64(head.get(), 0) != anchor.count ||
        sqlite3_column_type(head.get(), 1) != SQLITE_TEXT ||
        std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(head.get(), 1)),
                         static_cast<std::size_t>(sqlite3_column_bytes(head.get(), 1))) != anchor.hash)
      return std::nullopt;
    StatementPtr at = prepare("SELECT hash FROM journal WHERE seq = ?1");
    if (!at || sqlite3_bind_int64(at.get(), 1, mid) != SQLITE_OK || sqlite3_step(at.get()) != SQLITE_ROW ||
        sqlite3_column_type(at.get(), 0) != SQLITE_TEXT ||
        sqlite3_column_bytes(at.get(), 0) != static_cast<int>(kHexLen))
      return std::nullopt;
    std::memcpy(half.hash_before, sqlite3_column_text(at.get(), 0), kHexLen);
    return half;
  } catch (const SQLite::Exception&) {
    return std::nullopt;
  }
}

// The fast pass in two halves at once: entries up to mid on `sql` (this
// thread), the rest on `half`'s connection (another thread). The second half
// counts only when the first ends exactly where it began.
std::optional<std::int64_t> split_pass(SQLite::Database& sql, SecondHalf& half, std::int64_t mid, WalkState& st,
                                       const Progress& progress, std::int64_t total) {
  ChainChecker first;
  ChainChecker second(mid + 1, half.hash_before);
  Batch batch1, batch2;
  Batch* sink1 = nullptr;
  Batch* sink2 = nullptr;
  StatementPtr stmt1 = prepare_fast_select(sql.getHandle(), &sink1, kFirstSeq, mid);
  StatementPtr stmt2 = prepare_fast_select(half.db.get(), &sink2, mid + 1, kLastSeq);
  std::atomic<bool> cancel{false};
  std::atomic<std::int64_t> done2{0};
  std::exception_ptr error2;
  {
    std::thread worker([&] {
      try {
        scan_here(half.db.get(), batch2, sink2, stmt2.get(), second, cancel,
                  [&] { done2.store(second.checked(), std::memory_order_relaxed); });
      } catch (...) {
        error2 = std::current_exception();
      }
    });
    struct Join {   // on the way out: stops the worker when this half threw, and waits for it
      std::thread& t;
      std::atomic<bool>& cancel;
      bool done = false;
      ~Join() {
        if (!done) cancel.store(true);
        t.join();
      }
    } join{worker, cancel};
    std::atomic<bool> never{false};
    scan_here(sql.getHandle(), batch1, sink1, stmt1.get(), first, never, [&] {
      if (progress) progress(first.checked() + done2.load(std::memory_order_relaxed), total);
    });
    if (first.stop()) cancel.store(true);
    join.done = true;
  }
  if (first.stop()) {
    first.store(st);
    return first.stop();
  }
  if (error2) std::rethrow_exception(error2);
  if (first.expected() == mid + 1 && std::memcmp(first.last(), half.hash_before, kHexLen) == 0) {
    second.store(st, &first);
    return second.stop();
  }
  first.store(st);
  return mid + 1;   // the first half ended elsewhere: the careful walk takes the rest
}

// The fast pass: accepts entries while each simply follows its predecessor.
// Returns the seq of the first entry it could not accept (the careful walk
// starts there, with st as the fast pass left it), or nothing at the end.
// split: this verification holds its own read snapshot of a file database.
std::optional<std::int64_t> fast_pass(SQLite::Database& sql, bool split, const std::optional<JournalHead>& anchor,
                                      WalkState& st, const Progress& progress, std::int64_t total) {
  if (split && anchor && anchor->count >= kSplitFrom) {
    const std::int64_t mid = anchor->count / 2;
    if (std::optional<SecondHalf> half = open_second_half(sql, *anchor, mid))
      return split_pass(sql, *half, mid, st, progress, total);
  }
  return pipelined_pass(sql.getHandle(), st, progress, total);
}

}  // namespace

VerifyReport Journal::verify(const std::function<void(std::int64_t, std::int64_t)>& progress) const {
  return detail::guarded("verifying the journal", [&]() -> VerifyReport {
    SQLite::Database& sql = detail::sql(db_);
    MapScope mapped(sql);
    ReadScope snapshot(sql);

    std::optional<JournalHead> anchor;
    {
      SQLite::Statement a(sql, kHead);
      if (a.executeStep()) anchor = JournalHead{a.getColumn(0).getInt64(), a.getColumn(1).getString()};
    }
    const std::int64_t total =
        anchor ? anchor->count : sql.execAndGet("SELECT count(*) FROM journal").getInt64();

    WalkState st;
    if (const std::optional<std::int64_t> from = fast_pass(sql, snapshot.owned(), anchor, st, progress, total)) {
      SQLite::Statement rows(sql, kSelect + "WHERE seq >= ?1 ORDER BY seq");
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

std::vector<JournalEntry> Journal::entries_of_day(const std::string& business_day) const {
  return detail::guarded("reading the journal of " + business_day, [&] {
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
    SQLite::Statement q(detail::sql(db_), kSelect + "WHERE order_id = ?1 ORDER BY seq");
    q.bind(1, static_cast<std::int64_t>(order_id));
    while (q.executeStep()) out.push_back(read_row(q).e);
    return out;
  });
}

}  // namespace certdesk::db
