#pragma once
// Internal to db/: the journal's verifier (Journal::verify, db/journal.h).
//
// Two passes over one read snapshot. The fast pass (journal_fast_pass.cpp)
// streams rows through a reader thread — and, on a long journal in a file, in
// two halves over two connections at once — and only accepts entries that
// simply follow their predecessor (right seq, well typed, own hash matches,
// links to the last hash). At the first entry it cannot accept, the careful
// walk (journal_verify.cpp) takes over from that entry with the very same
// state and works out what happened. Both hash the bytes of
// canonical::encode_fields (db/journal_canonical.h), so an intact journal is
// accepted by the fast pass entirely (VerifyReport::fast_accepted).

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "db/database.h"
#include "db/journal.h"

struct sqlite3;

namespace certdesk::db::verifier {

using Progress = std::function<void(std::int64_t, std::int64_t)>;

inline const std::string kZeroHash(64, '0');
inline const std::string kHeadSql = "SELECT count, head_hash FROM journal_anchor WHERE id = 1";
inline constexpr std::size_t kLookBack = 32;   // accepted hashes kept while verifying
inline constexpr std::int64_t kProgressEvery = 1000;

// One stored row; well_typed is false when a column holds another SQLite type
// than the one append writes (a change that could survive the text conversion).
struct Row {
  JournalEntry e;
  bool well_typed = true;
};

// While a verification runs, SQLite reads the file through a read-only memory
// map instead of copying every page through its page cache (≈ 10 % of the
// pass). At most kMapBytes are mapped; the rest is read as usual.
inline constexpr std::int64_t kMapBytes = 0x7fff0000;   // Debian's SQLITE_MAX_MMAP_SIZE
// PRAGMA mmap_size on a connection: a hint, nothing happens when refused.
void set_mmap(sqlite3* db, std::int64_t bytes);

// Reads a row of the journal's columns (canonical::column_list()).
Row read_row(SQLite::Statement& s);

// What the walk carries from one entry to the next.
struct WalkState {
  VerifyReport report;
  // (seq, hash) of the last good entries; seq 0 stands for the chain's start.
  std::deque<std::pair<std::int64_t, std::string>> accepted{{0, kZeroHash}};
  std::string last_hash = kZeroHash;
  std::int64_t expected = 1;
};

// The fast pass from the start of the chain: accepts entries while each
// simply follows its predecessor. Returns the seq of the first entry it could
// not accept (the careful walk starts there, with st as the fast pass left it),
// or nothing at the end. split: this verification holds its own read snapshot
// of a file database, so a long journal may be read in two halves.
std::optional<std::int64_t> fast_pass(SQLite::Database& sql, bool split, const std::optional<JournalHead>& anchor,
                                      WalkState& st, const Progress& progress, std::int64_t total);

// The whole verification (Journal::verify's contract). Throws DbError.
VerifyReport verify(Database& db, const Progress& progress);

}  // namespace certdesk::db::verifier
