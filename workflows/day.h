#pragma once
// The supervisor's day (SPEC §5, issue 6): review a business day of the
// journal, close (sign off) it, verify a close later. Plain C++: the window and
// the CLI are thin views over this. Permissions are checked here: a teller is
// refused with AuthError (review_day / close_day, workflows/staff.h).
//
// Rules of the day's figures (the same for the review, the report and the
// signed statement; all taken from the journal of that day, so they never
// change once the day is closed):
//   - a receipt counts on the day its "payment" entry was journaled (entries
//     of action payment with a receipt number; "no fee due" has none);
//   - fee_total_fen is the sum of those receipts' amounts less the ones a
//     "receipt.voided" entry of the same day voided: the non-voided receipts of
//     the day (a later day's void of it shows on that later day, as a void);
//   - the payment method comes from the receipt (payments.method: cash, card,
//     transfer, waived);
//   - exceptions, listed first, in this order: failures (outcome ≠ 0000),
//     overrides (action override), waivers (payment whose details start
//     "waived by"), voids (receipt.voided), unlocks (token.unlocked), and
//     orders left unfinished (orders with entries that day whose last step of
//     the day is not order.completed / .cancelled / .failed / .rolled_back;
//     bookkeeping after the order — receipt.*, approval*, correction — is no step).
//
// The signed statement (statement_text) is canonical UTF-8 text, lines ending
// in "\n", one "key: value" per line, in this order:
//   certdesk-day-close-v2
//   branch, business_day, utc_offset_minutes,
//   entries, first_seq, last_seq ("-" when the day is empty),
//   day_entries_sha256   hex SHA-256 of the day's entry hashes (hex, in seq order, concatenated),
//   head_seq, head_hash  the journal's head when the day was closed (the chain up to it),
//   receipts_issued, receipts_voided, fee_total_fen, voids, voided_fen,
//   failures, overrides, waivers, unlocks, unfinished_orders,
//   "flow.<flow>: entries=N orders=N receipts=N amount_fen=N"      one per flow, by name
//   "teller.<name>: entries=N orders=N receipts=N amount_fen=N"    one per staff name ("" = system)
//   "method.<method>: receipts=N amount_fen=N"                     one per payment method
//   closed_by, closed_utc, signer (supervisor),
//   signer_certificate_sha256   hex SHA-256 of the signer's certificate (DER),
//   previous_close_sha256       statement_sha256 of the close journaled before
//                               this one (kGenesisClose for the first): closes are chained.
// The signature is ECDSA P-256 over SHA-256 of exactly these bytes (DER), so
// `openssl dgst -sha256 -verify pub.pem -signature stmt.sig stmt.txt` checks it.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/day_close.h"
#include "db/journal.h"
#include "workflows/services.h"
#include "workflows/staff.h"

namespace certdesk::workflows {

using db::JournalFilter;

enum class ExceptionKind { failure, override, waiver, void_receipt, unlock, unfinished };
const char* to_string(ExceptionKind k);   // "failure", "override", "waiver", "void", "unlock", "unfinished"
inline constexpr unsigned flag(ExceptionKind k) { return 1u << static_cast<unsigned>(k); }

// The exception kinds one entry shows by itself (every kind but unfinished,
// which depends on the order's later entries), as flag() bits.
unsigned exception_flags(const db::JournalEntry& e);
// What a journal action says, in the current language ("login.refused" →
// 登录被拒); an action not in the list stays as it is written.
std::string action_label(const std::string& action);
// An order's last step done as the teller reads it: a state ("paid" → 已收费)
// or an action's label; anything else as it is written.
std::string step_label(const std::string& step);
// True when the entry ends its order (completed, cancelled, failed, rolled back).
bool ends_order(const std::string& action);
// True when the action is a step of its order (not receipt.*, approval*, correction).
bool moves_order(const std::string& action);
// True when the entry passes the filter (the same rules DayJournal::page applies in SQL).
bool matches(const db::JournalEntry& e, const JournalFilter& f);

struct DayException {
  ExceptionKind kind = ExceptionKind::failure;
  db::JournalEntry entry;   // for unfinished: the order's last entry of the day
};

struct TotalRow {
  std::string key;          // flow name, staff name or payment method
  std::int64_t entries = 0;
  std::int64_t orders = 0;
  std::int64_t receipts = 0;   // non-voided receipts
  std::int64_t amount_fen = 0;
};

struct DaySummary {
  std::string business_day;
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_seq, last_seq;
  std::string day_entries_sha256;
  std::int64_t receipts_issued = 0, receipts_voided = 0, fee_total_fen = 0;
  std::int64_t voids = 0, voided_fen = 0;
  std::int64_t failures = 0, overrides = 0, waivers = 0, unlocks = 0, unfinished_orders = 0;
  std::vector<TotalRow> by_flow, by_teller, by_method;   // sorted by key
  std::vector<DayException> exceptions;                  // by kind (order above), then seq
};

// One row of the review list: an entry and the exception kinds it shows.
struct ReviewRow {
  std::int64_t seq = 0;
  unsigned flags = 0;
};

class DayReview {
 public:
  // Throws AuthError(permission_denied) unless `who` may review the day.
  DayReview(db::Database& db, const Actor& who);

