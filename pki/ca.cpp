#include "pki/ca.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "common/error.h"
#include "common/i18n.h"
#include "pki/token.h"

namespace fs = std::filesystem;

namespace certdesk::pki {

namespace {

const Bytes ca_key_id = {0xca, 0x01};
constexpr std::int64_t day = 86400;

[[noreturn]] void io_error(const std::string& what, const fs::path& p) {
  const std::string why = std::strerror(errno);
  throw Error(ErrorKind::other, codes::ca_error,
              with_detail(msg(tr("Cannot {} {}: check the CA folder's disk space and permissions."), what, p.string()), why));
}

void write_all(const UniqueFd& fd, const std::string& data, const fs::path& p) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_error(tr("write"), p);
    }
    done += static_cast<size_t>(n);
  }
}

// fsync, then close — close(2) may be the first to report a failed write.
void sync_and_close(UniqueFd& fd, const fs::path& p) {
  if (::fsync(fd.get()) != 0) io_error(tr("save to disk"), p);
  if (fd.close() != 0) io_error(tr("close"), p);
}

void fsync_dir(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

// Appends a line and fsyncs before returning (the index must be durable before issue() returns).
void append_durable(const fs::path& p, const std::string& line) {
  UniqueFd fd(::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) io_error(tr("open"), p);
  write_all(fd, line, p);
  sync_and_close(fd, p);
}

// Write to a temporary file, fsync, rename over the target, fsync the folder.
void write_atomic(const fs::path& p, const std::string& data) {
  fs::path tmp = p;
  tmp += ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) io_error(tr("create"), tmp);
  write_all(fd, data, tmp);
  sync_and_close(fd, tmp);
  if (::rename(tmp.c_str(), p.c_str()) != 0) io_error(tr("replace"), p);
  fsync_dir(p.parent_path().empty() ? fs::path(".") : p.parent_path());
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::int64_t to_unix(Seconds t) { return t.time_since_epoch().count(); }

Asn1TimePtr asn1_time(std::int64_t t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(t)));
  if (!out) throw CryptoError(tr("The CA cannot encode a certificate time; check the computer's clock and try again."), codes::ca_error);
  return out;
}

// Keep the one-line subject on one index line.
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    parts.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return parts;
}

std::string file_uri(const fs::path& p) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : fs::absolute(p).lexically_normal().string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xf];
    }
  }
  return out;
}

void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext) throw CryptoError(msg(tr("The CA cannot build the certificate's {} extension; call support."), OBJ_nid2sn(nid)), codes::ca_error);
  if (X509_add_ext(cert, ext.get(), -1) != 1) throw CryptoError(msg(tr("The CA cannot add the certificate's {} extension; call support."), OBJ_nid2sn(nid)), codes::ca_error);
}

EvpPkeyPtr pubkey_from_der(const Bytes& der) {
  const unsigned char* p = der.data();
  EvpPkeyPtr pk(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!pk) throw CryptoError(tr("The CA token's public key cannot be read; check the CA token setting."), codes::ca_error);
  return pk;
}

Asn1IntegerPtr serial_from_hex(const std::string& hex) {
  BIGNUM* raw_bn = nullptr;
  if (BN_hex2bn(&raw_bn, hex.c_str()) == 0) throw CryptoError(msg(tr("{} is not a certificate serial (hexadecimal digits); the CA index may be damaged: restore it from the backup."), hex), codes::ca_error);
  BignumPtr bn(raw_bn);
  Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) throw CryptoError(msg(tr("{} is not a certificate serial (hexadecimal digits); the CA index may be damaged: restore it from the backup."), hex), codes::ca_error);
  return out;
}

}  // namespace

struct CertificateAuthority::Impl {
  std::shared_ptr<Module> module;
  Token token;   // declared after the module: logged out and released first
  fs::path dir;
  X509Ptr cert;
  mutable std::mutex mutex;

  Impl(std::shared_ptr<Module> m, Token t, fs::path d, X509Ptr c)
      : module(std::move(m)), token(std::move(t)), dir(std::move(d)), cert(std::move(c)) {}

  fs::path index_path() const { return dir / "index.txt"; }
  fs::path number_path() const { return dir / "crlnumber"; }

  void sign(const std::function<int(EVP_PKEY*)>& do_sign, const std::string& what) {
    int ok = 0;
    token.with_private_key(ca_key_id, [&](EVP_PKEY* pk) { ok = do_sign(pk); });
    if (ok <= 0) throw CryptoError(msg(tr("The CA token could not sign the {}: check that the CA token is inserted and try again."), what), codes::ca_error);
  }

