#pragma once
// The local certificate authority (SPEC §7): its signing key sits on its own
// SoftHSM2 token; it issues end-entity certificates from CSRs, revokes them,
// publishes a CRL after each revocation, and keeps its own index of everything
// it issued (index.txt, written durably before issue() returns), so the
// database can be checked against it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/secret.h"
#include "pki/module.h"
#include "pki/ossl.h"
#include "pki/types.h"   // RevocationReason, reason_name

namespace certdesk::pki {


struct IssuedCertificate {
  std::string serial;        // lower-case hex of a random 128-bit serial
  Bytes der;
  std::string subject;       // RFC 2253 one-line
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;   // not_before + days × 86400, to the second
};

struct IndexEntry {
  std::string serial;
  std::string subject;
  std::int64_t not_before = 0, not_after = 0;
  bool revoked = false;
  std::int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::unspecified;
};

class CertificateAuthority {
 public:
  // First start: initialises the CA token (label token_label) on a free slot
  // of the module, generates a P-256 key on it, self-signs a 10-year CA
  // certificate for `name`, writes dir/ca.pem, dir/index.txt and an empty CRL.
  // Throws Error when dir already holds a CA.
  static void create(std::shared_ptr<Module> module, const std::filesystem::path& dir, const std::string& token_label,
                     const Secret& so_pin, const Secret& user_pin, const Subject& name, Seconds now);
  // Opens the CA in dir; logs in to its token with user_pin.
  static CertificateAuthority open(std::shared_ptr<Module> module, const std::filesystem::path& dir,
                                   const std::string& token_label, const Secret& user_pin);
  CertificateAuthority(CertificateAuthority&&) noexcept;
  CertificateAuthority& operator=(CertificateAuthority&&) noexcept;
  ~CertificateAuthority();

  // Verifies the CSR's own signature, then issues: subject from `subject` (not
  // from the CSR), 365 days (days) from not_before to the second, keyUsage
  // digitalSignature+nonRepudiation, extendedKeyUsage clientAuth, SKI/AKI,
  // CRL distribution point (file URI of dir/crl.pem), basicConstraints CA:FALSE.
  // Appends to the index (fsync) before returning. Throws CryptoError(ca_error).
  IssuedCertificate issue(const Bytes& csr_der, const Subject& subject, Seconds not_before, int days = 365);
  // Marks the serial revoked in the index (idempotent: revoking twice keeps the
  // first time and reason) and writes a fresh CRL. Throws Error(not_found) for a serial it never issued.
  void revoke(const std::string& serial, RevocationReason reason, Seconds at);
  // Writes a CRL signed now, valid for next_update_days, to path (PEM).
  void write_crl(const std::filesystem::path& path, Seconds now, int next_update_days = 7) const;

  std::vector<IndexEntry> index() const;
  std::optional<IndexEntry> find(const std::string& serial) const;
  X509* certificate() const;
  std::filesystem::path crl_path() const;
  std::filesystem::path cert_path() const;

 private:
  struct Impl;
  explicit CertificateAuthority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certdesk::pki
