#pragma once
// Checking a signature made on a token (ECDSA / SHA-256 DER, or RSA PKCS#1
// v1.5 / SHA-256) with the public key of a certificate, and whether that
// certificate comes from a given CA: what `certdesk-cli day verify` and plain
// `openssl dgst -sha256 -verify` both do.

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "pki/ossl.h"

namespace certdesk::pki {

// True when signature is a valid SHA-256 signature over data by the key of the
// certificate (DER); false when it is not (a wrong key, changed data, a
// malformed signature). Throws CryptoError when the certificate cannot be read.
bool verify_signature(const Bytes& cert_der, std::string_view data, const Bytes& signature);

// Empty when the certificate (DER) was signed by ca (and, when `at` is given, is valid then);
// otherwise a sentence saying why not. Throws CryptoError when it cannot be read.
std::string check_issued_by(const Bytes& cert_der, X509* ca, std::optional<Seconds> at = std::nullopt);

// The certificate's public key as PEM (SubjectPublicKeyInfo), for
// `openssl dgst -verify`. Throws CryptoError.
std::string public_key_pem(const Bytes& cert_der);

// "CN=…, O=…" of the certificate's subject.
std::string subject_of(const Bytes& cert_der);

}  // namespace certdesk::pki
