#pragma once
// OpenSSL handles as move-only unique_ptrs with their free functions (common/handle.h, STYLE habit 4),
// and the few conversions the rest of pki needs. Throws CryptoError.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/handle.h"

namespace certdesk::pki {

// OPENSSL_free is a macro; CFree needs a function.
inline void openssl_free(void* p) noexcept { OPENSSL_free(p); }

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, CFree<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, CFree<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, CFree<X509_REQ_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, CFree<X509_CRL_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, CFree<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, CFree<X509_EXTENSION_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, CFree<X509_REVOKED_free>>;
using BioPtr = std::unique_ptr<BIO, CFree<BIO_free_all>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, CFree<ASN1_INTEGER_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, CFree<ASN1_ENUMERATED_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, CFree<ASN1_TIME_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, CFree<BN_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, CFree<EVP_MD_CTX_free>>;
using OpensslBytesPtr = std::unique_ptr<unsigned char, CFree<openssl_free>>;   // what i2d_* allocates

using Bytes = std::vector<std::uint8_t>;

// The DER encoding by i2d (i2d_X509, i2d_X509_REQ, i2d_PUBKEY …) of obj.
// Throws CryptoError("cannot encode <what>") when i2d fails.
template <auto I2d, class T>
Bytes der_of(const T* obj, const char* what);

// The subject of an end-entity certificate: C=CN, O=organisation, CN=organisation,
// serialNumber (2.5.4.5)=USCC. UTF-8 Chinese is kept as UTF8String.
struct Subject {
  std::string organisation;   // 北京示例科技有限公司
  std::string uscc;           // 91110108MA01C8D24U
  std::string common_name;    // defaults to organisation when empty
};

X509NamePtr make_name(const Subject& s);
std::string name_oneline(const X509_NAME* name);   // RFC 2253, UTF-8

Bytes to_der(X509* cert);
Bytes to_der(X509_REQ* req);
X509Ptr x509_from_der(const Bytes& der);             // throws CryptoError on garbage
X509ReqPtr req_from_der(const Bytes& der);
std::string to_pem(X509* cert);
X509Ptr x509_from_pem(const std::string& pem);
std::string serial_hex(const X509* cert);            // lower-case hex, no leading zeros stripped
std::int64_t not_before(const X509* cert);           // Unix seconds
std::int64_t not_after(const X509* cert);

[[noreturn]] void throw_encode_failed(const char* what);   // CryptoError, the OpenSSL queue drained; what is a tr_noop() msgid

template <auto I2d, class T>
Bytes der_of(const T* obj, const char* what) {
  unsigned char* raw = nullptr;
  int n = I2d(obj, &raw);
  OpensslBytesPtr out(raw);
  if (n <= 0 || !out) throw_encode_failed(what);
  return Bytes(out.get(), out.get() + n);
}

}  // namespace certdesk::pki
