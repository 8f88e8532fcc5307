#pragma once
// The journal (SPEC §5): append-only (triggers refuse UPDATE and DELETE), each
// entry hashed as SHA-256(previous hash ‖ canonical bytes of the entry), so a
// verifier names the first entry that was changed, removed, inserted or
// reordered. A separate one-row anchor keeps the head (count and last hash) so
// a cut-off tail is detected as well. Nothing secret is ever appended.

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
  std::optional<std::int64_t> first_bad_seq;
  std::string problem;                  // "changed" | "removed" | "inserted" | "reordered" | "truncated"
  std::string message;                  // a sentence naming the entry, for the supervisor
};

class Journal {
 public:
  // workstation names this machine in every entry; utc_offset_minutes fixes the business day.
  Journal(Database& db, std::string workstation, int utc_offset_minutes);

  // Appends one entry at time `at`. Call it inside the Transaction that holds the
  // step it records; it never opens or commits one itself (a lone call outside a
  // transaction is its own autocommit). Throws DbError(journal_unavailable) when
  // the entry cannot be written.
  JournalEntry append(const JournalRecord& record, Seconds at);

  // Walks the whole chain in seq order. Progress is called now and then with
  // (entries done, total). Never loads the whole journal into memory.
  VerifyReport verify(const std::function<void(std::int64_t, std::int64_t)>& progress = {}) const;

  JournalHead head() const;

  // Entries of one business day, in seq order, read in pages (for reports).
  std::vector<JournalEntry> entries_of_day(const std::string& business_day) const;
  std::vector<JournalEntry> entries_of_order(std::int64_t order_id) const;

  // The canonical bytes an entry's hash covers (exposed for tests and docs).
  static std::string canonical_bytes(const JournalEntry& e);

 private:
  Database& db_;
  std::string workstation_;
  int utc_offset_minutes_;
};

}  // namespace certdesk::db
