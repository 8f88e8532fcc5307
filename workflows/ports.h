#pragma once
// What the workflows need from the outside world, as interfaces the domain owns
// (STYLE habit 3). pki/ and the app implement them for real (app/adapters),
// the GUI and the CLI implement the prompts for people, tests script them.
// No wxWidgets, no libp11, no OpenSSL types here.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/secret.h"
#include "pki/types.h"   // header only: the enums pki and the domain share

namespace certdesk::workflows {

using Bytes = std::vector<std::uint8_t>;

// ---- tokens ------------------------------------------------------------------
struct TokenView {
  std::string serial;
  std::string label;
  std::string manufacturer;
  std::string vendor;             // 捷德 / 握奇 / 华大 / 大明 or the manufacturer ID
  bool initialized = false;
  bool user_pin_initialized = false;
  bool pin_count_low = false;
  bool pin_final_try = false;
  bool pin_locked = false;
  unsigned long min_pin = 4, max_pin = 255;
};

struct TokenObjectView {
  std::string id;                 // CKA_ID, hex
  std::string label;
  Bytes der;                      // certificates only
};

using pki::KeyAlgorithm;

// A PIN the caller expected might be wrong (STYLE habit 13): returned, not thrown.
enum class PinOutcome { accepted, wrong_pin };

// A session on one token. Every call may throw TokenError (codes in common/error.h).
class TokenSession {
 public:
  virtual ~TokenSession() = default;
  // Twins of reinitialise / login_user for a caller that expects a wrong PIN
  // (an interrupted personalisation already changed the SO PIN; a customer
  // mistyping theirs with tries left): CKR_PIN_INCORRECT is the value
  // wrong_pin; every other failure (a locked PIN included) still throws.
  // The defaults map the throwing call's TokenError(wrong_pin); an adapter
  // that sees the CK_RV itself may override them.
  virtual PinOutcome try_reinitialise(const Secret& so_pin, const std::string& label);
  virtual PinOutcome try_login_user(const Secret& user_pin);
  virtual TokenView info() = 0;
  virtual void reinitialise(const Secret& so_pin, const std::string& label) = 0;
  virtual void change_so_pin(const Secret& old_pin, const Secret& new_pin) = 0;
  virtual void login_so(const Secret& so_pin) = 0;
  virtual void login_user(const Secret& user_pin) = 0;
  virtual void logout() = 0;
  virtual void init_user_pin(const Secret& user_pin) = 0;
  virtual void generate_key(KeyAlgorithm alg, const Bytes& id, const std::string& label) = 0;
  // A PKCS#10 request (DER) signed by the token key with CKA_ID id.
  virtual Bytes make_csr(const Bytes& id, const std::string& organisation, const std::string& uscc) = 0;
  virtual void store_certificate(const Bytes& der, const Bytes& id, const std::string& label) = 0;
  virtual std::vector<TokenObjectView> certificates() = 0;
  virtual std::vector<TokenObjectView> private_keys() = 0;
  virtual void remove_key_pair(const Bytes& id) = 0;
  virtual void remove_certificate(const Bytes& id) = 0;
  virtual Bytes sign(const Bytes& id, const Bytes& data) = 0;
};

class TokenPort {
 public:
  virtual ~TokenPort() = default;
  virtual std::vector<TokenView> list() = 0;
  // Throws TokenError(no_token) when no token with that serial is present.
  virtual std::unique_ptr<TokenSession> open(const std::string& serial) = 0;
  // The twin for a caller that expects the token may be absent (a roll back
  // of an order whose token the customer took away): nullptr when no token
  // with that serial is inserted; other failures throw. The default asks list().
  virtual std::unique_ptr<TokenSession> try_open(const std::string& serial);
};

// The SO PINs: per token, HMAC-SHA256(master secret, serial), never stored;
// and the transport SO PIN factory-blank tokens arrive with.
class SoPinSource {
 public:
  virtual ~SoPinSource() = default;
  virtual Secret for_token(const std::string& serial) = 0;
  virtual Secret transport() = 0;
};

// ---- certificate authority ---------------------------------------------------
struct IssuedCert {
  std::string serial;             // lower-case hex
  Bytes der;
  std::string subject;
  std::int64_t not_before = 0;    // Unix seconds
  std::int64_t not_after = 0;
};

using pki::RevocationReason;
using pki::reason_name;

// One line of the CA's own index of everything it issued.
struct CaRecord {
  std::string serial;
  std::string subject;            // RFC 2253 one-line, with serialNumber=USCC
  std::int64_t not_before = 0, not_after = 0;
  bool revoked = false;
  std::int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::unspecified;
};

class CaPort {
 public:
  virtual ~CaPort() = default;
  // Everything the CA issued, from its own durable index.
  virtual std::vector<CaRecord> records() = 0;
  // Issues a certificate for the CSR; durable in the CA's own index before it returns.
  virtual IssuedCert issue(const Bytes& csr_der, const std::string& organisation, const std::string& uscc,
                           Seconds not_before, int days) = 0;
  // Revokes and publishes a fresh CRL. Idempotent.
  virtual void revoke(const std::string& serial, RevocationReason reason, Seconds at) = 0;
  // True when the CA issued this serial; revoked tells its status.
  virtual bool knows(const std::string& serial, bool* revoked = nullptr) = 0;
};

// ---- people at the counter ---------------------------------------------------
struct PinRules {
  unsigned long min_len = 4, max_len = 255;
};

// Throws InputError(pin_length) when pin is shorter or longer than the rules allow.
void check_pin_rules(const PinRules& rules, const Secret& pin);

// The customer types a PIN (new PINs twice, compared by the prompt). nullopt = cancelled.
class PinPrompt {
 public:
  virtual ~PinPrompt() = default;
  virtual std::optional<Secret> new_pin(const PinRules& rules, std::string_view token_serial) = 0;
  virtual std::optional<Secret> current_pin(const PinRules& rules, std::string_view token_serial) = 0;
  // Called before an order writes anything, once the rules of the blank token
  // are known: a prompt that already holds the new PIN (a PIN file) checks it
  // now and throws InputError(pin_length) instead of after the payment. A
  // prompt that asks a person later does nothing.
  virtual void check_ahead(const PinRules& /*rules*/, std::string_view /*token_serial*/) {}
};

// A supervisor enters their own credentials at the teller's workstation.
struct ApprovalCredentials {
  std::string name;
  Secret password;
};

class ApprovalPrompt {
 public:
  virtual ~ApprovalPrompt() = default;
  // what: the sentence the supervisor sees ("waive the token fee: quality fault").
  virtual std::optional<ApprovalCredentials> approve(std::string_view what) = 0;
};

// Long steps report here; the GUI shows a bar, the CLI a line.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void step(std::string_view what, int done, int total) = 0;
};

class NoProgress final : public Progress {
 public:
  void step(std::string_view, int, int) override {}
};

}  // namespace certdesk::workflows
