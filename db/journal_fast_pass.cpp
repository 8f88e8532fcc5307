// The verifier's fast pass (db/journal_verify.h): a reader thread steps the
// rows through a SQL row function that packs each row's stored prev_hash, its
// canonical bytes (canonical::encode_fields, the encoder append uses) and its
// stored hash into a reused batch, while the calling thread hashes and links
// them; a long journal in a file is read in two halves over two connections.

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
#include <vector>

#include "common/handle.h"
#include "common/error.h"
#include "db/detail.h"
#include "db/journal_canonical.h"
#include "db/journal_verify.h"

namespace certdesk::db::verifier {

namespace {

constexpr std::size_t kHexLen = 64;                  // a hash in hex
constexpr std::size_t kBatchEntries = 1024;          // rows per batch handed from the reader
constexpr std::size_t kBatchBytes = std::size_t{1} << 20;
constexpr std::size_t kBatches = 4;                  // batches in flight (memory stays bounded)
constexpr char kRowFunction[] = "certdesk_journal_verify_row";
constexpr char kBatchPointer[] = "certdesk.journal.verify.batch";

// ?2 and ?3 bound the seqs read (both included). The row function packs every
// row into the current batch and answers 0 only when that batch is full, so a
// step returns a row once per batch, not once per entry (SQLite keeps going
// inside its own loop meanwhile).
const std::string kFastSelect = std::string("SELECT 1 FROM journal WHERE seq >= ?2 AND seq <= ?3 AND ") +
                                kRowFunction + "(?1, " + canonical::column_list() + ") = 0 ORDER BY seq";
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

struct Batch {
  std::vector<PackedRow> rows;
  ByteArena bytes;

  void clear() {
    rows.clear();
    bytes.clear();
  }
  bool full() const { return rows.size() >= kBatchEntries || bytes.size() >= kBatchBytes; }

  // v: the values of canonical::column_list(), in that order. Reads them as
  // read_row does (text through the blob accessor, the type checked first) and
  // encodes them with canonical::encode_fields — the encoder append uses —
  // after the stored prev_hash, the stored hash after them.
  void add(sqlite3_value** v) {
    using canonical::Kind;
    PackedRow r;
    canonical::Values values;
    for (std::size_t i = 0; i < canonical::kFields.size(); ++i) {
      sqlite3_value* value = v[i];
      const int type = sqlite3_value_type(value);
      canonical::Value& out = values[i];
      switch (canonical::kFields[i].kind) {
        case Kind::integer: out.integer = sqlite3_value_int64(value); break;
        case Kind::optional_integer:
          if (type != SQLITE_NULL && type != SQLITE_INTEGER) r.well_typed = false;
          out.absent = type == SQLITE_NULL;
          if (!out.absent) out.integer = sqlite3_value_int64(value);
          break;
        case Kind::text: {
          if (type != SQLITE_TEXT) r.well_typed = false;
          const auto* p = static_cast<const char*>(sqlite3_value_blob(value));
          out.text = std::string_view(p == nullptr ? "" : p, static_cast<std::size_t>(sqlite3_value_bytes(value)));
          break;
        }
      }
    }
    auto stored = [&](int column) {
      const auto* p = static_cast<const char*>(sqlite3_value_blob(v[column]));
      return std::string_view(p == nullptr ? "" : p, static_cast<std::size_t>(sqlite3_value_bytes(v[column])));
    };
    const std::string_view prev = stored(canonical::kPrevHashColumn);
    const std::string_view hash = stored(canonical::kHashColumn);
    r.seq = values[0].integer;
    r.offset = bytes.size();
    char* out = bytes.extend(prev.size() + canonical::encoded_size(values) + hash.size());
    write_bytes(out, prev.data(), prev.size());
    out = canonical::encode_fields(values, out);
    r.prev_len = prev.size();
    r.message_len = static_cast<std::size_t>(out - (bytes.data() + r.offset));
    write_bytes(out, hash.data(), hash.size());
    r.hash_len = hash.size();
    rows.push_back(r);
  }
};

// The SQL function the fast select steps: ?1 points at the reader's current batch.
void verify_row_function(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* sink = argc == canonical::kColumnCount + 1 ? static_cast<Batch**>(sqlite3_value_pointer(argv[0], kBatchPointer)) : nullptr;
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

using StatementPtr = std::unique_ptr<sqlite3_stmt, CFree<sqlite3_finalize>>;

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
    rc = sqlite3_create_function_v2(db, kRowFunction, canonical::kColumnCount + 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr,
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
    if (!md_ || !ctx_) throw CryptoError(tr("The journal cannot be checked: this OpenSSL has no SHA-256. Reinstall certdesk's packages or call support."));
  }
  void operator()(const char* p, std::size_t n, char (&hex)[kHexLen]) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) != 1 || EVP_DigestUpdate(ctx_.get(), p, n) != 1 ||
        EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1 || len != kHexLen / 2)
      throw CryptoError(tr("Computing a SHA-256 digest failed inside OpenSSL. Try again; if it repeats, call support."));
    static constexpr char digits[] = "0123456789abcdef";
    for (std::size_t i = 0; i < kHexLen / 2; ++i) {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 0x0f];
    }
  }

 private:
  std::unique_ptr<EVP_MD, CFree<EVP_MD_free>> md_;
  std::unique_ptr<EVP_MD_CTX, CFree<EVP_MD_CTX_free>> ctx_;
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

using ConnectionPtr = std::unique_ptr<sqlite3, CFree<sqlite3_close_v2>>;

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
    // A copy opened immutable (db::Database::open_readonly on a read-only
    // copy) cannot change: the second connection opens it the same way. A
    // live file needs WAL for the two read transactions to share one snapshot.
    const bool immutable = sqlite3_uri_boolean(file, "immutable", 0) != 0;
    if (!immutable && sql.execAndGet("PRAGMA journal_mode").getString() != "wal") return std::nullopt;
    const std::string name = immutable ? detail::immutable_uri(file) : std::string(file);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(name.c_str(), &raw,
                                   SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (immutable ? SQLITE_OPEN_URI : 0), nullptr);
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
    StatementPtr head = prepare(kHeadSql);
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

}  // namespace

std::optional<std::int64_t> fast_pass(SQLite::Database& sql, bool split, const std::optional<JournalHead>& anchor,
                                      WalkState& st, const Progress& progress, std::int64_t total) {
  if (split && anchor && anchor->count >= kSplitFrom) {
    const std::int64_t mid = anchor->count / 2;
    if (std::optional<SecondHalf> half = open_second_half(sql, *anchor, mid))
      return split_pass(sql, *half, mid, st, progress, total);
  }
  return pipelined_pass(sql.getHandle(), st, progress, total);
}


}  // namespace certdesk::db::verifier
