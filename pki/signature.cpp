#include "pki/signature.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::pki {

bool verify_signature(const Bytes& cert_der, std::string_view data, const Bytes& signature) {
  X509Ptr cert = x509_from_der(cert_der);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());   // owned by cert
  if (!key) throw CryptoError(tr("The signer's certificate holds no readable public key: the signing token's certificate is damaged; enrol the token again."));
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw CryptoError(tr("Out of memory checking a signature; close other programs and try again."));
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1)
    throw CryptoError(tr("A signature cannot be checked with the signer's key: the key type is not supported; call support."));
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  // 0 = does not verify, < 0 = malformed signature: both mean "not signed by this key".
  ERR_clear_error();
  return rc == 1;
}

std::string check_issued_by(const Bytes& cert_der, X509* ca, std::optional<Seconds> at) {
  X509Ptr cert = x509_from_der(cert_der);
  EVP_PKEY* ca_key = X509_get0_pubkey(ca);
  if (!ca_key) throw CryptoError(tr("The CA certificate holds no readable public key: restore the CA folder from the backup."));
  if (X509_verify(cert.get(), ca_key) != 1) {
    ERR_clear_error();
    return tr("the signer's certificate was not issued by this workstation's CA");
  }
  if (!at) return {};
  std::int64_t t = at->time_since_epoch().count();
  if (t < not_before(cert.get())) return tr("the signer's certificate is not valid yet");
  if (t > not_after(cert.get())) return tr("the signer's certificate has expired");
  return {};
}

std::string public_key_pem(const Bytes& cert_der) {
  X509Ptr cert = x509_from_der(cert_der);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (!key) throw CryptoError(tr("The certificate holds no readable public key: it is damaged; read it from the token again."));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw CryptoError(tr("The public key cannot be written as PEM; call support."));
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, static_cast<std::size_t>(n));
}

std::string subject_of(const Bytes& cert_der) {
  X509Ptr cert = x509_from_der(cert_der);
  return name_oneline(X509_get_subject_name(cert.get()));
}

}  // namespace certdesk::pki