  std::vector<IndexEntry> read_index() const {
    std::vector<IndexEntry> out;
    std::istringstream in(read_text(index_path()));
    std::string line;
    while (std::getline(in, line)) {
      auto f = split_tabs(line);
      try {
        if (f.size() >= 5 && f[0] == "I") {
          IndexEntry e;
          e.serial = f[1];
          e.not_before = std::stoll(f[2]);
          e.not_after = std::stoll(f[3]);
          e.subject = unescape(f[4]);
          out.push_back(std::move(e));
        } else if (f.size() >= 4 && f[0] == "R") {
          for (auto& e : out)
            if (e.serial == f[1] && !e.revoked) {
              e.revoked = true;
              e.revoked_at = std::stoll(f[2]);
              e.reason = static_cast<RevocationReason>(std::stoi(f[3]));
            }
        }
      } catch (const std::exception&) {
        throw Error(ErrorKind::other, codes::ca_error,
                    msg(tr("The CA index {} has a damaged line: restore it from the backup."), index_path().string()));
      }
    }
    return out;
  }

  void write_crl(const fs::path& path, std::int64_t now, int next_update_days) {
    X509CrlPtr crl(X509_CRL_new());
    if (!crl || X509_CRL_set_version(crl.get(), 1) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(cert.get())) != 1)
      throw CryptoError(tr("The CA cannot start the certificate revocation list; call support."), codes::ca_error);
    Asn1TimePtr last = asn1_time(now), next = asn1_time(now + next_update_days * day);
    if (X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 || X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1)
      throw CryptoError(tr("The CA cannot set the revocation list's update times; check the computer's clock."), codes::ca_error);
    for (const auto& e : read_index()) {
      if (!e.revoked) continue;
      X509RevokedPtr rev(X509_REVOKED_new());
      if (!rev) throw CryptoError(tr("Out of memory building the revocation list; close other programs and try again."), codes::ca_error);
      Asn1IntegerPtr serial = serial_from_hex(e.serial);
      Asn1TimePtr at = asn1_time(e.revoked_at);
      Asn1EnumeratedPtr code(ASN1_ENUMERATED_new());
      if (!code || X509_REVOKED_set_serialNumber(rev.get(), serial.get()) != 1 ||
          X509_REVOKED_set_revocationDate(rev.get(), at.get()) != 1 ||
          ASN1_ENUMERATED_set(code.get(), static_cast<long>(e.reason)) != 1 ||
          X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, code.get(), 0, 0) != 1)
        throw CryptoError(msg(tr("The CA cannot put serial {} on the revocation list; call support."), e.serial), codes::ca_error);
      if (X509_CRL_add0_revoked(crl.get(), rev.get()) != 1) throw CryptoError(tr("The CA cannot add an entry to the revocation list; call support."), codes::ca_error);
      static_cast<void>(rev.release());   // the CRL owns it now
    }
    X509_CRL_sort(crl.get());

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, cert.get(), nullptr, nullptr, crl.get(), 0);
    X509ExtensionPtr aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!aki) throw CryptoError(tr("The CA cannot build the revocation list's authorityKeyIdentifier; call support."), codes::ca_error);
    if (X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) throw CryptoError(tr("The CA cannot add the revocation list's authorityKeyIdentifier; call support."), codes::ca_error);

    long number = 1;
    if (std::string text = read_text(number_path()); !text.empty()) {
      try {
        number = std::stol(text);
      } catch (const std::exception&) {
        throw Error(ErrorKind::other, codes::ca_error, msg(tr("The revocation list number file {} is damaged: restore it from the backup."), number_path().string()));
      }
    }
    Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
    if (!crl_number || ASN1_INTEGER_set(crl_number.get(), number) != 1 ||
        X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0, 0) != 1)
      throw CryptoError(tr("The CA cannot number the revocation list; call support."), codes::ca_error);

    sign([&](EVP_PKEY* pk) { return X509_CRL_sign(crl.get(), pk, EVP_sha256()); }, tr("revocation list"));

    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1)
      throw CryptoError(tr("The CA cannot write the revocation list as PEM; call support."), codes::ca_error);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    write_atomic(path, std::string(data, static_cast<size_t>(n)));
    write_atomic(number_path(), std::to_string(number + 1) + "\n");
  }
};

CertificateAuthority::CertificateAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CertificateAuthority::CertificateAuthority(CertificateAuthority&&) noexcept = default;
CertificateAuthority& CertificateAuthority::operator=(CertificateAuthority&&) noexcept = default;
CertificateAuthority::~CertificateAuthority() = default;

