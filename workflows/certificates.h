#pragma once
// Which certificates a token holds, as the records say: the one rule of "the
// newest valid certificate on a token" (update, the token panel, the desk).

#include <optional>
#include <string>
#include <vector>

#include "db/repositories.h"

namespace certdesk::workflows {

// The valid certificate on the token with the latest notAfter; nothing when
// the token holds no valid certificate on record.
std::optional<db::CertificateRecord> newest_valid_certificate(db::Database& db, const std::string& token_serial);
// The same over rows already read (the token panel lists them anyway).
std::optional<db::CertificateRecord> newest_valid_certificate(const std::vector<db::CertificateRecord>& on_token);

// Serials of the valid certificates on record for the token.
std::vector<std::string> valid_certificates_on(db::Database& db, const std::string& token_serial);

}  // namespace certdesk::workflows
