#pragma once
// Scripted fakes of the ports in workflows/ports.h, for unit tests of the flows
// without SoftHSM2 or a CA (label unit): tokens whose state a test can read
// (objects, PINs, tries), a CA that records what it issued and revoked, and
// faults a test arms to stop a flow at any port call (a key pulled out, a CA
// down) so resume and roll back can be driven step by step.

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "tests/workflows/scripted_counter.h"
#include "workflows/ports.h"

namespace certdesk::test {

using workflows::Bytes;

// Armed faults: the next `count` calls of an operation ("token.generate_key",
// "ca.issue", "ca.issue.after" …) throw. Shared by the fakes.
struct Faults {
  std::map<std::string, int> armed;
  std::vector<std::string> calls;   // every operation, in order
  void arm(const std::string& op, int count = 1) { armed[op] = count; }
  // Throws the fault's error when op is armed.
  void hit(const std::string& op) {
    calls.push_back(op);
    auto it = armed.find(op);
    if (it == armed.end() || it->second == 0) return;
    --it->second;
    if (op.rfind("ca.", 0) == 0) throw Error(ErrorKind::other, codes::ca_error, "fault: " + op);
    throw TokenError(codes::token_removed, "fault: " + op + " (the token was pulled out)");
  }
  int count(const std::string& op) const {
    int n = 0;
    for (const auto& c : calls) n += c == op;
    return n;
  }
};

// One token as the fake "hardware" holds it.
struct FakeToken {
  std::string serial;
  std::string label;
  bool present = true;
  bool initialized = true;
  std::string so_pin;
  std::optional<std::string> user_pin;   // set once C_InitPIN ran
  int tries_left = 10;
  bool locked = false;
  std::map<std::string, std::string> keys;   // CKA_ID hex → label
  std::map<std::string, Bytes> certs;        // CKA_ID hex → DER
  int reinitialised = 0;
};

class FakeSession final : public workflows::TokenSession {
 public:
  FakeSession(std::shared_ptr<FakeToken> t, Faults& f) : t_(std::move(t)), f_(f) {}

  workflows::TokenView info() override {
    op("info");
    workflows::TokenView v;
    v.serial = t_->serial;
    v.label = t_->label;
    v.manufacturer = "FakeMaker";
    v.vendor = "fake";
    v.initialized = t_->initialized;
    v.user_pin_initialized = t_->user_pin.has_value();
    v.pin_locked = t_->locked;
    v.pin_final_try = !t_->locked && t_->tries_left == 1;
    v.pin_count_low = !t_->locked && t_->tries_left < 10;
    v.min_pin = 4;
    v.max_pin = 16;
    return v;
  }
  void reinitialise(const Secret& so_pin, const std::string& label) override {
    op("reinitialise");
    if (so_pin.reveal() != t_->so_pin) throw TokenError(codes::wrong_pin, "wrong SO PIN", 0xA0);
    t_->label = label;
    t_->initialized = true;
    t_->user_pin.reset();
    t_->locked = false;
    t_->tries_left = 10;
    t_->keys.clear();
    t_->certs.clear();
    ++t_->reinitialised;
    login_ = none;
  }
  void change_so_pin(const Secret& old_pin, const Secret& new_pin) override {
    op("change_so_pin");
    if (old_pin.reveal() != t_->so_pin) throw TokenError(codes::wrong_pin, "wrong SO PIN", 0xA0);
    t_->so_pin = std::string(new_pin.reveal());
  }
  void login_so(const Secret& so_pin) override {
    op("login_so");
    if (so_pin.reveal() != t_->so_pin) throw TokenError(codes::wrong_pin, "wrong SO PIN", 0xA0);
    login_ = so;
  }
  void login_user(const Secret& pin) override {
    op("login_user");
    if (t_->locked) throw TokenError(codes::pin_locked, "the PIN is locked", 0xA4);
    if (!t_->user_pin) throw TokenError(codes::token_error, "no user PIN", 0x101);
    if (pin.reveal() != *t_->user_pin) {
      if (--t_->tries_left == 0) {
        t_->locked = true;
        throw TokenError(codes::pin_locked, "wrong PIN, now locked", 0xA0);
      }
      throw TokenError(codes::wrong_pin, "wrong PIN", 0xA0);
    }
    t_->tries_left = 10;
    login_ = user;
  }
  void logout() override {
    op("logout");
    login_ = none;
  }
  void init_user_pin(const Secret& pin) override {
    op("init_user_pin");
    require(so);
    t_->user_pin = std::string(pin.reveal());
    t_->locked = false;
    t_->tries_left = 10;
  }
  void generate_key(workflows::KeyAlgorithm, const Bytes& id, const std::string& label) override {
    op("generate_key");
    require(user);
    t_->keys[crypto::to_hex(id)] = label;
  }
  Bytes make_csr(const Bytes& id, const std::string& organisation, const std::string& uscc) override {
    op("make_csr");
    require(user);
    if (!t_->keys.count(crypto::to_hex(id))) throw TokenError(codes::token_error, "no such key");
    std::string csr = "CSR " + crypto::to_hex(id) + " " + organisation + " " + uscc;
    return Bytes(csr.begin(), csr.end());
  }
  void store_certificate(const Bytes& der, const Bytes& id, const std::string&) override {
    op("store_certificate");
    require(user);
    t_->certs[crypto::to_hex(id)] = der;
  }
  std::vector<workflows::TokenObjectView> certificates() override {
    op("certificates");
    std::vector<workflows::TokenObjectView> out;
    for (const auto& [id, der] : t_->certs) out.push_back({id, "cert", der});
    return out;
  }
  std::vector<workflows::TokenObjectView> private_keys() override {
    op("private_keys");
    std::vector<workflows::TokenObjectView> out;
    for (const auto& [id, label] : t_->keys) out.push_back({id, label, {}});
    return out;
  }
  void remove_key_pair(const Bytes& id) override {
    op("remove_key_pair");
    require(user);
    t_->keys.erase(crypto::to_hex(id));
  }
  void remove_certificate(const Bytes& id) override {
    op("remove_certificate");
    require(user);
    t_->certs.erase(crypto::to_hex(id));
  }
  Bytes sign(const Bytes&, const Bytes& data) override {
    op("sign");
    require(user);
    return crypto::sha256(std::string(data.begin(), data.end()));
  }

