#pragma once
// The workflow ports (workflows/ports.h) implemented over pki/: real PKCS#11
// tokens through libp11, the local CA, and SO PINs derived from the data
// folder's master secret.

#include <filesystem>
#include <memory>
#include <string>

#include "pki/ca.h"
#include "pki/module.h"
#include "workflows/ports.h"

namespace certdesk::desk {

class PkiTokenPort final : public workflows::TokenPort {
 public:
  explicit PkiTokenPort(std::shared_ptr<pki::Module> module) : module_(std::move(module)) {}
  std::vector<workflows::TokenView> list() override;
  std::unique_ptr<workflows::TokenSession> open(const std::string& serial) override;
  const std::shared_ptr<pki::Module>& module() const { return module_; }

 private:
  std::shared_ptr<pki::Module> module_;
};

class PkiCaPort final : public workflows::CaPort {
 public:
  explicit PkiCaPort(pki::CertificateAuthority& ca) : ca_(ca) {}
  workflows::IssuedCert issue(const workflows::Bytes& csr_der, const std::string& organisation, const std::string& uscc,
                              Seconds not_before, int days) override;
  void revoke(const std::string& serial, workflows::RevocationReason reason, Seconds at) override;
  bool knows(const std::string& serial, bool* revoked) override;
  std::vector<workflows::CaRecord> records() override;

 private:
  pki::CertificateAuthority& ca_;
};

// Per-token SO PIN = hex(HMAC-SHA256(master, "so-pin:" + serial))[0..32). The
// transport SO PIN of factory-blank tokens comes from secrets/transport-so-pin
// when an admin put the vendor's there, else it is derived (demo tokens).
class MasterSecretPins final : public workflows::SoPinSource {
 public:
  explicit MasterSecretPins(const std::filesystem::path& secrets_dir);
  Secret for_token(const std::string& serial) override;
  Secret transport() override;
  // Other derived secrets (the CA token's PINs): hex(HMAC(master, purpose))[0..32).
  Secret derived(const std::string& purpose) const;

 private:
  Secret master_;
  std::filesystem::path dir_;
};

workflows::TokenView to_view(const pki::TokenInfo& t);

}  // namespace certdesk::desk
