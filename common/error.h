#pragma once
// The one error root (STYLE habit 7). The core throws these; only forms/ and
// the CLI catch and present them. Every error carries a stable outcome code
// (the journal's "outcome" column) and a message a teller can act on.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certdesk {

// Stable outcome codes. The four-digit codes named by the seeds keep their
// numbers (0116, 0124, 9002); the rest are ours, grouped by the first digit.
namespace codes {
inline constexpr const char* ok = "0000";
// 0xxx: certificate life (codes from the bank FAQ)
inline constexpr const char* not_in_renewal_window = "0116";
inline constexpr const char* keygen_failed = "0124";
// 1xxx: input and documents
inline constexpr const char* invalid_uscc = "1001";
inline constexpr const char* invalid_org_code = "1002";
inline constexpr const char* invalid_id_number = "1003";
inline constexpr const char* invalid_text = "1004";
inline constexpr const char* missing_document = "1005";
inline constexpr const char* name_mismatch = "1006";
inline constexpr const char* bad_request = "1007";
inline constexpr const char* not_found = "1008";
inline constexpr const char* duplicate = "1009";
// 2xxx: people
inline constexpr const char* bad_credentials = "2001";
inline constexpr const char* permission_denied = "2002";
inline constexpr const char* self_approval = "2003";
inline constexpr const char* approval_required = "2004";
inline constexpr const char* account_locked = "2005";
// 3xxx: database and journal
inline constexpr const char* journal_tampered = "3001";
inline constexpr const char* journal_unavailable = "3002";
inline constexpr const char* database_error = "3003";
inline constexpr const char* database_corrupt = "3004";
inline constexpr const char* data_dir_unusable = "3005";
// 4xxx: business rules
inline constexpr const char* illegal_transition = "4001";
inline constexpr const char* fee_mismatch = "4002";
inline constexpr const char* token_state_refused = "4003";
inline constexpr const char* wrong_token = "4004";
inline constexpr const char* rule_refused = "4005";
inline constexpr const char* clock_behind = "4006";   // the clock is earlier than the journal's last entry
// 5xxx: certificate authority
inline constexpr const char* ca_error = "5001";
// 9xxx: token and module (9002 from the bank FAQ)
inline constexpr const char* module_unavailable = "9001";
inline constexpr const char* no_token = "9002";
inline constexpr const char* token_not_blank = "9003";
inline constexpr const char* wrong_pin = "9004";
inline constexpr const char* pin_locked = "9005";
inline constexpr const char* token_error = "9006";
inline constexpr const char* pin_length = "9007";
inline constexpr const char* token_removed = "9008";
inline constexpr const char* crypto_error = "9009";
// 6xxx: the hall server (hall/)
inline constexpr const char* hall_unreachable = "6001";
inline constexpr const char* hall_refused = "6002";
inline constexpr const char* hall_schema_mismatch = "6003";
inline constexpr const char* workstation_taken = "6004";
inline constexpr const char* hall_conflict = "6005";
inline constexpr const char* hall_gap = "6006";
inline constexpr const char* hall_bad_conninfo = "6007";
}  // namespace codes

// What kind of failure; the CLI maps it to its exit status (SPEC §9).
enum class ErrorKind {
  usage,              // exit 2
  input,              // malformed input: exit 4 (refused, nothing changed)
  rule,               // refused by a business rule: exit 4
  auth,               // authentication or permission: exit 6
  token,              // token or PKCS#11 module: exit 5
  journal_integrity,  // exit 3
  other,              // database, CA, I/O: exit 1
};

// what() is always safe to print (issue 13.10): the constructor turns the
// message into one line (text::one_line) — line breaks become spaces, control
// characters, NUL and bytes that are not UTF-8 are escaped, and an over-long
// message keeps its start and end around "…". Every subclass goes through it.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string code, const std::string& message);
  ErrorKind kind() const noexcept { return kind_; }
  const std::string& code() const noexcept { return code_; }

 private:
  ErrorKind kind_;
  std::string code_;
};

// Malformed input (an ID number, a request file, over-long text): nothing changed.
class InputError : public Error {
 public:
  InputError(std::string code, const std::string& message) : Error(ErrorKind::input, std::move(code), message) {}
};

// A business rule said no; rule() names it ("renewal-window", "token-state", …).
class RuleRefused : public Error {
 public:
  RuleRefused(std::string code, std::string rule, const std::string& message)
      : Error(ErrorKind::rule, std::move(code), message), rule_(std::move(rule)) {}
  const std::string& rule() const noexcept { return rule_; }

 private:
  std::string rule_;
};

// Wrong credentials, missing permission, self-approval.
class AuthError : public Error {
 public:
  AuthError(std::string code, const std::string& message) : Error(ErrorKind::auth, std::move(code), message) {}
};

// A PKCS#11 failure; ck_rv() keeps the module's CK_RV (0 when not from the module).
class TokenError : public Error {
 public:
  TokenError(std::string code, const std::string& message, unsigned long ck_rv = 0)
      : Error(ErrorKind::token, std::move(code), message), ck_rv_(ck_rv) {}
  unsigned long ck_rv() const noexcept { return ck_rv_; }

 private:
  unsigned long ck_rv_;
};

// A message a person reads, followed by a library's raw detail (OpenSSL's error
// queue, a PKCS#11 CKR_ name, errno text), in the one format used everywhere:
// "<message>. Technical detail: <detail>", under zh_CN "<message>。技术细节：<detail>".
// message is already translated (tr()); its own final full stop is dropped. An
// empty detail gives message unchanged. Never pass a PIN, password or key material.
std::string with_detail(std::string_view message, std::string_view detail);

// An OpenSSL failure. what_failed is a translated message (tr()); the constructor
// drains the OpenSSL error queue into its technical detail (with_detail), so call
// it right where the call failed.
class CryptoError : public Error {
 public:
  explicit CryptoError(const std::string& what_failed, std::string code = codes::crypto_error);
};

// A database failure; sqlite_code() keeps SQLite's (extended) result code.
class DbError : public Error {
 public:
  DbError(std::string code, const std::string& message, int sqlite_code = 0)
      : Error(ErrorKind::other, std::move(code), message), sqlite_code_(sqlite_code) {}
  int sqlite_code() const noexcept { return sqlite_code_; }

 private:
  int sqlite_code_;
};

// The journal's hash chain is broken (exit 3).
class JournalIntegrityError : public Error {
 public:
  explicit JournalIntegrityError(const std::string& message)
      : Error(ErrorKind::journal_integrity, codes::journal_tampered, message) {}
};

// ---- presenting a failure (issue 14.6) --------------------------------------------

// Every outcome code of codes:: above except ok, in the order declared there.
const std::vector<std::string_view>& all_codes();

// What a code means, in the current language (tr(): "no token is inserted" reads
// 未插入介质 under zh_CN); nullptr for a code not in all_codes().
const char* code_title(std::string_view code);

// True when text holds a CJK ideograph (U+3400–U+9FFF): a message already in Chinese.
bool has_cjk(std::string_view text);

// The message a person reads for e: what() when it is in the current language;
// under zh_CN a message still in English (a library's or module's detail) is
// preceded by its code's title, "未插入介质：no token …". Never throws.
std::string shown_message(const Error& e);

}  // namespace certdesk