  // The figures and exceptions of one day; one pass over the day's entries.
  // Throws InputError for a malformed day, DbError when the database cannot be read.
  DaySummary summary(const std::string& business_day);
  // The rows of the day that pass the filter: exceptions first (in seq order),
  // then the others in seq order. 16 bytes per row, the day only.
  std::vector<ReviewRow> rows(const std::string& business_day, const JournalFilter& filter = {});
  // A page of the day's entries passing the filter, seq > after_seq, in seq order (keyset paging).
  std::vector<db::JournalEntry> page(const std::string& business_day, const JournalFilter& filter,
                                     std::int64_t after_seq, int limit);
  // Calls f for every entry of the day passing the filter, in seq order, reading page by page.
  void for_each(const std::string& business_day, const JournalFilter& filter,
                const std::function<void(const db::JournalEntry&)>& f);
  std::vector<db::JournalEntry> entries(const std::vector<std::int64_t>& seqs);
  // Every entry of the order, across days, in seq order.
  std::vector<db::JournalEntry> order_history(db::Id order_id);
  // Business days with entries, newest first.
  std::vector<std::string> days(int limit = 400);
  // The sum of the day's receipts that the payments table holds as not voided
  // (created that business day): must equal summary().fee_total_fen while no
  // later day voided one of them.
  std::int64_t receipts_table_total(const std::string& business_day, int utc_offset_minutes);

