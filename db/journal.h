#pragma once
// The journal (SPEC §5): append-only (triggers refuse UPDATE and DELETE), each
// entry hashed as SHA-256(previous hash ‖ canonical bytes of the entry), so a
// verifier names the first entry that was changed, removed, inserted or
// reordered. A separate one-row anchor keeps the head (count and last hash) so
// a cut-off tail is detected as well. Nothing secret is ever appended.
//
// Hash of an entry: lower-case hex of SHA-256(prev_hash ‖ canonical_bytes(e)),
// prev_hash being the 64 hex characters of the previous entry's hash (64 "0"
// for entry 1). canonical_bytes(e), version 1:
//   "certdesk-journal-v1" 0x00, then these fields in this order, each encoded as
//     text:        's' + 4-byte big-endian byte length + the UTF-8 bytes
//     integer:     'i' + 8-byte big-endian two's complement
//     absent int:  'n' (no payload)
//   seq (i), utc_time (s), business_day (s), workstation (s), staff (s),
//   action (s), order_id (i|n), organisation (s), token_serial (s),
//   cert_serial (s), amount_fen (i|n), receipt_no (s), outcome (s),
//   details (s), flow (s).
// Every field except prev_hash and hash is covered (prev_hash enters the hash
// itself), and every field carries its length or type byte, so no two entries
// share their bytes.
//
// Storage: table journal (one column per JournalEntry field, seq INTEGER
// PRIMARY KEY); triggers refuse UPDATE and DELETE and accept an INSERT only at
// the head (seq = anchor count + 1, prev_hash = anchor hash); an AFTER INSERT
// trigger moves the one-row journal_anchor(count, head_hash) in the same
// statement, and the anchor itself can only step forward by one. Indexes for
// the review window: (business_day, staff); (business_day, outcome) over the
// exceptions only (outcome <> '0000'); order_id where present; the day closes
// and enrolments, and payments by receipt_no (schema 6, issue 13.1). They are kept
// few and partial because every append writes their pages.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "db/database.h"

namespace certdesk::db {

// What a caller says about one action.
struct JournalRecord {
  std::string staff;                    // staff name ("" for the system)
  std::string action;                   // e.g. "login", "order.transition", "token.keygen", "cert.issued"
  std::optional<std::int64_t> order_id;
  std::string organisation;             // the organisation's USCC (or name when it has none)
  std::string token_serial;
  std::string cert_serial;
  std::optional<std::int64_t> amount_fen;
  std::string receipt_no;
  std::string outcome = "0000";         // an outcome code (common/error.h)
  std::string details;                  // short free text or compact JSON; never a secret
  std::string flow;                     // "issue", "reissue", … or ""
};

// One stored entry.
struct JournalEntry {
  std::int64_t seq = 0;                 // 1, 2, 3 … without gaps
  std::string utc_time;                 // "2026-11-22T03:14:00Z"
  std::string business_day;             // branch-local "YYYY-MM-DD"
  std::string workstation;
  JournalRecord record;
  std::string prev_hash;                // hex; 64 zeros for the first entry
  std::string hash;                     // hex
};

struct JournalHead {
  std::int64_t count = 0;
  std::string hash;                     // hash of the last entry, 64 zeros when empty
};

struct VerifyReport {
  bool ok = true;
  std::int64_t checked = 0;             // entries read
  // Entries the fast pass accepted (the careful walk checked the rest): all of
  // them on an intact journal, those before the first bad entry otherwise.
  std::int64_t fast_accepted = 0;
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;                  // "changed" | "removed" | "inserted" | "reordered" | "truncated"
  std::string message;                  // a sentence naming the entry, for the supervisor
};

class Journal {
 public:
  // workstation names this machine in every entry; utc_offset_minutes fixes the business day.
  // The Journal uses db's cached statements: destroy it before db.
  Journal(Database& db, std::string workstation, int utc_offset_minutes);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  Journal(Journal&&) = default;

  // Appends one entry at time `at`, on the branch-local business day of `at`,
  // or, when that day is closed (table day_closes, db/day_close.h), on the next
  // business day still open: nothing of a closed day changes; never on a day
  // earlier than the newest entry's (a clock set back). Call it inside the Transaction that holds the
  // step it records; it never opens or commits one itself (a lone call outside a
  // transaction is its own autocommit). Throws DbError(journal_unavailable) when
  // the entry cannot be written.
  JournalEntry append(const JournalRecord& record, Seconds at);

  // Walks the whole chain in seq order. Progress is called now and then with
  // (entries done, total). Never loads the whole journal into memory (it keeps
  // a window of one entry ahead and a few hashes behind). Names the first bad
  // entry and what happened to it:
  //   changed    the entry no longer matches its hash (or, hash recomputed,
  //              the next entry no longer links to it);
  //   removed    a gap in seq, or an entry matches its hash only under a later
  //              seq (entries after a deletion renumbered);
  //   inserted   an entry sits in the chain but the entry after it links past
  //              it (later entries renumbered), or entries beyond the anchor;
  //   reordered  two neighbours each match their hash only in the other's place;
  //   truncated  the anchor counts more entries than the journal holds.
  // Throws DbError when the database cannot be read.
  VerifyReport verify(const std::function<void(std::int64_t, std::int64_t)>& progress = {}) const;

  JournalHead head() const;

  // Entries of one business day, in seq order, read in pages (for reports).
  std::vector<JournalEntry> entries_of_day(const std::string& business_day) const;
  std::vector<JournalEntry> entries_of_order(std::int64_t order_id) const;

  // The canonical bytes an entry's hash covers (exposed for tests and docs).
  static std::string canonical_bytes(const JournalEntry& e);
  // The hash e must carry: hex SHA-256(e.prev_hash ‖ canonical_bytes(e)).
  static std::string entry_hash(const JournalEntry& e);

 private:
  Database& db_;
  std::string workstation_;
  int utc_offset_minutes_;
};

}  // namespace certdesk::db
