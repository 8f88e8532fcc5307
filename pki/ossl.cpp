#include "pki/ossl.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <ctime>

#include "common/error.h"
#include "common/i18n.h"

namespace certdesk::pki {

namespace {

void add_entry(X509_NAME* name, int nid, const std::string& value) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    throw CryptoError(msg(tr("The customer's {} cannot be put into the certificate subject; check the customer's details."), OBJ_nid2sn(nid)));
}

std::int64_t to_unix(const ASN1_TIME* t) {
  if (!t) throw CryptoError(tr("The certificate has no validity time: it is damaged; read it from the token again."));
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) throw CryptoError(tr("The certificate's validity time cannot be read: it is damaged; read it from the token again."));
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace

X509NamePtr make_name(const Subject& s) {
  X509NamePtr name(X509_NAME_new());
  if (!name) throw CryptoError(tr("Out of memory building a certificate subject; close other programs and try again."));
  add_entry(name.get(), NID_countryName, "CN");
  add_entry(name.get(), NID_organizationName, s.organisation);
  add_entry(name.get(), NID_commonName, s.common_name.empty() ? s.organisation : s.common_name);
  add_entry(name.get(), NID_serialNumber, s.uscc);
  return name;
}

std::string name_oneline(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw CryptoError(tr("Out of memory reading a certificate subject; close other programs and try again."));
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    throw CryptoError(tr("The certificate subject cannot be read: the certificate is damaged."));
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

void throw_encode_failed(const char* what) {
  throw CryptoError(msg(tr("Cannot encode {}; call support."), tr(what)));
}

Bytes to_der(X509* cert) { return der_of<i2d_X509>(cert, tr_noop("the certificate")); }
Bytes to_der(X509_REQ* req) { return der_of<i2d_X509_REQ>(req, tr_noop("the certificate request")); }

X509Ptr x509_from_der(const Bytes& der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != der.data() + der.size())
    throw CryptoError(tr("The data is not a DER certificate: read the certificate from the token or file again."), codes::bad_request);
  return cert;
}

X509ReqPtr req_from_der(const Bytes& der) {
  const unsigned char* p = der.data();
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req || p != der.data() + der.size())
    throw CryptoError(tr("The certificate request is not a DER PKCS#10 request: ask for the request file again."),
                      codes::bad_request);
  return req;
}

std::string to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) throw CryptoError(tr("The certificate cannot be written as PEM; call support."));
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

X509Ptr x509_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw CryptoError(tr("Out of memory reading a certificate; close other programs and try again."));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw CryptoError(tr("The text is not a PEM certificate (-----BEGIN CERTIFICATE-----): check the file."), codes::bad_request);
  return cert;
}

std::string serial_hex(const X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  static const char* digits = "0123456789abcdef";
  std::string out;
  const unsigned char* d = ASN1_STRING_get0_data(serial);
  for (int i = 0; i < ASN1_STRING_length(serial); ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 0xf];
  }
  return out;
}

std::int64_t not_before(const X509* cert) { return to_unix(X509_get0_notBefore(cert)); }
std::int64_t not_after(const X509* cert) { return to_unix(X509_get0_notAfter(cert)); }

}  // namespace certdesk::pki