 private:
  db::Database& db_;
};

// ---- the daily close -------------------------------------------------------------
//
// What makes a close stand (issue 13.1; docs/security.md says what it cannot stop):
//  - it is signed with the supervisor's own token (kind "supervisor"; the desk
//    has no other signer for a close);
//  - the key is pinned: its fingerprint (SignatureChecker::key_fingerprint)
//    must be the one the journal's last "staff.token_enrolled" entry for the
//    closing supervisor recorded at or before the close's head_seq. That entry
//    is inside the chain the close signed, so a token enrolled afterwards
//    (a new key for the same person) never verifies an older close, and moving
//    an enrolment earlier changes the signed head;
//  - closes are chained: the journal's "day.closed" entries, in seq order,
//    name each close's statement hash, and each statement names the one before
//    (kGenesisClose first). A close removed from day_closes, replaced, redone
//    (a second day.closed entry for a day) or added without its entry breaks
//    the walk, which names the close.

// The previous_close_sha256 of the first close.
inline const std::string kGenesisClose(64, '0');

// The details of a "staff.token_enrolled" entry, and the fingerprint such an
// entry records for `supervisor` (nullopt when it is another person's, or an
// enrolment from before fingerprints were recorded).
std::string enrolment_details(const std::string& supervisor, const std::string& fingerprint);
std::optional<std::string> enrolled_fingerprint(const db::JournalEntry& e, const std::string& supervisor);

// A "day.closed" entry read back: the day it closed and the statement's hash.
struct JournaledClose {
  std::string business_day;
  std::string statement_sha256;
};
std::optional<JournaledClose> journaled_close(const db::JournalEntry& e);

// Signs the statement with the supervisor's own token key (the app implements
// it over PKCS#11).
class StatementSigner {
 public:
  virtual ~StatementSigner() = default;
  virtual std::string kind() const = 0;            // "supervisor" (a close refuses any other)
  virtual Bytes certificate() = 0;                 // the signing key's certificate, DER
  virtual Bytes sign(const std::string& statement) = 0;   // ECDSA / SHA-256, DER
};

// Checks a signature with a certificate's public key (the app uses OpenSSL).
class SignatureChecker {
 public:
  virtual ~SignatureChecker() = default;
  // Empty when `signature` over `data` verifies with the certificate's public
  // key and the certificate is one this workstation trusts; else why not.
  virtual std::string check(const Bytes& cert_der, const std::string& data, const Bytes& signature) = 0;
  // The fingerprint of the certificate's key as enrolment records it (the app:
  // SHA-256 of the SubjectPublicKeyInfo DER, hex groups). Throws Error when the
  // certificate cannot be read.
  virtual std::string key_fingerprint(const Bytes& cert_der) = 0;
};

// What the close binds besides the day's figures.
struct CloseFacts {
  std::string branch;
  int utc_offset_minutes = kDefaultUtcOffsetMinutes;
  std::int64_t head_seq = 0;
  std::string head_hash;
  std::string closed_by;
  std::string closed_utc;
  std::string signer;                   // "supervisor"
  std::string signer_certificate_sha256;
  std::string previous_close_sha256 = kGenesisClose;
};

// The canonical statement (format above).
std::string statement_text(const DaySummary& s, const CloseFacts& f);

// The checks a signed close stands on by itself, wherever it is held: the
// statement's hash, the signature, and the key pinned to the last enrolment of
// closed_by among `facts` (journal entries; those after head_seq are ignored).
// DayClose::verify runs it on the local record; the hall close runs it on each
// counter's close as the hall server holds it, with that counter's journal
// entries from the server (app/cli_hall.cpp). Each problem is a sentence, empty
// when that check passed.
struct SignedCloseCheck {
  bool statement_hash_ok = false;       // statement_sha256 is the statement's SHA-256
  bool signature_ok = false;
  bool key_pinned = false;
  std::string signer_fingerprint, pinned_fingerprint;
  std::optional<std::int64_t> enrolment_seq;
  std::string statement_problem, signature_problem, pin_problem;
  bool ok() const { return statement_hash_ok && signature_ok && key_pinned; }
};
SignedCloseCheck check_signed_close(const db::DayCloseRecord& rec, const std::vector<db::JournalEntry>& facts,
                                    SignatureChecker& checker);

struct DayVerifyReport {
  bool ok = false;
  db::VerifyReport chain;               // the whole journal
  bool head_matches = false;            // entry head_seq still has the signed hash
  bool statement_matches = false;       // recomputed from the journal, byte for byte
  bool signature_ok = false;
  bool key_pinned = false;              // signed by the key enrolled for closed_by at the time
  bool close_chain_ok = false;          // every close journaled, none removed, replaced, redone or added
  std::string signer_fingerprint;       // of the key that signed
  std::string pinned_fingerprint;       // of the key enrolled for closed_by at head_seq; empty when none
  std::optional<std::int64_t> bad_seq;  // the entry named, when one is
  std::string problem;                  // a sentence for the supervisor; empty when ok
  std::vector<std::string> problems;    // every check that failed, problem first
  db::DayCloseRecord close;
};

class DayClose {
 public:
  // Throws AuthError(permission_denied) unless `who` may review days. Needs
  // no token port: verify works without a module.
  DayClose(db::Database& db, db::Journal& journal, const Clock& clock, const CounterConfig& config, const Actor& who);
  DayClose(Services& s, const Actor& who) : DayClose(s.db, s.journal, s.clock, s.config, who) {}

  // Closes the day (needs close_day): refuses RuleRefused(duplicate) when it is
  // closed already, RuleRefused(rule_refused) for a day that has not begun or a
  // signer that is not a supervisor's token, JournalIntegrityError when the
  // journal holds a close of the day whose record is gone (no redo).
  // In one transaction: the figures, the statement, its signature, the
  // day_closes row and a "day.closed" journal entry (which, as every later
  // entry, belongs to the next open business day).
  db::DayCloseRecord close(const std::string& business_day, StatementSigner& signer);
  // close()'s refusals without closing: the permission, the date, not begun,
  // already closed. Writes nothing; callers run it before any signer is made.
  void check_closable(const std::string& business_day) const;

  // Checks a closed day: the chain verifies, the head hash signed is still
  // entry head_seq's, the statement recomputed from the journal is the one
  // signed, the signature verifies, the key is the one pinned for closed_by,
  // and the chain of closes is whole (the rules above). A day whose close the
  // journal holds but the record lost is reported (ok false), not refused.
  // RuleRefused(not_found) when the day was never closed.
  DayVerifyReport verify(const std::string& business_day, SignatureChecker& checker,
                         const std::function<void(std::int64_t, std::int64_t)>& progress = {});

  // A correction (needs close_day): a new entry on the current open day,
  // action "correction", details "corrects seq N: note", naming the entry's
  // order, organisation and flow. Throws RuleRefused(not_found) for an unknown seq.
  db::JournalEntry correct(std::int64_t seq, const std::string& note);

 private:
  db::Database& db_;
  db::Journal& journal_;
  const Clock& clock_;
  CounterConfig config_;
  Actor who_;
};

}  // namespace certdesk::workflows
