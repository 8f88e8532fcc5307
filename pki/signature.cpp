#include "pki/signature.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/error.h"

namespace certdesk::pki {

bool verify_signature(const Bytes& cert_der, std::string_view data, const Bytes& signature) {
  X509Ptr cert = x509_from_der(cert_der);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());   // owned by cert
  if (!key) throw CryptoError("the signer's certificate holds no readable public key");
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw CryptoError("out of memory checking a signature");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1)
    throw CryptoError("cannot start checking a signature with the signer's key");
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  // 0 = does not verify, < 0 = malformed signature: both mean "not signed by this key".
  ERR_clear_error();
  return rc == 1;
}

std::string check_issued_by(const Bytes& cert_der, X509* ca, std::optional<Seconds> at) {
  X509Ptr cert = x509_from_der(cert_der);
  EVP_PKEY* ca_key = X509_get0_pubkey(ca);
  if (!ca_key) throw CryptoError("the CA certificate holds no readable public key");
  if (X509_verify(cert.get(), ca_key) != 1) {
    ERR_clear_error();
    return "the signer's certificate was not issued by this workstation's CA";
  }
  if (!at) return {};
  std::int64_t t = at->time_since_epoch().count();
  if (t < not_before(cert.get())) return "the signer's certificate is not valid yet";
  if (t > not_after(cert.get())) return "the signer's certificate has expired";
  return {};
}

std::string public_key_pem(const Bytes& cert_der) {
  X509Ptr cert = x509_from_der(cert_der);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key) throw CryptoError("the certificate holds no readable public key");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw CryptoError("cannot write the public key as PEM");
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, static_cast<std::size_t>(n));
}

std::string subject_of(const Bytes& cert_der) {
  X509Ptr cert = x509_from_der(cert_der);
  return name_oneline(X509_get_subject_name(cert.get()));
}

}  // namespace certdesk::pki
