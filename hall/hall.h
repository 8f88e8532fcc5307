#pragma once
// The hall's record (issue 12, docs/hall.md): every counter's journal, receipts and
// signed day closes held in one PostgreSQL 15, where no workstation can rewrite
// them. The server accepts an entry only where it extends the chain it holds for
// that workstation (next seq, prev_hash = its last hash, SHA-256 recomputed by the
// server over the canonical bytes of db/journal.h); triggers and grants refuse any
// UPDATE, DELETE or TRUNCATE of the record tables (hall/schema/*.sql).
//
// This header is the port the desk calls; it shows no libpq type. Every function
// talks to the server over the network and may block (up to the connection's
// timeout): call it from a worker or a CLI command, never on the window's thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "db/day_close.h"
#include "db/journal.h"

namespace certdesk::hall {

// A failure talking to the hall server; code() is one of codes::hall_* (common/error.h)
// or codes::workstation_taken, sqlstate() the server's SQLSTATE when it answered.
class HallError : public Error {
 public:
  HallError(ErrorKind kind, std::string code, const std::string& message, std::string sqlstate = "")
      : Error(kind, std::move(code), message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The schema version this build reads and writes (hall/schema/NNN_*.sql).
int expected_schema_version();

// Which counter: the branch's code and the workstation code within it ("BJ01", "W01").
struct Counter {
  std::string branch;
  std::string workstation;
};

struct ShipResult {
  std::int64_t accepted = 0;      // entries stored by this call
  std::int64_t duplicates = 0;    // entries the hall held already, identical
  std::int64_t head_seq = 0;      // the hall's head for this workstation afterwards
  std::string head_hash;
};

struct RemoteHead {
  std::int64_t count = 0;
  std::string hash;               // 64 zeros when nothing is stored
  std::string last_contact_utc;   // server time of the last shipment, "" if never
};

// compare(): the local chain against the hall's copy.
struct Comparison {
  enum class Kind {
    same,      // every shipped entry is identical locally (pending may be > 0)
    changed,   // entry `seq` differs from the one shipped
    removed,   // the hall's entry `seq` is missing locally (a cut tail, a deletion)
    added,     // local entry `seq` was never shipped where it stands (an inserted or backdated entry)
    close_removed,   // the hall holds a signed day close of `business_day` the counter no longer has
    close_changed,   // the counter's day close of `business_day` differs from the one shipped
  };
  Kind kind = Kind::same;
  std::int64_t seq = 0;
  std::int64_t local_count = 0;
  std::int64_t remote_count = 0;
  std::int64_t pending = 0;       // local entries after the hall's head, not yet shipped
  std::string business_day;       // close_removed / close_changed: the day whose close it is
  std::string message;            // a sentence naming the entry (translated)
  bool ok() const { return kind == Kind::same; }
};

// verify_all(): one counter's chain as the server holds it, recomputed on the server.
struct ChainVerdict {
  Counter counter;
  std::int64_t checked = 0;
  bool ok = true;
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;            // "changed" | "removed" | "day-close" | "totals" | "hall-close"
  std::string message;            // translated
};

struct Receipt {
  std::string receipt_no;         // unique across the hall and head office
  std::int64_t seq = 0;           // the journal entry that recorded the payment (shipped first)
  std::string method;
  std::int64_t amount_fen = 0;
};

// A supervisor's signed close of the hall's day; the server chains them per branch.
struct HallClose {
  std::int64_t seq = 0;           // set by the server's order: 1, 2, 3 … per branch
  std::string business_day;
  std::string closed_utc;
  std::string closed_by;
  std::string statement;          // names every counter's signed head for the day
  std::vector<std::uint8_t> signature;
  std::vector<std::uint8_t> signer_cert;
  std::string prev_hash, hash;    // hash computed by the server
};

// The review window's filter; empty = any.
struct HallFilter {
  std::string workstation;
  std::string staff;
  std::string flow;
  enum class Outcome { any, ok, failed } outcome = Outcome::any;
};

struct HallEntry {
  std::string workstation;        // the counter's code
  std::string received_utc;       // server time it arrived
  db::JournalEntry entry;
};

struct CounterDay {
  std::string workstation;
  std::int64_t entries = 0, exceptions = 0, amount_fen = 0;
  std::string first_utc, last_utc;
};

// One page of a branch's day, exceptions first, then by time; next_after continues it.
struct HallDayPage {
  std::vector<HallEntry> entries;
  std::vector<CounterDay> counters;   // per counter totals of the day
  std::int64_t total_entries = 0, total_exceptions = 0, total_amount_fen = 0;
  std::string next_after;             // opaque keyset cursor, "" when this was the last page
};

struct LateCounter {
  Counter counter;
  std::string last_contact_utc;       // "" when it never shipped
  std::int64_t minutes_since = -1;    // -1 when it never shipped
};

struct BranchDay {
  std::string branch, business_day;
  std::int64_t counters = 0, entries = 0, exceptions = 0, amount_fen = 0;
};

// The head office's list: counters whose record is late, behind the server's
// clock, or fails verification on the server.
struct CounterIssue {
  Counter counter;
  std::string kind;                   // "late" | "clock-behind" | "verify-failed"
  std::string detail;                 // translated
};

class Connection {
 public:
  // Connects with a libpq connection string (keywords or a postgresql:// URI).
  // A password is never taken from conninfo: when the server asks for one it is
  // read from password_file (libpq's passfile format), never logged. Checks the
  // server holds the schema version this build expects. Throws HallError:
  // hall_bad_conninfo (malformed, or a password in it), hall_unreachable
  // (no server, refused, authentication failed), hall_schema_mismatch.
  static Connection open(const std::string& conninfo, const std::string& password_file = "");
  // Creates the schema or applies the migrations it lacks (as the database's
  // owner); returns the version now applied. Throws HallError as open(), and
  // hall_schema_mismatch when the server holds a newer version than this build.
  static int migrate(const std::string& conninfo, const std::string& password_file = "");

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Joins a counter: registers (branch, workstation) with the counter's workstation
  // key fingerprint (or confirms a rejoin with the same key). Throws
  // HallError(workstation_taken) when another counter holds that code.
  void join(const Counter& counter, const std::string& fingerprint);

  // Ships entries (in seq order; any run that starts at or below the hall's head + 1).
  // In one transaction: entries the hall holds identically count as duplicates, the
  // rest are stored; client_now is the counter's clock, recorded with the server's.
  // Throws HallError: hall_conflict (an entry differs from the one stored, nothing
  // stored), hall_gap (the first new entry is not the next one), hall_refused.
  ShipResult ship(const Counter& counter, const std::vector<db::JournalEntry>& entries, Seconds client_now);
  // Ship a receipt (after its journal entry) / a signed day close (after its head entry).
  // Idempotent: the same again is a no-op; a different one with the same key is hall_conflict.
  void ship_receipt(const Counter& counter, const Receipt& receipt);
  void ship_day_close(const Counter& counter, const db::DayCloseRecord& close);
  // Many receipts in one transaction (the shipper's batch): each as ship_receipt; a conflict
  // stores none of them.
  void ship_receipts(const Counter& counter, const std::vector<Receipt>& receipts);
  // Appends the next hall close of the branch (seq and prev_hash set here); returns it as stored.
  HallClose close_hall_day(const std::string& branch, HallClose close);

  RemoteHead remote_head(const Counter& counter);
  // The local chain (all entries from seq 1, in order) against the hall's copy.
  Comparison compare(const Counter& counter, const std::vector<db::JournalEntry>& local);
  // The same, then the counter's signed day closes against those shipped: a close the
  // hall holds that is missing locally (deleted with sqlite3) or differs is named.
  Comparison compare(const Counter& counter, const std::vector<db::JournalEntry>& local,
                     const std::vector<db::DayCloseRecord>& local_closes);
  // The signed day closes the hall holds for a branch's business day, by workstation code.
  std::vector<std::pair<std::string, db::DayCloseRecord>> day_closes(const std::string& branch,
                                                                     const std::string& business_day);
  // The branch's hall closes, in order (seq 1, 2, …).
  std::vector<HallClose> hall_closes(const std::string& branch);
  // What a counter's signed close is checked by, as the hall holds it: the counter's
  // "staff.token_enrolled" and "day.closed" entries with seq <= up_to_seq and the entry
  // up_to_seq itself (its head), in seq order, as stored (the caller recomputes hashes).
  std::vector<db::JournalEntry> close_facts(const Counter& counter, std::int64_t up_to_seq);
  // Recomputes every counter's chain, day closes, day totals and hall closes on the server.
  std::vector<ChainVerdict> verify_all();

  // The branch's business day, exceptions first; at most limit entries after `after`.
  HallDayPage hall_day_report(const std::string& branch, const std::string& business_day,
                              const HallFilter& filter = {}, int limit = 200, const std::string& after = "");
  // Counters whose last shipment is older than `minutes` (or never shipped).
  std::vector<LateCounter> late_counters(int minutes);
  // Head office: totals per branch and business day in [from_day, to_day].
  std::vector<BranchDay> branch_totals(const std::string& from_day, const std::string& to_day);
  // Head office: late counters, counters whose clock was behind the server's by more
  // than max_behind_seconds at their last contact, counters failing verify_all.
  std::vector<CounterIssue> counter_issues(int late_minutes, int max_behind_seconds);

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certdesk::hall
