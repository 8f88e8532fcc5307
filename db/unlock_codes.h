#pragma once
// Remote-unlock authorisation codes (授权码, SPEC §2): one token serial, single
// use, an expiry; the code itself is never stored, only its salted hash.

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/repositories.h"

namespace certdesk::db {

struct UnlockCode {
  Id id = 0;
  std::string token_serial;
  std::string code_hash;        // crypto::hash_password encoding of the code
  Id issued_by = 0;
  std::string issued_utc;
  std::string expires_utc;
  std::optional<std::string> used_utc;
  std::optional<Id> used_by;
};

class UnlockCodes {
 public:
  explicit UnlockCodes(Database& db) : db_(db) {}
  Id insert(const UnlockCode& c);
  // Codes issued since `since_utc` (ISO text compares in time order), newest first.
  std::vector<UnlockCode> issued_since(const std::string& since_utc);
  // Marks a code used; throws DbError(duplicate) when it already was (single use).
  void mark_used(Id id, const std::string& used_utc, Id by);

 private:
  Database& db_;
};

}  // namespace certdesk::db
