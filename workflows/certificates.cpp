#include "workflows/certificates.h"

namespace certdesk::workflows {

std::optional<db::CertificateRecord> newest_valid_certificate(const std::vector<db::CertificateRecord>& on_token) {
  std::optional<db::CertificateRecord> best;
  for (const auto& c : on_token)
    if (c.status == "valid" && (!best || c.not_after > best->not_after)) best = c;
  return best;
}

std::optional<db::CertificateRecord> newest_valid_certificate(db::Database& db, const std::string& token_serial) {
  return newest_valid_certificate(db::Certificates(db).on_token(token_serial));
}

std::vector<std::string> valid_certificates_on(db::Database& db, const std::string& token_serial) {
  std::vector<std::string> out;
  for (const auto& c : db::Certificates(db).on_token(token_serial))
    if (c.status == "valid") out.push_back(c.serial);
  return out;
}

}  // namespace certdesk::workflows
