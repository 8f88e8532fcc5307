#pragma once
// The counter's link to its hall (issue 12, docs/hall.md): joins the counter,
// ships the local backlog — journal entries, then the receipts they recorded,
// then signed day closes — in order and idempotently, and compares the local
// chain with the hall's copy. The counter never waits on it for long and never
// fails because of it: an unreachable hall is a value (pending count, last
// error, last contact) kept in the data folder's hall_state table
// (db/hall_state.h), not an exception in the counter's work.
//
// Shipping is batched and off the counter's critical path: the CLI ships once
// before it exits (ship_after_command), the window from a BackgroundShipper
// thread woken after each commit and every few seconds.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "db/database.h"
#include "db/journal.h"
#include "hall/hall.h"
#include "workflows/staff.h"

namespace certdesk::desk {

class AppContext;

// What `hall status` prints.
struct HallStatus {
  bool joined = false;
  std::string conninfo;            // as stored: never a password
  std::string password_file;       // a path, or "" (libpq then reads ~/.pgpass or PGPASSFILE)
  hall::Counter counter;
  std::int64_t local_entries = 0;  // the local journal's head
  std::int64_t shipped = 0;        // entries the hall acknowledged
  std::int64_t pending = 0;        // local entries not yet acknowledged
  std::string last_contact_utc;    // the last successful shipment ("" never)
  std::string last_attempt_utc;
  std::string last_error;          // "" when the last attempt succeeded (translated)
  std::string last_error_code;
};

// One shipping attempt, as a value: ship() never throws.
struct ShipOutcome {
  bool attempted = false;          // false: not joined, or nothing to ship and not forced
  bool ok = true;
  std::int64_t entries = 0, receipts = 0, day_closes = 0;   // sent by this attempt (new on the hall)
  std::int64_t pending = 0;        // still local only afterwards
  std::string error, error_code;   // when !ok (translated; the code one of codes::hall_*)
};

class HallLink {
 public:
  // db: the data folder's database (this thread's connection).
  HallLink(db::Database& db, const Clock& clock);

  bool joined();
  HallStatus status();

  // Joins the counter to the hall at conninfo (no password in it: from password_file,
  // ~/.pgpass or PGPASSFILE) under this folder's branch and workstation code, with
  // `fingerprint` naming this data folder. Journals "hall.joined" (by `by`) and ships the
  // backlog. Throws HallError (bad conninfo, unreachable, schema mismatch, workstation
  // code taken, refused) before anything changes locally.
  void connect(db::Journal& journal, const std::string& by, const std::string& conninfo,
               const std::string& password_file, const std::string& fingerprint);

  // Ships what the hall has not acknowledged, in order, within `budget` (checked
  // between batches; libpq's connect_timeout bounds the connect). force: contact
  // the hall even when nothing is pending (`hall sync`). Never throws: the outcome
  // and the status in hall_state say what happened.
  ShipOutcome ship(std::chrono::milliseconds budget, bool force = false);

  // Opens a connection to the joined hall. Throws HallError (hall_refused when not joined).
  hall::Connection open();
  hall::Counter counter();
  // The whole local chain, seq 1…head (for compare).
  std::vector<db::JournalEntry> local_chain();
  // Every local signed day close.
  std::vector<db::DayCloseRecord> local_day_closes();

 private:
  ShipOutcome ship_now(hall::Connection& c, std::chrono::steady_clock::time_point deadline);
  db::Database& db_;
  const Clock& clock_;
};

// This data folder's identity for the hall: hex SHA-256 of a secret derived from its
// master secret (never the secret itself). Another folder claiming the same
// workstation code has another fingerprint and is refused (6004).
std::string hall_fingerprint(AppContext& ctx);

// The local journal's head when the data folder joined a hall, else nothing (also when
// it cannot be read). Looks without writing: a read-only copy stays untouched.
std::optional<std::int64_t> joined_head(const std::filesystem::path& data_dir);

// For certdesk-cli: after a command that wrote, ship the data folder's backlog
// (bounded by budget). Returns a one-line warning (translated) when the hall could not
// take it, else "". Never throws.
std::string ship_after_command(const std::filesystem::path& data_dir, std::chrono::milliseconds budget);

// The window's shipper: a thread with its own database connection that ships after
// each wake() (call it after a commit) and every `period`. Stops (and joins) on
// destruction; a shipment under way finishes its batch first.
class BackgroundShipper {
 public:
  BackgroundShipper(std::filesystem::path data_dir, std::chrono::seconds period = std::chrono::seconds(10));
  ~BackgroundShipper();
  BackgroundShipper(const BackgroundShipper&) = delete;
  BackgroundShipper& operator=(const BackgroundShipper&) = delete;
  void wake();
  // The last outcome (for a status line in the window).
  ShipOutcome last();

 private:
  void run(std::stop_token stop);
  std::filesystem::path data_dir_;
  std::chrono::seconds period_;
  std::mutex mutex_;
  std::condition_variable_any cv_;
  bool woken_ = false;
  ShipOutcome last_;
  std::jthread thread_;   // last: started after every other member exists
};

// The window's commit hook (issue 12.3): after each commit of ctx's database — on the
// committing thread, a Transaction or a single statement — shipper->wake(), so an entry
// reaches the hall within about a second, not the shipper's period. wake() only sets a
// flag and notifies: the counter never waits on it, and nothing it could throw fails the
// commit (db/commit_hook.h). nullptr removes the hook. Set it before the worker starts
// committing and remove it after the worker stopped, before the shipper goes.
void wake_shipper_after_commit(AppContext& ctx, BackgroundShipper* shipper);

// The late-counter setting: a counter that has not shipped for more than this many
// minutes is late (settings key hall_late_minutes, 15 when unset or not positive).
int hall_late_minutes(AppContext& ctx);

// The supervisor's review of the hall's business day (the window's one call, issue 12.5):
// the branch's entries passing the filter, exceptions first (read a page at a time up to
// max_entries), every counter's totals of the day and the branch's counters that have not
// shipped for more than hall_late_minutes(). Throws AuthError unless `who` may review days,
// HallError when the hall cannot be reached. Talks to the server: call it from a worker.
struct HallReview {
  std::string branch, business_day;
  int late_minutes = 15;
  std::vector<hall::LateCounter> late;      // this branch's only, by workstation code
  std::vector<hall::HallEntry> entries;     // exceptions first, then by time
  bool truncated = false;                   // more than max_entries passed the filter
  std::vector<hall::CounterDay> counters;   // per counter totals of the day (unfiltered)
  std::int64_t total_entries = 0, total_exceptions = 0, total_amount_fen = 0;
};
HallReview hall_review(AppContext& ctx, const workflows::Actor& who, const std::string& business_day,
                       const hall::HallFilter& filter = {}, std::size_t max_entries = 5000);

// The hall review across every counter of this branch (for the window's review;
// same rows as the local review: db::JournalEntry plus the counter's code).
// Throws HallError when the hall cannot be reached.
hall::HallDayPage hall_day(AppContext& ctx, const std::string& business_day, const hall::HallFilter& filter = {},
                           int limit = 200, const std::string& after = "");

}  // namespace certdesk::desk