 private:
  enum Login { none, user, so };
  void op(const std::string& name) {
    if (!t_->present) throw TokenError(codes::token_removed, "the token " + t_->serial + " is no longer inserted");
    f_.hit("token." + name);
  }
  void require(Login who) {
    if (login_ != who) throw TokenError(codes::token_error, "not logged in as needed", 0x101);
  }
  std::shared_ptr<FakeToken> t_;
  Faults& f_;
  Login login_ = none;
};

constexpr const char* kTransportSoPin = "transport-so";

class FakeTokens final : public workflows::TokenPort {
 public:
  explicit FakeTokens(Faults& f) : f_(f) {}
  // A factory-blank token (initialised with the transport SO PIN, no user PIN).
  std::shared_ptr<FakeToken> insert_blank(const std::string& serial) {
    auto t = std::make_shared<FakeToken>();
    t->serial = serial;
    t->label = "BLANK";
    t->so_pin = kTransportSoPin;
    tokens_[serial] = t;
    return t;
  }
  std::shared_ptr<FakeToken> token(const std::string& serial) { return tokens_.at(serial); }
  void pull(const std::string& serial) { tokens_.at(serial)->present = false; }
  void insert(const std::string& serial) { tokens_.at(serial)->present = true; }

  std::vector<workflows::TokenView> list() override {
    f_.hit("tokens.list");
    std::vector<workflows::TokenView> out;
    for (const auto& [serial, t] : tokens_)
      if (t->present) out.push_back({.serial = serial, .label = t->label});
    return out;
  }
  std::unique_ptr<workflows::TokenSession> open(const std::string& serial) override {
    f_.hit("tokens.open");
    auto it = tokens_.find(serial);
    if (it == tokens_.end() || !it->second->present)
      throw TokenError(codes::no_token, "no token with serial " + serial + " is inserted");
    return std::make_unique<FakeSession>(it->second, f_);
  }

 private:
  Faults& f_;
  std::map<std::string, std::shared_ptr<FakeToken>> tokens_;
};

class FakeCa final : public workflows::CaPort {
 public:
  explicit FakeCa(Faults& f) : f_(f) {}
  std::vector<workflows::CaRecord> records() override { return records_; }
  workflows::IssuedCert issue(const Bytes& csr, const std::string& organisation, const std::string& uscc, Seconds not_before,
                              int days) override {
    f_.hit("ca.issue");
    workflows::IssuedCert c;
    c.serial = fmt::format("{:016x}", ++issued_);
    c.subject = "serialNumber=" + uscc + ",CN=" + organisation;
    c.not_before = not_before.time_since_epoch().count();
    c.not_after = c.not_before + std::int64_t{days} * 86400;
    std::string der = "CERT " + c.serial + " " + std::string(csr.begin(), csr.end());
    c.der = Bytes(der.begin(), der.end());
    records_.push_back({c.serial, c.subject, c.not_before, c.not_after});
    f_.hit("ca.issue.after");   // durable at the CA, the process "dies" before the database hears of it
    return c;
  }
  void revoke(const std::string& serial, workflows::RevocationReason reason, Seconds at) override {
    f_.hit("ca.revoke");
    for (auto& r : records_)
      if (r.serial == serial && !r.revoked) {
        r.revoked = true;
        r.revoked_at = at.time_since_epoch().count();
        r.reason = reason;
        ++crls_published;
      }
  }
  bool knows(const std::string& serial, bool* revoked) override {
    for (const auto& r : records_)
      if (r.serial == serial) {
        if (revoked) *revoked = r.revoked;
        return true;
      }
    return false;
  }
  const workflows::CaRecord* record(const std::string& serial) const {
    for (const auto& r : records_)
      if (r.serial == serial) return &r;
    return nullptr;
  }
  int crls_published = 0;
  int issued() const { return issued_; }

 private:
  Faults& f_;
  std::vector<workflows::CaRecord> records_;
  int issued_ = 0;
};

struct FakeSoPins final : workflows::SoPinSource {
  Secret for_token(const std::string& serial) override { return Secret("so-" + serial); }
  Secret transport() override { return Secret(kTransportSoPin); }
};

}  // namespace certdesk::test
