#include "workflows/unlock_codes.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "db/unlock_codes.h"
#include "workflows/states.h"

namespace certdesk::workflows {

namespace {
// No 0/O, 1/I/L: a code is read out over the phone.
constexpr char kAlphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
constexpr int kCodeLength = 10;   // 31^10 ≈ 2^49.5

std::string new_code() {
  crypto::Bytes r = crypto::random_bytes(kCodeLength * 2);
  std::string code;
  for (int i = 0; i < kCodeLength; ++i) {
    unsigned v = (unsigned(r[2 * i]) << 8 | r[2 * i + 1]) % (sizeof kAlphabet - 1);
    code += kAlphabet[v];
    if (i == 4) code += '-';
  }
  return code;
}

// Upper case, no spaces or dashes: what the customer reads out may be typed loosely.
std::string normalised(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  }
  return out;
}
}  // namespace

IssuedCode UnlockCodeService::issue(const Actor& supervisor, const std::string& token_serial, int valid_hours) {
  require(supervisor, Permission::approve);
  if (valid_hours < 1 || valid_hours > 24 * 7)
    throw InputError(codes::bad_request, tr("An authorisation code is valid for 1 hour to 7 days."));
  auto rec = db::Tokens(s_.db).by_serial(token_serial);
  if (!rec || !rec->organisation_id)
    throw RuleRefused(codes::not_found, "token-on-record",
                      fmt::format(fmt::runtime(tr("Token {} is not on record for any customer.")), token_serial));
  if (rec->state != to_string(TokenState::active) && rec->state != to_string(TokenState::locked))
    throw RuleRefused(codes::token_state_refused, "token-state",
                      fmt::format(fmt::runtime(tr("Token {} is {}; only an active or locked token can be unlocked.")),
                                  token_serial, rec->state));
  IssuedCode out{new_code(), token_serial, text::iso_utc(s_.clock.now() + std::chrono::hours(valid_hours))};
  std::string hash = crypto::hash_password(Secret(normalised(out.code)), 12);
  std::string org;
  if (auto o = db::Organisations(s_.db).by_id(*rec->organisation_id)) org = o->uscc;
  db::Transaction tx(s_.db);
  db::UnlockCodes(s_.db).insert({.token_serial = token_serial, .code_hash = hash, .issued_by = supervisor.id,
                                 .issued_utc = text::iso_utc(s_.clock.now()), .expires_utc = out.expires_utc});
  s_.journal.append({.staff = supervisor.name, .action = "unlock_code.issued", .organisation = org,
                     .token_serial = token_serial, .details = fmt::format("valid until {}", out.expires_utc)},
                    s_.clock.now());
  tx.commit();
  return out;
}

void UnlockCodeService::redeem(const Actor& teller, const std::string& token_serial, const Secret& code) {
  require(teller, Permission::run_order);
  // The token and a new-PIN file outside its rules first: a bad file must not spend a try of the code.
  auto token = s_.tokens.open(token_serial);
  TokenView info = token->info();
  PinRules rules = new_pin_rules(info, s_.config);
  pins_.check_ahead(rules, token_serial);
  const Secret typed(normalised(code.reveal()));
  const std::string now = text::iso_utc(s_.clock.now());
  // Codes live at most 7 days: only those can match.
  std::string since = text::iso_utc(s_.clock.now() - std::chrono::hours(24 * 8));
  auto refuse = [&](const std::string& message) {
    AuthError e(codes::bad_credentials, message);
    db::Transaction tx(s_.db);
    s_.journal.append({.staff = teller.name, .action = "unlock_code.refused", .token_serial = token_serial,
                       .outcome = e.code(), .details = message},
                      s_.clock.now());
    tx.commit();
    throw e;
  };
  std::optional<db::UnlockCode> match;
  for (const auto& c : db::UnlockCodes(s_.db).issued_since(since))
    if (crypto::verify_password(typed, c.code_hash)) {
      match = c;
      break;
    }
  if (!match) refuse(tr("This authorisation code is not valid; check it with the customer, letter by letter."));
  if (match->token_serial != token_serial)
    refuse(fmt::format(fmt::runtime(tr("This authorisation code was issued for token {}, not {}.")), match->token_serial,
                       token_serial));
  if (match->used_utc)
    refuse(fmt::format(fmt::runtime(tr("This authorisation code was already used ({}); a supervisor must issue a new one.")),
                       *match->used_utc));
  if (match->expires_utc < now)
    refuse(fmt::format(fmt::runtime(tr("This authorisation code expired at {}; a supervisor must issue a new one.")),
                       match->expires_utc));

  auto pin = pins_.new_pin(rules, token_serial);
  if (!pin || pin->empty()) throw InputError(codes::bad_request, tr("The customer did not enter a new PIN; nothing was done."));
  check_pin_rules(rules, *pin);
  // The code is spent before the token is touched: a failure after this needs a new code, never a second use.
  {
    db::Transaction tx(s_.db);
    db::UnlockCodes(s_.db).mark_used(match->id, now, teller.id);
    s_.journal.append({.staff = teller.name, .action = "unlock_code.redeemed", .token_serial = token_serial}, s_.clock.now());
    tx.commit();
  }
  token->login_so(s_.so_pins.for_token(token_serial));
  token->init_user_pin(*pin);
  token->logout();
  db::Transaction tx(s_.db);
  auto rec = db::Tokens(s_.db).by_serial(token_serial);
  if (rec && rec->state == to_string(TokenState::locked))
    db::Tokens(s_.db).set_state(token_serial, to_string(TokenState::active), now);
  s_.journal.append({.staff = teller.name, .action = "token.unlocked", .token_serial = token_serial,
                     .details = "remote unlock with an authorisation code"},
                    s_.clock.now());
  tx.commit();
}

}  // namespace certdesk::workflows
