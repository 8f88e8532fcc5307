#include "common/error.h"

#include <openssl/err.h>

#include "common/i18n.h"
#include "common/text.h"

namespace certdesk {

Error::Error(ErrorKind kind, std::string code, const std::string& message)
    : std::runtime_error(text::one_line(message)), kind_(kind), code_(std::move(code)) {}

namespace {
std::string drain_openssl_queue() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}
}  // namespace

namespace {
struct CodeTitle {
  std::string_view code;
  const char* title;
};
// One line per constant of codes:: (tests/common/test_error_zh.cpp checks that
// the two lists agree).
constexpr CodeTitle kTitles[] = {
    {codes::not_in_renewal_window, tr_noop("The certificate is not in its renewal window")},
    {codes::keygen_failed, tr_noop("Key pair generation failed")},
    {codes::invalid_uscc, tr_noop("Invalid unified social credit code")},
    {codes::invalid_org_code, tr_noop("Invalid organisation code")},
    {codes::invalid_id_number, tr_noop("Invalid ID number")},
    {codes::invalid_text, tr_noop("Invalid text")},
    {codes::missing_document, tr_noop("A required document is missing")},
    {codes::name_mismatch, tr_noop("The names do not match")},
    {codes::bad_request, tr_noop("The request is incomplete or malformed")},
    {codes::not_found, tr_noop("Not found")},
    {codes::duplicate, tr_noop("Already recorded")},
    {codes::bad_credentials, tr_noop("Wrong name or password")},
    {codes::permission_denied, tr_noop("Not allowed for this role")},
    {codes::self_approval, tr_noop("Nobody approves their own work")},
    {codes::approval_required, tr_noop("A supervisor's approval is needed")},
    {codes::account_locked, tr_noop("The account is locked")},
    {codes::journal_tampered, tr_noop("The journal was changed")},
    {codes::journal_unavailable, tr_noop("The journal cannot be written")},
    {codes::database_error, tr_noop("Database error")},
    {codes::database_corrupt, tr_noop("The database is damaged")},
    {codes::data_dir_unusable, tr_noop("The data folder cannot be used")},
    {codes::illegal_transition, tr_noop("This step is not allowed in the order's state")},
    {codes::fee_mismatch, tr_noop("The fee does not match the fee schedule")},
    {codes::token_state_refused, tr_noop("The token's state does not allow this")},
    {codes::wrong_token, tr_noop("This is not the customer's token on record")},
    {codes::rule_refused, tr_noop("Refused by a business rule")},
    {codes::clock_behind, tr_noop("The computer's clock is behind the journal")},
    {codes::ca_error, tr_noop("Certificate authority error")},
    {codes::module_unavailable, tr_noop("The token module cannot be used")},
    {codes::no_token, tr_noop("No token is inserted")},
    {codes::token_not_blank, tr_noop("The token is not blank")},
    {codes::wrong_pin, tr_noop("Wrong PIN")},
    {codes::pin_locked, tr_noop("The PIN is locked")},
    {codes::token_error, tr_noop("Token operation failed")},
    {codes::pin_length, tr_noop("The PIN has the wrong length")},
    {codes::token_removed, tr_noop("The token was removed")},
    {codes::crypto_error, tr_noop("Cryptography error")},
    {codes::hall_unreachable, tr_noop("The hall server cannot be reached")},
    {codes::hall_refused, tr_noop("The hall server refused")},
    {codes::hall_schema_mismatch, tr_noop("The hall server's database has another version")},
    {codes::workstation_taken, tr_noop("This workstation name is taken at the hall")},
    {codes::hall_conflict, tr_noop("The hall holds a different record")},
    {codes::hall_gap, tr_noop("Entries are missing before this one at the hall")},
    {codes::hall_bad_conninfo, tr_noop("The hall connection setting is wrong")},
};
}  // namespace

const std::vector<std::string_view>& all_codes() {
  static const std::vector<std::string_view> all = [] {
    std::vector<std::string_view> v;
    for (const auto& t : kTitles) v.push_back(t.code);
    return v;
  }();
  return all;
}

const char* code_title(std::string_view code) {
  for (const auto& t : kTitles)
    if (t.code == code) return tr(t.title);
  return nullptr;
}

bool has_cjk(std::string_view s) {
  // A three-byte UTF-8 sequence E3..E9 lead byte covers U+3000–U+9FFF; U+3400 starts at E3 90 80.
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(s[i]), b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b0 >= 0xe4 && b0 <= 0xe9) || (b0 == 0xe3 && b1 >= 0x90)) return true;
  }
  return false;
}

std::string shown_message(const Error& e) {
  try {
    std::string what = e.what();
    const char* title = code_title(e.code());
    if (!title || has_cjk(what) || !has_cjk(title)) return what;   // already Chinese, or English is the language
    return what.empty() ? std::string(title) : std::string(title) + "：" + what;
  } catch (...) {
    return e.what();
  }
}

std::string with_detail(std::string_view message, std::string_view detail) {
  if (detail.empty()) return std::string(message);
  std::string_view m = message;
  constexpr std::string_view kFullStop = "。";
  while (!m.empty() && (m.back() == '.' || m.back() == ' ')) m.remove_suffix(1);
  if (m.size() >= kFullStop.size() && m.substr(m.size() - kFullStop.size()) == kFullStop)
    m.remove_suffix(kFullStop.size());
  return fmt::format(fmt::runtime(tr("{}. Technical detail: {}")), m, detail);
}

CryptoError::CryptoError(const std::string& what_failed, std::string code)
    : Error(ErrorKind::other, std::move(code), with_detail(what_failed, drain_openssl_queue())) {}

}  // namespace certdesk
