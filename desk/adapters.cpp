#include "desk/adapters.h"

#include <fstream>
#include <iterator>

#include "common/crypto.h"
#include "common/error.h"
#include "common/i18n.h"
#include "pki/token.h"

namespace certdesk::desk {

namespace fs = std::filesystem;

workflows::TokenView to_view(const pki::TokenInfo& t) {
  return workflows::TokenView{t.serial,        t.label,          t.manufacturer,   t.vendor,  t.initialized,
                              t.user_pin_initialized, t.pin_count_low, t.pin_final_try, t.pin_locked, t.min_pin,
                              t.max_pin};
}

namespace {
class PkiSession final : public workflows::TokenSession {
 public:
  explicit PkiSession(pki::Token t) : t_(std::move(t)) {}
  workflows::TokenView info() override { return to_view(t_.info()); }
  void reinitialise(const Secret& so_pin, const std::string& label) override { t_.reinitialise(so_pin, label); }
  void change_so_pin(const Secret& o, const Secret& n) override { t_.change_so_pin(o, n); }
  void login_so(const Secret& p) override { t_.login_so(p); }
  void login_user(const Secret& p) override { t_.login_user(p); }
  void logout() override { t_.logout(); }
  void init_user_pin(const Secret& p) override { t_.init_user_pin(p); }
  void generate_key(workflows::KeyAlgorithm alg, const workflows::Bytes& id, const std::string& label) override {
    t_.generate_key(alg, id, label);
  }
  workflows::Bytes make_csr(const workflows::Bytes& id, const std::string& organisation, const std::string& uscc) override {
    return t_.make_csr(id, pki::Subject{organisation, uscc, organisation});
  }
  void store_certificate(const workflows::Bytes& der, const workflows::Bytes& id, const std::string& label) override {
    t_.store_certificate(der, id, label);
  }
  std::vector<workflows::TokenObjectView> certificates() override { return convert(t_.certificates()); }
  std::vector<workflows::TokenObjectView> private_keys() override { return convert(t_.private_keys()); }
  void remove_key_pair(const workflows::Bytes& id) override { t_.remove_key_pair(id); }
  void remove_certificate(const workflows::Bytes& id) override { t_.remove_certificate(id); }
  workflows::Bytes sign(const workflows::Bytes& id, const workflows::Bytes& data) override { return t_.sign(id, data); }

 private:
  static std::vector<workflows::TokenObjectView> convert(const std::vector<pki::TokenObject>& in) {
    std::vector<workflows::TokenObjectView> out;
    for (const auto& o : in) out.push_back({o.id, o.label, o.der});
    return out;
  }
  pki::Token t_;
};

std::string read_secret_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(f)), {});
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}
}  // namespace

std::vector<workflows::TokenView> PkiTokenPort::list() {
  std::vector<workflows::TokenView> out;
  for (const auto& t : module_->tokens()) out.push_back(to_view(t));
  return out;
}

std::unique_ptr<workflows::TokenSession> PkiTokenPort::open(const std::string& serial) {
  return std::make_unique<PkiSession>(pki::Token::open(module_, serial));
}

workflows::IssuedCert PkiCaPort::issue(const workflows::Bytes& csr_der, const std::string& organisation,
                                       const std::string& uscc, Seconds not_before, int days) {
  pki::IssuedCertificate c = ca_.issue(csr_der, pki::Subject{organisation, uscc, organisation}, not_before, days);
  return workflows::IssuedCert{c.serial, c.der, c.subject, c.not_before, c.not_after};
}

void PkiCaPort::revoke(const std::string& serial, workflows::RevocationReason reason, Seconds at) {
  ca_.revoke(serial, reason, at);
}

bool PkiCaPort::knows(const std::string& serial, bool* revoked) {
  auto e = ca_.find(serial);
  if (e && revoked) *revoked = e->revoked;
  return e.has_value();
}

std::vector<workflows::CaRecord> PkiCaPort::records() {
  std::vector<workflows::CaRecord> out;
  for (const auto& e : ca_.index())
    out.push_back({e.serial, e.subject, e.not_before, e.not_after, e.revoked, e.revoked_at,
                   e.reason});
  return out;
}

MasterSecretPins::MasterSecretPins(const fs::path& secrets_dir) : dir_(secrets_dir) {
  fs::path p = secrets_dir / "master.key";
  std::error_code ec;
  if (!fs::exists(p, ec))
    throw Error(ErrorKind::other, codes::data_dir_unusable,
                tr("The data folder has no master secret (secrets/master.key); run certdesk-cli init or restore the folder."));
  master_ = Secret(read_secret_file(p));
  if (master_.size() < 32)
    throw Error(ErrorKind::other, codes::data_dir_unusable, tr("The master secret in secrets/master.key is damaged."));
}

Secret MasterSecretPins::derived(const std::string& purpose) const {
  crypto::Bytes mac = crypto::hmac_sha256(master_.reveal(), purpose);
  std::string hex = crypto::to_hex(mac).substr(0, 32);
  Secret s(hex);
  explicit_bzero(hex.data(), hex.size());
  explicit_bzero(mac.data(), mac.size());
  return s;
}

Secret MasterSecretPins::for_token(const std::string& serial) { return derived("so-pin:" + serial); }

Secret MasterSecretPins::transport() {
  fs::path vendor = dir_ / "transport-so-pin";
  std::error_code ec;
  if (fs::exists(vendor, ec)) return Secret(read_secret_file(vendor));
  return derived("transport-so-pin");
}

}  // namespace certdesk::desk
