#pragma once
// The plain enums pki and the domain share: one KeyAlgorithm, one
// RevocationReason (RFC 5280 CRLReason codes, as written in the CA's index
// and CRL). Header only, no OpenSSL or PKCS#11 types, so workflows/ports.h
// can name them without depending on pki's libraries.

namespace certdesk::pki {

enum class KeyAlgorithm { ec_p256, rsa_2048 };

enum class RevocationReason { unspecified = 0, key_compromise = 1, superseded = 4, cessation_of_operation = 5 };

// "keyCompromise", "superseded", … (the RFC 5280 names).
constexpr const char* reason_name(RevocationReason r) {
  switch (r) {
    case RevocationReason::unspecified: return "unspecified";
    case RevocationReason::key_compromise: return "keyCompromise";
    case RevocationReason::superseded: return "superseded";
    case RevocationReason::cessation_of_operation: return "cessationOfOperation";
  }
  return "unspecified";
}

}  // namespace certdesk::pki
