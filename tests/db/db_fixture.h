#pragma once
// Shared by the db suites: a database file in a temp folder, the sqlite3 tool, sample journal records.

#include <filesystem>
#include <string>
#include <vector>

#include "db/journal.h"
#include "tests/support/support.h"

namespace certdesk::test {

// Runs `sqlite3 file sql` (the command-line tool, as an attacker would) and
// fails the test when it does not exit 0.
void sqlite3_tool(const std::filesystem::path& file, const std::string& sql);

// Raw bytes of a file, for "nothing was changed" checks.
std::string file_bytes(const std::filesystem::path& file);

// 2026-11-22T03:14:00Z plus `minutes`.
Seconds sample_time(int minutes = 0);

// The i-th sample record (varied fields: some with order and amount, some without).
db::JournalRecord sample_record(int i);

// A quoted SQL literal of text ('' doubled) or NULL for an absent integer.
std::string sql_text(const std::string& s);
std::string sql_int(const std::optional<std::int64_t>& v);

// An INSERT of a complete journal row, exactly as stored.
std::string sql_insert_entry(const db::JournalEntry& e);

}  // namespace certdesk::test
