#pragma once
// The supervisor's day in the database (SPEC §5): the signed daily closes and
// the supervisors' signing tokens. Schema version 3 (db/database.cpp).
//
// day_closes: one row per closed business day, never updated or deleted
// (triggers). While a day has a row, the trigger journal_closed_day refuses any
// journal entry of that business day, and Journal::append gives an entry whose
// calendar day is closed the next open business day instead. A receipt whose
// payment entry lies in a closed day keeps its amount, method and number
// (trigger payments_closed_day).
//
// staff_tokens: a supervisor's own PKCS#11 token (its serial, the CKA_ID of the
// signing key, the certificate the local CA issued for it, the key's
// fingerprint). No PIN is stored. Schema version 6 added key_fingerprint.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/journal.h"
#include "db/repositories.h"

namespace certdesk::db {

struct DayCloseRecord {
  std::string business_day;          // "YYYY-MM-DD", unique
  std::string closed_utc;            // "2026-11-22T10:00:00Z"
  std::string closed_by;             // staff name
  std::int64_t entry_count = 0;      // journal entries of the day
  std::optional<std::int64_t> first_seq, last_seq;   // absent for a day without entries
  std::int64_t head_seq = 0;         // journal head (count) when the day was closed
  std::string head_hash;             // hash of entry head_seq (64 zeros for an empty journal)
  std::int64_t fee_total_fen = 0;
  std::string statement;             // the signed text (workflows/day.h)
  std::string statement_sha256;      // hex
  std::vector<std::uint8_t> signature;   // ECDSA / SHA-256, DER
  std::string signer_kind;           // "supervisor" | "workstation"
  std::vector<std::uint8_t> signer_cert; // X.509 DER
};

class DayCloses {
 public:
  explicit DayCloses(Database& db) : db_(db) {}
  // Inside the caller's Transaction. Throws DbError(duplicate) when the day is closed already.
  void insert(const DayCloseRecord& r);
  std::optional<DayCloseRecord> by_day(const std::string& business_day);
  bool is_closed(const std::string& business_day);
  // Closed days, newest first.
  std::vector<std::string> closed_days(int limit = 400);

 private:
  Database& db_;
};

struct StaffToken {
  Id id = 0;
  Id staff_id = 0;
  std::string token_serial;          // unique
  std::string key_id;                // CKA_ID of the signing key, hex
  std::string cert_serial;           // lower-case hex
  std::vector<std::uint8_t> cert_der;
  std::string enrolled_utc;
  bool active = true;
  std::string key_fingerprint;       // SHA-256 of the key's SubjectPublicKeyInfo, "3F2A 9B10 …" ('' before schema 6)
};

class StaffTokens {
 public:
  explicit StaffTokens(Database& db) : db_(db) {}
  // Inside the caller's Transaction. Throws DbError(duplicate) for a serial already enrolled.
  Id insert(const StaffToken& t);
  // The person's active token (the newest when several), if any.
  std::optional<StaffToken> active_of(Id staff_id);
  std::optional<StaffToken> by_serial(const std::string& token_serial);
  // Marks the person's other tokens inactive (a new enrolment replaces them).
  void deactivate_others(Id staff_id, const std::string& keep_serial);

 private:
  Database& db_;
};

}  // namespace certdesk::db

namespace certdesk::db {

// What the review window filters a day's journal by. Empty = any.
struct JournalFilter {
  std::string staff;
  std::string flow;
  std::string organisation;
  enum class Outcome { any, ok, failed } outcome = Outcome::any;
};

// Where a business day lies in the journal.
struct DayRange {
  std::int64_t count = 0;
  std::optional<std::int64_t> first_seq, last_seq;
};

// Reads one business day of the journal through the indexes (never a scan of
// the whole journal): the day's seq range from (business_day, staff), pages by
// seq, a teller's entries from the same index, failures from the partial index.
// Entries are returned as stored; Journal::verify checks them.
class DayJournal {
 public:
  explicit DayJournal(Database& db) : db_(db) {}
  DayRange range(const std::string& business_day);
  // At most `limit` entries of the day matching `filter` with seq > after_seq, in seq order.
  std::vector<JournalEntry> page(const std::string& business_day, const JournalFilter& filter, std::int64_t after_seq,
                                 int limit);
  std::optional<JournalEntry> at(std::int64_t seq);
  // The entries with these seqs, in the order given (missing ones skipped).
  std::vector<JournalEntry> at(const std::vector<std::int64_t>& seqs);
  // Business days that have entries, newest first (for the day picker).
  std::vector<std::string> days(int limit = 400);
  // The journal's "day.closed" and "staff.token_enrolled" entries with seq <=
  // up_to_seq, in seq order (the partial index journal_close_facts: never a
  // scan of the journal). What `day verify` pins keys and chains closes by.
  std::vector<JournalEntry> close_facts(std::int64_t up_to_seq);

 private:
  Database& db_;
};

}  // namespace certdesk::db