void CertificateAuthority::create(std::shared_ptr<Module> module, const fs::path& dir_in, const std::string& token_label,
                                  const Secret& so_pin, const Secret& user_pin, const Subject& name, Seconds now) {
  const fs::path dir = fs::absolute(dir_in);
  std::error_code ec;
  if (fs::exists(dir / "ca.pem", ec))
    throw Error(ErrorKind::other, codes::ca_error, msg(tr("The folder {} already holds a CA (ca.pem); nothing was changed. Choose another folder."), dir.string()));
  fs::create_directories(dir, ec);
  if (ec) {
    errno = ec.value();
    io_error(tr("create the CA folder"), dir);
  }

  Token token = Token::initialise_free_slot(module, so_pin, token_label);
  token.login_so(so_pin);
  token.init_user_pin(user_pin);
  token.login_user(user_pin);
  token.generate_key(KeyAlgorithm::ec_p256, ca_key_id, token_label);
  EvpPkeyPtr pub = pubkey_from_der(token.public_key(ca_key_id));

  X509Ptr cert(X509_new());
  if (!cert) throw CryptoError(tr("Out of memory building the CA certificate; close other programs and try again."), codes::ca_error);
  BignumPtr bn(BN_new());
  if (!bn || BN_rand(bn.get(), 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1)
    throw CryptoError(tr("The CA cannot draw a random serial; try again, and call support if it repeats."), codes::ca_error);
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  X509NamePtr subject = make_name(name);
  const std::int64_t start = to_unix(now);
  Asn1TimePtr nb = asn1_time(start), na = asn1_time(start + 3650 * day);
  if (!serial || X509_set_version(cert.get(), 2) != 1 || X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_subject_name(cert.get(), subject.get()) != 1 || X509_set_issuer_name(cert.get(), subject.get()) != 1 ||
      X509_set1_notBefore(cert.get(), nb.get()) != 1 || X509_set1_notAfter(cert.get(), na.get()) != 1 ||
      X509_set_pubkey(cert.get(), pub.get()) != 1)
    throw CryptoError(tr("The CA cannot fill in its own certificate; call support."), codes::ca_error);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");

  auto impl = std::make_unique<Impl>(module, std::move(token), dir, std::move(cert));
  impl->sign([&](EVP_PKEY* pk) { return X509_sign(impl->cert.get(), pk, EVP_sha256()); }, tr("CA certificate"));

  append_durable(impl->index_path(), "");
  write_atomic(dir / "crlnumber", "1\n");
  impl->write_crl(dir / "crl.pem", start, 7);
  // ca.pem last: its presence means "a complete CA lives here".
  write_atomic(dir / "ca.pem", to_pem(impl->cert.get()));
}

CertificateAuthority CertificateAuthority::open(std::shared_ptr<Module> module, const fs::path& dir_in,
                                                const std::string& token_label, const Secret& user_pin) {
  const fs::path dir = fs::absolute(dir_in);
  std::error_code ec;
  if (!fs::exists(dir / "ca.pem", ec))
    throw Error(ErrorKind::other, codes::ca_error,
                msg(tr("There is no CA in {} (ca.pem is missing): create the CA first or check the data folder."), dir.string()));
  X509Ptr cert = [&] {
    try {
      return x509_from_pem(read_text(dir / "ca.pem"));
    } catch (const CryptoError&) {
      throw Error(ErrorKind::other, codes::ca_error,
                  msg(tr("The CA certificate {} is damaged: restore the CA folder from the backup."), (dir / "ca.pem").string()));
    }
  }();
  Token token = Token::open_by_label(module, token_label);
  token.login_user(user_pin);
  // The key on the token must be the certificate's.
  EvpPkeyPtr on_token = pubkey_from_der(token.public_key(ca_key_id));
  if (EVP_PKEY_eq(on_token.get(), X509_get0_pubkey(cert.get())) != 1)
    throw Error(ErrorKind::other, codes::ca_error,
                msg(tr("The CA token \"{}\" does not hold the key of {}: check the CA token setting."), token_label,
                    (dir / "ca.pem").string()));
  return CertificateAuthority(std::make_unique<Impl>(std::move(module), std::move(token), dir, std::move(cert)));
}

IssuedCertificate CertificateAuthority::issue(const Bytes& csr_der, const Subject& subject, Seconds not_before_time,
                                              int days) {
  std::lock_guard store(impl_->module->mutex());   // the index, the CRL and its number: one process at a time
  std::lock_guard lock(impl_->mutex);
  X509ReqPtr req = req_from_der(csr_der);
  EVP_PKEY* req_key = X509_REQ_get0_pubkey(req.get());
  if (!req_key) throw CryptoError(tr("The certificate request has no usable public key: make a new request on the token."), codes::bad_request);
  if (X509_REQ_verify(req.get(), req_key) != 1)
    throw CryptoError(tr("The certificate request's signature does not verify: make a new request on the token."),
                      codes::bad_request);
  if (days <= 0) throw InputError(codes::bad_request, tr("A certificate must be valid for at least one day; check the validity setting."));

  auto existing = impl_->read_index();
  std::string serial_text;
  Asn1IntegerPtr serial;
  for (int attempt = 0; attempt < 8 && serial_text.empty(); ++attempt) {
    BignumPtr bn(BN_new());
    if (!bn || BN_rand(bn.get(), 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1)
      throw CryptoError(tr("The CA cannot draw a random serial; try again, and call support if it repeats."), codes::ca_error);
    serial.reset(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!serial) throw CryptoError(tr("The CA cannot encode the certificate serial; call support."), codes::ca_error);
    X509Ptr probe(X509_new());
    X509_set_serialNumber(probe.get(), serial.get());
    std::string candidate = serial_hex(probe.get());
    bool taken = false;
    for (const auto& e : existing) taken = taken || e.serial == candidate;
    if (!taken) serial_text = candidate;
  }
  if (serial_text.empty()) throw Error(ErrorKind::other, codes::ca_error, tr("The CA cannot find an unused serial; try again, and call support if it repeats."));

  X509Ptr cert(X509_new());
  X509NamePtr name = make_name(subject);
  const std::int64_t start = to_unix(not_before_time);
  Asn1TimePtr nb = asn1_time(start), na = asn1_time(start + static_cast<std::int64_t>(days) * day);
  if (!cert || X509_set_version(cert.get(), 2) != 1 || X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_subject_name(cert.get(), name.get()) != 1 ||
      X509_set_issuer_name(cert.get(), X509_get_subject_name(impl_->cert.get())) != 1 ||
      X509_set1_notBefore(cert.get(), nb.get()) != 1 || X509_set1_notAfter(cert.get(), na.get()) != 1 ||
      X509_set_pubkey(cert.get(), req_key) != 1)
    throw CryptoError(tr("The CA cannot fill in the certificate; check the customer's details and try again."), codes::ca_error);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, impl_->cert.get(), cert.get(), nullptr, nullptr, 0);
  add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation");
  add_ext(cert.get(), &ctx, NID_ext_key_usage, "clientAuth");
  add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  add_ext(cert.get(), &ctx, NID_crl_distribution_points, "URI:" + file_uri(crl_path()));
  impl_->sign([&](EVP_PKEY* pk) { return X509_sign(cert.get(), pk, EVP_sha256()); }, tr("certificate"));

  IssuedCertificate out;
  out.serial = serial_text;
  out.der = to_der(cert.get());
  out.subject = name_oneline(X509_get_subject_name(cert.get()));
  out.not_before = not_before(cert.get());
  out.not_after = not_after(cert.get());
  append_durable(impl_->index_path(), "I\t" + out.serial + "\t" + std::to_string(out.not_before) + "\t" +
                                          std::to_string(out.not_after) + "\t" + escape(out.subject) + "\n");
  return out;
}

void CertificateAuthority::revoke(const std::string& serial_in, RevocationReason reason, Seconds at) {
  std::lock_guard store(impl_->module->mutex());   // the index, the CRL and its number: one process at a time
  std::lock_guard lock(impl_->mutex);
  std::string serial;
  for (char c : serial_in) serial += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto entries = impl_->read_index();
  const IndexEntry* found = nullptr;
  for (const auto& e : entries)
    if (e.serial == serial) found = &e;
  if (!found)
    throw InputError(codes::not_found,
                     msg(tr("This CA never issued a certificate with serial {}: check the serial."), serial_in));
  if (!found->revoked)
    append_durable(impl_->index_path(), "R\t" + serial + "\t" + std::to_string(to_unix(at)) + "\t" +
                                            std::to_string(static_cast<int>(reason)) + "\n");
  impl_->write_crl(crl_path(), to_unix(at), 7);
}

void CertificateAuthority::write_crl(const fs::path& path, Seconds now, int next_update_days) const {
  std::lock_guard store(impl_->module->mutex());   // the index, the CRL and its number: one process at a time
  std::lock_guard lock(impl_->mutex);
  impl_->write_crl(path, to_unix(now), next_update_days);
}

std::vector<IndexEntry> CertificateAuthority::index() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->read_index();
}

std::optional<IndexEntry> CertificateAuthority::find(const std::string& serial) const {
  for (auto& e : index())
    if (e.serial == serial) return e;
  return std::nullopt;
}

X509* CertificateAuthority::certificate() const { return impl_->cert.get(); }
fs::path CertificateAuthority::crl_path() const { return impl_->dir / "crl.pem"; }
fs::path CertificateAuthority::cert_path() const { return impl_->dir / "ca.pem"; }

}  // namespace certdesk::pki
