#pragma once
// OpenSSL handles as move-only unique_ptrs with their free functions (STYLE habit 4),
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

namespace certdesk::pki {

template <auto Fn>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept { if (p) Fn(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;

using Bytes = std::vector<std::uint8_t>;

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

}  // namespace certdesk::pki
