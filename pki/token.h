#pragma once
// A session on one token, found by serial (slot IDs change between processes).
// Opening one re-enumerates the module's slots, which logs out any other Token
// of the same Module: hold one at a time per module. Every failure throws
// TokenError with the module's CK_RV and a message a teller can act on
// (wrong_pin with the tries left when known, pin_locked, pin_length,
// token_removed for CKR_DEVICE_REMOVED / CKR_TOKEN_NOT_PRESENT …).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.h"
#include "pki/module.h"
#include "pki/ossl.h"
#include "pki/types.h"   // KeyAlgorithm

namespace certdesk::pki {


struct TokenObject {
  std::string id;          // CKA_ID, hex
  std::string label;       // CKA_LABEL
  Bytes der;               // certificates only
};

class Token {
 public:
  // Throws TokenError(no_token, "no token with serial …; insert it") when absent.
  static Token open(std::shared_ptr<Module> module, const std::string& serial);
  // The initialised token labelled `label` (the CA's own token). Throws TokenError(no_token).
  static Token open_by_label(std::shared_ptr<Module> module, const std::string& label);
  // C_InitToken on a slot whose token is not initialised yet (SoftHSM2's free
  // slot) with SO PIN so_pin and label, then opens it. Throws TokenError(no_token)
  // when the module has no such slot, RuleRefused(duplicate) when `label` is taken.
  static Token initialise_free_slot(std::shared_ptr<Module> module, const Secret& so_pin, const std::string& label);
  Token(Token&&) noexcept;
  Token& operator=(Token&&) noexcept;
  ~Token();

  // Live information (C_GetTokenInfo now, not libp11's cached flags).
  TokenInfo info() const;
  const std::string& serial() const { return serial_; }

  // C_InitToken with the current SO PIN and a new label: erases every object,
  // keeps the serial. The token must be logged out. Re-enumerates.
  void reinitialise(const Secret& so_pin, const std::string& label);
  // As SO: C_SetPIN(old, new). Logs in as SO with old_pin first.
  void change_so_pin(const Secret& old_pin, const Secret& new_pin);

  void login_so(const Secret& so_pin);
  // Both log out first when logged in as anyone (libp11 ignores a login otherwise).
  // Throw TokenError wrong_pin (tries left when the module says), pin_locked, pin_length.
  // While logged in as user the Token keeps the PIN (wiped on logout and
  // destruction) to log in again after a re-enumeration of the module or a removal,
  // both of which log out every session.
  void login_user(const Secret& user_pin);
  void logout();
  // As SO: C_InitPIN (first personalisation, and PIN unlock).
  void init_user_pin(const Secret& user_pin);

  // As user: a key pair generated on the token (private key sensitive, not
  // extractable), CKA_ID = id, CKA_LABEL = label. Throws TokenError(keygen_failed).
  void generate_key(KeyAlgorithm alg, const Bytes& id, const std::string& label);
  // As user: a PKCS#10 request for subject signed by the private key with CKA_ID id. DER.
  Bytes make_csr(const Bytes& id, const Subject& subject);
  // As user: a signature (ECDSA/SHA-256 DER, or RSA PKCS#1 v1.5/SHA-256) over data.
  Bytes sign(const Bytes& id, const Bytes& data);
  // As user: calls use(pkey) with libp11's EVP_PKEY for the private key with
  // CKA_ID id (the CA signs certificates and CRLs with it). The EVP_PKEY is
  // freed when use returns: never keep it (it must not outlive the module).
  void with_private_key(const Bytes& id, const std::function<void(EVP_PKEY*)>& use);
  // The public key of the key pair with CKA_ID id, DER SubjectPublicKeyInfo.
  Bytes public_key(const Bytes& id);

  // As user: stores the certificate with CKA_ID id and CKA_LABEL label.
  void store_certificate(const Bytes& der, const Bytes& id, const std::string& label);
  std::vector<TokenObject> certificates();
  std::vector<TokenObject> private_keys();   // as user
  void remove_key_pair(const Bytes& id);     // as user; private and public key
  void remove_certificate(const Bytes& id);  // as user

 private:
  struct Impl;
  explicit Token(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string serial_;
};

}  // namespace certdesk::pki
