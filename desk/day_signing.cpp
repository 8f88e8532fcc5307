#include "desk/day_signing.h"

#include <fmt/format.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "common/text.h"
#include "pki/signature.h"
#include "pki/softhsm.h"
#include "pki/token.h"

namespace certdesk::desk {

namespace {

constexpr int kStaffCertDays = 3 * 365;

class TokenSigner final : public workflows::StatementSigner {
 public:
  TokenSigner(std::string kind, pki::Token token, pki::Bytes key_id, pki::Bytes cert)
      : kind_(std::move(kind)), token_(std::move(token)), key_id_(std::move(key_id)), cert_(std::move(cert)) {}
  ~TokenSigner() override {
    try {
      token_.logout();
    } catch (...) {   // a removed token is logged out anyway
    }
  }
  std::string kind() const override { return kind_; }
  workflows::Bytes certificate() override { return cert_; }
  workflows::Bytes sign(const std::string& statement) override {
    return token_.sign(key_id_, pki::Bytes(statement.begin(), statement.end()));
  }

 private:
  std::string kind_;
  pki::Token token_;
  pki::Bytes key_id_;
  pki::Bytes cert_;
};

std::string branch_name(AppContext& ctx) { return ctx.config().branch_name; }

struct OpensslFree {
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};

}  // namespace

db::StaffToken enroll_staff_token(AppContext& ctx, const workflows::Actor& admin, const std::string& name,
                                  const std::string& serial, const Secret& new_pin) {
  workflows::require(admin, workflows::Permission::manage_staff);
  auto member = db::Staff(ctx.db()).by_name(name);
  if (!member || !member->active)
    throw RuleRefused(codes::not_found, "staff", fmt::format(fmt::runtime(tr("There is no active staff member {}.")), name));
  if (member->role != "supervisor")
    throw RuleRefused(codes::rule_refused, "staff-token",
                      fmt::format(fmt::runtime(tr("{} is not a supervisor; only supervisors sign off days with a token.")), name));
  if (serial.empty()) throw InputError(codes::bad_request, tr("Enter the serial printed on the blank token."));
  db::StaffTokens staff_tokens(ctx.db());
  if (staff_tokens.by_serial(serial) || db::Tokens(ctx.db()).by_serial(serial))
    throw RuleRefused(codes::duplicate, "staff-token",
                      fmt::format(fmt::runtime(tr("Token {} is already in use; enrol a new blank token.")), serial));
  if (new_pin.size() < ctx.config().min_user_pin)
    throw InputError(codes::pin_length, fmt::format(fmt::runtime(tr("The PIN must have at least {} characters.")),
                                                    ctx.config().min_user_pin));

  pki::CertificateAuthority& ca = ctx.ca();
  pki::Token token = pki::Token::open(ctx.tokens().module(), serial);
  pki::TokenInfo info = token.info();
  if (!info.initialized || info.user_pin_initialized)
    throw RuleRefused(codes::token_not_blank, "token-state",
                      fmt::format(fmt::runtime(tr("Token {} is not a factory-blank token; a supervisor's signing token must be new.")),
                                  serial));
  Secret transport = ctx.pins().transport();
  Secret so_pin = ctx.pins().for_token(serial);
  token.reinitialise(transport, kStaffTokenLabel);
  token.change_so_pin(transport, so_pin);
  token.login_so(so_pin);
  token.init_user_pin(new_pin);
  token.logout();
  token.login_user(new_pin);
  pki::Bytes id = crypto::random_bytes(16);
  token.generate_key(pki::KeyAlgorithm::ec_p256, id, "day-close");
  pki::Subject subject{branch_name(ctx), "", name};
  pki::Bytes csr = token.make_csr(id, subject);
  pki::IssuedCertificate cert = ca.issue(csr, subject, ctx.clock().now(), kStaffCertDays);
  token.store_certificate(cert.der, id, "day-close");
  token.logout();

  db::StaffToken rec;
  rec.staff_id = member->id;
  rec.token_serial = serial;
  rec.key_id = crypto::to_hex(id);
  rec.cert_serial = cert.serial;
  rec.cert_der = cert.der;
  rec.enrolled_utc = text::iso_utc(ctx.clock().now());
  rec.key_fingerprint = key_fingerprint(cert.der);
  db::Transaction tx(ctx.db());
  staff_tokens.deactivate_others(member->id, serial);
  rec.id = staff_tokens.insert(rec);
  ctx.journal().append({.staff = admin.name,
                        .action = "staff.token_enrolled",
                        .token_serial = serial,
                        .cert_serial = cert.serial,
                        .details = workflows::enrolment_details(name, rec.key_fingerprint)},
                       ctx.clock().now());
  tx.commit();
  return rec;
}

db::StaffToken unlock_staff_token(AppContext& ctx, const workflows::Actor& admin, const std::string& name,
                                  const Secret& new_pin) {
  workflows::require(admin, workflows::Permission::manage_staff);
  if (ctx.module_path() != pki::softhsm::default_module)
    throw RuleRefused(codes::rule_refused, "demo-store",
                      tr("Only a demo signing token of the embedded token store is unlocked here; for a real key, enrol a new signing token (certdesk-cli staff enroll-token)."));
  auto member = db::Staff(ctx.db()).by_name(name);
  if (!member || !member->active)
    throw RuleRefused(codes::not_found, "staff", msg(tr("There is no active staff member {}."), name));
  auto t = db::StaffTokens(ctx.db()).active_of(member->id);
  if (!t)
    throw RuleRefused(codes::not_found, "staff-token",
                      msg(tr("{} has no signing token to unlock; enrol one with certdesk-cli staff enroll-token."), name));
  if (new_pin.size() < ctx.config().min_user_pin)
    throw InputError(codes::pin_length, msg(tr("The PIN must have at least {} characters."), ctx.config().min_user_pin));

  pki::Token token = pki::Token::open(ctx.tokens().module(), t->token_serial);
  token.login_so(ctx.pins().for_token(t->token_serial));
  token.init_user_pin(new_pin);
  token.logout();
  token.login_user(new_pin);   // the new PIN works, and the key is still there
  const auto keys = token.private_keys();
  if (std::none_of(keys.begin(), keys.end(), [&](const pki::TokenObject& k) { return k.id == t->key_id; }))
    throw TokenError(codes::token_error, msg(tr("Token {} no longer holds its signing key: enrol a new signing token for {}."),
                                             t->token_serial, name));
  token.logout();

  db::Transaction tx(ctx.db());
  ctx.journal().append({.staff = admin.name,
                        .action = "staff.token_unlocked",
                        .token_serial = t->token_serial,
                        .details = name},   // whose token; the new PIN is never recorded
                       ctx.clock().now());
  tx.commit();
  return *t;
}

std::unique_ptr<workflows::StatementSigner> signer_for(AppContext& ctx, const workflows::Actor& who,
                                                       const std::function<std::optional<Secret>()>& ask_pin) {
  auto t = db::StaffTokens(ctx.db()).active_of(who.id);
  if (!t)
    throw RuleRefused(codes::rule_refused, "day-close-token",
                      msg(tr("{} has no signing token: a day is closed only with the supervisor's own token. Ask an admin to enrol one (certdesk-cli staff enroll-token {} --token SERIAL), then close the day."),
                          who.name, who.name));
  std::optional<Secret> pin = ask_pin ? ask_pin() : std::nullopt;
  if (!pin || pin->empty())
    throw AuthError(codes::approval_required,
                    fmt::format(fmt::runtime(tr("{} signs day closes with token {}: insert it and enter its PIN (--pin-file).")),
                                who.name, t->token_serial));
  ctx.ca();   // loads the modules before the token is opened (a later load would log it out)
  pki::Token token = pki::Token::open(ctx.tokens().module(), t->token_serial);
  try {
    token.login_user(*pin);
  } catch (const TokenError& e) {
    // The supervisor types the PIN of their own token: the customer's wording does not fit.
    if (e.code() == codes::wrong_pin)
      throw TokenError(codes::wrong_pin, msg(tr("Wrong PIN for your signing token {}: type it again carefully; too many wrong PINs lock it."),
                                             t->token_serial), e.ck_rv());
    if (e.code() == codes::pin_locked)
      throw TokenError(codes::pin_locked, msg(tr("Your signing token {} is locked: an admin enrols a new signing token for you."),
                                              t->token_serial), e.ck_rv());
    throw;
  }
  return std::make_unique<TokenSigner>(tr_noop("supervisor"), std::move(token), crypto::from_hex(t->key_id), t->cert_der);
}

std::string key_fingerprint(const workflows::Bytes& cert_der) {
  pki::X509Ptr x = pki::x509_from_der(cert_der);
  EVP_PKEY* key = X509_get0_pubkey(x.get());
  unsigned char* der = nullptr;
  const int n = key ? i2d_PUBKEY(key, &der) : -1;
  std::unique_ptr<unsigned char, OpensslFree> owned(der);
  if (n <= 0) throw CryptoError(tr("The public key of the signing certificate cannot be read: enrol the supervisor's token again."));
  const std::string hex =
      crypto::sha256_hex(std::string_view(reinterpret_cast<const char*>(owned.get()), static_cast<std::size_t>(n)));
  std::string out;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
  }
  return out;
}

std::string PkiSignatureChecker::check(const workflows::Bytes& cert_der, const std::string& data,
                                       const workflows::Bytes& signature) {
  // The CA certificate from the data folder (no token needed to verify).
  std::ifstream f(ctx_.paths().ca() / "ca.pem", std::ios::binary);
  std::string pem((std::istreambuf_iterator<char>(f)), {});
  if (pem.empty()) return tr("the local CA's certificate (ca/ca.pem) cannot be read");
  pki::X509Ptr ca = pki::x509_from_pem(pem);
  std::string why = pki::check_issued_by(cert_der, ca.get());
  if (!why.empty()) return why;
  if (!pki::verify_signature(cert_der, data, signature))
    return tr("the signature does not match the statement with the signer's public key");
  return {};
}

}  // namespace certdesk::desk
