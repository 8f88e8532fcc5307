#include "pki/token.h"

#include <libp11.h>
#include <openssl/err.h>

#include "common/error.h"
#include "common/i18n.h"
#include "pki/p11_detail.h"

namespace certdesk::pki {

using detail::raw;

namespace {

std::string hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 0xf];
  }
  return out;
}

bool same_id(const PKCS11_KEY& k, const Bytes& id) {
  return k.id_len == id.size() && (id.empty() || std::equal(id.begin(), id.end(), k.id));
}
bool same_id(const PKCS11_CERT& c, const Bytes& id) {
  return c.id_len == id.size() && (id.empty() || std::equal(id.begin(), id.end(), c.id));
}

// A raw PKCS#11 session, closed when it goes out of scope. It shares the
// login of libp11's sessions on the same token (login state is per application).
class RawSession {
 public:
  RawSession(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot) : f_(f) {
    rv_ = f_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h_);
  }
  ~RawSession() {
    if (rv_ == CKR_OK) f_->C_CloseSession(h_);
  }
  RawSession(const RawSession&) = delete;
  RawSession& operator=(const RawSession&) = delete;
  CK_RV rv() const { return rv_; }
  CK_SESSION_HANDLE handle() const { return h_; }

 private:
  CK_FUNCTION_LIST_PTR f_;
  CK_SESSION_HANDLE h_ = 0;
  CK_RV rv_;
};

// libp11 0.4.12 hands the label straight to C_InitToken, which reads 32 bytes:
// pad it ourselves (a shorter string is read past its end).
std::string padded_label(const std::string& label) {
  if (label.empty() || label.size() > 32)
    throw InputError(codes::invalid_text,
                     msg(tr("A token label has 1 to 32 bytes; \"{}\" does not fit: choose a shorter label."), label));
  std::string out = label;
  out.resize(32, ' ');
  return out;
}

}  // namespace

struct Token::Impl {
  std::shared_ptr<Module> module;
  std::string serial;
  PKCS11_SLOT* slot = nullptr;
  std::uint64_t generation = 0;
  enum class Login { none, user, so } login = Login::none;
  Secret user_pin;   // kept only while logged in as user, to log in again after a re-enumeration

  CK_SLOT_ID slot_id() { return PKCS11_get_slotid_from_slot(current()); }
  PKCS11_TOKEN* token() { return current()->token; }

  // Binds to the current enumeration: finds the slot again by serial when the
  // module re-enumerated (which logged us out), and logs in again as user.
  PKCS11_SLOT* current() {
    // A guarded C_OpenSession failed: libp11's session pool holds an invalid
    // handle until the slots are enumerated afresh (which logs out; see below).
    if (module->session_pool_poisoned()) module->enumerate();
    if (slot && generation == module->generation()) {
      require_present();
      return slot;
    }
    const bool was_user = login == Login::user;
    login = Login::none;
    slot = nullptr;
    PKCS11_SLOT* s = module->ctx() ? module->slot_by_serial(serial) : nullptr;
    if (!s) {
      module->enumerate();
      s = module->slot_by_serial(serial);
    }
    if (!s)
      throw TokenError(codes::token_removed,
                       msg(tr("the token {} is no longer inserted: insert it again and repeat the step"), serial),
                       CKR_TOKEN_NOT_PRESENT);
    bind(s);
    if (was_user && !user_pin.empty()) do_login(false, user_pin);
    return slot;
  }

  // A key pulled from its reader is noticed before libp11 is asked: one
  // C_GetSlotInfo before every operation. A C_OpenSession that fails inside
  // libp11 anyway (a pull at that very instant) is caught by the module's
  // guard (Module::open_session_guarded) instead of hanging in libp11 0.4.12.
  void require_present() {
    auto* f = static_cast<CK_FUNCTION_LIST_PTR>(module->functions());
    CK_SLOT_INFO info{};
    CK_RV rv = f ? f->C_GetSlotInfo(PKCS11_get_slotid_from_slot(slot), &info) : CKR_OK;
    if (rv == CKR_OK && (!f || (info.flags & CKF_TOKEN_PRESENT))) return;
    throw TokenError(codes::token_removed,
                     msg(tr("the token {} is no longer inserted: insert it again and repeat the step"), serial),
                     rv == CKR_OK ? CKR_TOKEN_NOT_PRESENT : rv);
  }

  void bind(PKCS11_SLOT* s) {
    slot = s;
    generation = module->generation();
    // Read-write first: libp11 fixes the mode with the first session (PLATFORM-NOTES).
    ERR_clear_error();
    if (PKCS11_open_session(s, 1) != 0) detail::throw_ckr(detail::take_libp11_error(), tr_noop("open a session"), serial);
  }

  [[noreturn]] void pin_error(unsigned long rv, bool so, const std::string& action) {
    if (rv == CKR_PIN_INCORRECT) {
      TokenInfo info;
      try {
        info = module->info_for(PKCS11_get_slotid_from_slot(slot));
      } catch (const Error&) {
      }
      if (so) throw TokenError(codes::wrong_pin, tr("Wrong SO PIN: type it again."), rv);
      if (info.pin_locked)
        throw TokenError(codes::pin_locked,
                         msg(tr("Wrong PIN, and the PIN of token {} is now locked: the customer needs an on-site unlock with the documents."),
                             serial),
                         rv);
      if (info.pin_final_try)
        throw TokenError(codes::wrong_pin, tr("Wrong PIN: 1 try left, one more wrong PIN locks the key."), rv);
      if (info.pin_count_low)
        throw TokenError(codes::wrong_pin,
                         tr("Wrong PIN: only a few tries left before the key locks; check the PIN with the customer."), rv);
      throw TokenError(codes::wrong_pin, tr("Wrong PIN: ask the customer to type it again."), rv);
    }
    if (rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_INVALID) {
      TokenInfo info;
      try {
        info = module->info_for(PKCS11_get_slotid_from_slot(slot));
      } catch (const Error&) {
      }
      throw TokenError(codes::pin_length,
                       so ? msg(tr("The SO PIN must have {} to {} characters: choose another PIN."), info.min_pin, info.max_pin)
                          : msg(tr("The PIN must have {} to {} characters: choose another PIN."), info.min_pin, info.max_pin),
                       rv);
    }
    if (rv == CKR_PIN_LOCKED)
      throw TokenError(codes::pin_locked,
                       so ? msg(tr("The SO PIN of token {} is locked."), serial)
                          : msg(tr("The PIN of token {} is locked: the customer needs an on-site unlock with the documents."), serial),
                       rv);
    detail::throw_ckr(rv, action, serial);
  }

  void do_logout() {
    int in_user = 0, in_so = 0;
    PKCS11_is_logged_in(slot, 0, &in_user);
    PKCS11_is_logged_in(slot, 1, &in_so);
    if (in_user || in_so || login != Login::none) {
      ERR_clear_error();
      if (PKCS11_logout(slot) != 0) {
        unsigned long rv = detail::take_libp11_error();
        if (rv != CKR_USER_NOT_LOGGED_IN && rv != 0) detail::throw_ckr(rv, tr_noop("log out"), serial);
      }
    }
    login = Login::none;
  }

  void do_login(bool so, const Secret& pin) {
    do_logout();
    ERR_clear_error();
    if (PKCS11_login(slot, so ? 1 : 0, pin.c_str()) != 0)
      pin_error(detail::take_libp11_error(), so, so ? tr_noop("log in as security officer") : tr_noop("log in"));
    login = so ? Login::so : Login::user;
  }

  void require(Login who, const std::string& action) {
    current();
    if (login != who)
      throw TokenError(codes::token_error,
                       who == Login::so ? msg(tr("cannot {} on token {}: log in with the SO PIN first"), tr(action.c_str()), serial)
                                        : msg(tr("cannot {} on token {}: log in with the user PIN first"), tr(action.c_str()), serial),
                       CKR_USER_NOT_LOGGED_IN);
  }

  // Private keys from one libp11 enumeration.
  std::pair<PKCS11_KEY*, unsigned> keys(bool is_private) {
    PKCS11_KEY* k = nullptr;
    unsigned n = 0;
    ERR_clear_error();
    int r = is_private ? PKCS11_enumerate_keys(token(), &k, &n) : PKCS11_enumerate_public_keys(token(), &k, &n);
    if (r != 0) detail::throw_ckr(detail::take_libp11_error(), tr_noop("list the keys"), serial);
    if (unsigned long rv = detail::take_open_failure()) detail::throw_ckr(rv, tr_noop("list the keys"), serial);
    return {k, n};
  }

  PKCS11_KEY* find_key(const Bytes& id, bool is_private) {
    auto [k, n] = keys(is_private);
    for (unsigned i = 0; i < n; ++i)
      if (same_id(k[i], id)) return &k[i];
    return nullptr;
  }

  PKCS11_KEY* need_private_key(const Bytes& id) {
    PKCS11_KEY* key = find_key(id, true);
    if (!key)
      throw TokenError(codes::not_found, msg(tr("Token {} holds no private key with ID {}: generate the key pair first."), serial,
                                             hex(id.data(), id.size())));
    return key;
  }

  // A new EVP_PKEY for the private key (freed before anything re-enumerates).
  EvpPkeyPtr private_pkey(const Bytes& id) {
    PKCS11_KEY* key = need_private_key(id);
    ERR_clear_error();
    EvpPkeyPtr pk(PKCS11_get_private_key(key));
    if (!pk) detail::throw_ckr(detail::take_libp11_error(), tr_noop("use the private key"), serial);
    return pk;
  }

  EvpPkeyPtr public_pkey(const Bytes& id) {
    PKCS11_KEY* key = find_key(id, false);
    if (!key) key = need_private_key(id);
    ERR_clear_error();
    EvpPkeyPtr pk(PKCS11_get_public_key(key));
    if (!pk) detail::throw_ckr(detail::take_libp11_error(), tr_noop("read the public key"), serial);
    return pk;
  }

  // libp11 keeps listing removed objects until its cache is wiped: log out and in again.
  void refresh_after_removal() {
    if (login == Login::user && !user_pin.empty()) {
      Secret pin(std::string(user_pin.reveal()));
      do_login(false, pin);
    }
  }
};

Token::Token(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) { serial_ = impl_->serial; }
Token::Token(Token&&) noexcept = default;
Token& Token::operator=(Token&&) noexcept = default;

Token::~Token() {
  if (!impl_) return;
  try {
    std::lock_guard lock(impl_->module->mutex());
    if (impl_->slot && impl_->generation == impl_->module->generation() && impl_->login != Impl::Login::none) {
      ERR_clear_error();
      PKCS11_logout(impl_->slot);
      ERR_clear_error();
    }
  } catch (...) {
  }
}

Token Token::open(std::shared_ptr<Module> module, const std::string& serial) {
  std::lock_guard lock(module->mutex());
  module->enumerate();
  PKCS11_SLOT* s = module->slot_by_serial(serial);
  if (!s)
    throw TokenError(codes::no_token,
                     msg(tr("no token with serial {} is inserted: insert the customer's key and try again"), serial));
  auto impl = std::make_unique<Impl>();
  impl->module = std::move(module);
  impl->serial = serial;
  impl->bind(s);
  return Token(std::move(impl));
}

Token Token::open_by_label(std::shared_ptr<Module> module, const std::string& label) {
  std::lock_guard lock(module->mutex());
  module->enumerate();
  PKCS11_SLOT* s = module->slot_by_label(label);
  if (!s)
    throw TokenError(codes::no_token, msg(tr("no token labelled \"{}\" is present in {}: check the token store setting"), label,
                                          module->path()));
  auto impl = std::make_unique<Impl>();
  impl->module = std::move(module);
  impl->serial = detail::field(reinterpret_cast<const unsigned char*>(s->token->serialnr),
                               std::string(s->token->serialnr).size());
  impl->bind(s);
  return Token(std::move(impl));
}

Token Token::initialise_free_slot(std::shared_ptr<Module> module, const Secret& so_pin, const std::string& label) {
  std::lock_guard lock(module->mutex());
  module->enumerate();
  if (module->slot_by_label(label))
    throw RuleRefused(codes::duplicate, "token-label", msg(tr("a token labelled \"{}\" already exists"), label));
  PKCS11_SLOT* s = module->free_slot();
  if (!s)
    throw TokenError(codes::no_token, msg(tr("the module {} has no free slot to initialise a token"), module->path()));
  const std::string label32 = padded_label(label);
  ERR_clear_error();
  if (PKCS11_init_token(s->token, so_pin.c_str(), label32.c_str()) != 0) {
    unsigned long rv = detail::take_libp11_error();
    if (rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_INVALID)
      throw TokenError(codes::pin_length, tr("The SO PIN has the wrong length: choose another (4 to 255 characters)."), rv);
    detail::throw_ckr(rv, tr_noop("initialise the token"), "");
  }
  // libp11 does not refresh the token after C_InitToken: re-enumerate.
  return open_by_label(std::move(module), label);
}

TokenInfo Token::info() const {
  std::lock_guard lock(impl_->module->mutex());
  return impl_->module->info_for(impl_->slot_id());
}

void Token::reinitialise(const Secret& so_pin, const std::string& label) {
  const std::string label32 = padded_label(label);
  std::lock_guard lock(impl_->module->mutex());
  impl_->current();
  impl_->do_logout();
  impl_->user_pin.wipe();
  // C_InitToken refuses while sessions are open (CKR_SESSION_EXISTS).
  CK_SLOT_ID id = impl_->slot_id();
  if (CK_RV rv = raw(*impl_->module)->C_CloseAllSessions(id); rv != CKR_OK)
    detail::throw_ckr(rv, tr_noop("close the sessions before initialising the token"), impl_->serial);
  ERR_clear_error();
  if (PKCS11_init_token(impl_->slot->token, so_pin.c_str(), label32.c_str()) != 0)
    impl_->pin_error(detail::take_libp11_error(), true, tr_noop("initialise the token"));
  impl_->module->enumerate();
  PKCS11_SLOT* s = impl_->module->slot_by_serial(impl_->serial);
  if (!s)
    throw TokenError(codes::token_removed, msg(tr("the token {} disappeared after initialisation: insert it again"), impl_->serial),
                     CKR_TOKEN_NOT_PRESENT);
  impl_->bind(s);
}

void Token::change_so_pin(const Secret& old_pin, const Secret& new_pin) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->current();
  impl_->user_pin.wipe();
  impl_->do_login(true, old_pin);
  ERR_clear_error();
  if (PKCS11_change_pin(impl_->slot, old_pin.c_str(), new_pin.c_str()) != 0)
    impl_->pin_error(detail::take_libp11_error(), true, tr_noop("change the SO PIN"));
}

void Token::login_so(const Secret& so_pin) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->current();
  impl_->user_pin.wipe();
  impl_->do_login(true, so_pin);
}

void Token::login_user(const Secret& user_pin) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->current();
  impl_->user_pin.wipe();
  impl_->do_login(false, user_pin);
  impl_->user_pin = Secret(std::string(user_pin.reveal()));
}

void Token::logout() {
  std::lock_guard lock(impl_->module->mutex());
  impl_->user_pin.wipe();
  if (impl_->slot && impl_->generation == impl_->module->generation())
    impl_->do_logout();
  else
    impl_->login = Impl::Login::none;   // a re-enumeration already logged us out
}

void Token::init_user_pin(const Secret& user_pin) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::so, tr_noop("set the user PIN"));
  ERR_clear_error();
  if (PKCS11_init_pin(impl_->token(), user_pin.c_str()) != 0)
    impl_->pin_error(detail::take_libp11_error(), false, tr_noop("set the user PIN"));
}

void Token::generate_key(KeyAlgorithm alg, const Bytes& id, const std::string& label) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("generate a key pair"));
  CK_FUNCTION_LIST_PTR f = raw(*impl_->module);
  RawSession session(f, impl_->slot_id());
  auto fail = [&](CK_RV rv) {
    std::string what;
    if (rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT)
      what = msg(tr("Key-pair generation failed on token {}: the token was removed; insert it again and repeat the step."), impl_->serial);
    else if (rv == CKR_DEVICE_MEMORY)
      what = msg(tr("Key-pair generation failed on token {}: the token is full; remove old keys or use another token."), impl_->serial);
    else
      what = msg(tr("Key-pair generation failed on token {}: repeat the step; if it fails again, use another token."), impl_->serial);
    throw TokenError(codes::keygen_failed, with_detail(what, detail::ckr_name(rv)), rv);
  };
  if (session.rv() != CKR_OK) fail(session.rv());

  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  CK_ULONG bits = 2048;
  CK_BYTE exponent[] = {0x01, 0x00, 0x01};
  auto* id_ptr = const_cast<std::uint8_t*>(id.data());
  auto* label_ptr = const_cast<char*>(label.data());
  std::vector<CK_ATTRIBUTE> pub = {
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_VERIFY, &yes, sizeof yes},
      {CKA_ENCRYPT, &no, sizeof no},   // a signing key only
      {CKA_WRAP, &no, sizeof no},
      {CKA_ID, id_ptr, id.size()},
      {CKA_LABEL, label_ptr, label.size()},
  };
  std::vector<CK_ATTRIBUTE> priv = {
      {CKA_TOKEN, &yes, sizeof yes},       {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes},   {CKA_SIGN, &yes, sizeof yes},
      {CKA_EXTRACTABLE, &no, sizeof no},   {CKA_DECRYPT, &no, sizeof no},
      {CKA_UNWRAP, &no, sizeof no},        {CKA_ID, id_ptr, id.size()},
      {CKA_LABEL, label_ptr, label.size()},
  };
  CK_MECHANISM mech{};
  if (alg == KeyAlgorithm::ec_p256) {
    mech.mechanism = CKM_EC_KEY_PAIR_GEN;
    pub.push_back({CKA_EC_PARAMS, p256, sizeof p256});
  } else {
    mech.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
    pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
    pub.push_back({CKA_PUBLIC_EXPONENT, exponent, sizeof exponent});
  }
  CK_OBJECT_HANDLE hpub = 0, hpriv = 0;
  CK_RV rv = f->C_GenerateKeyPair(session.handle(), &mech, pub.data(), pub.size(), priv.data(), priv.size(), &hpub,
                                  &hpriv);
  if (rv != CKR_OK) fail(rv);
}

Bytes Token::make_csr(const Bytes& id, const Subject& subject) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("make a certificate request"));
  EvpPkeyPtr pub = impl_->public_pkey(id);
  EvpPkeyPtr priv = impl_->private_pkey(id);
  X509ReqPtr req(X509_REQ_new());
  if (!req) throw CryptoError(tr("Out of memory building the certificate request; close other programs and try again."));
  X509NamePtr name = make_name(subject);
  if (X509_REQ_set_version(req.get(), 0) != 1 || X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), pub.get()) != 1)
    throw CryptoError(tr("The certificate request cannot be filled in; check the customer's details and try again."));
  if (X509_REQ_sign(req.get(), priv.get(), EVP_sha256()) <= 0) {
    std::string queue;
    unsigned long rv = detail::take_libp11_error(&queue);
    if (rv) detail::throw_ckr(rv, tr_noop("sign the certificate request"), impl_->serial);
    throw CryptoError(with_detail(msg(tr("Token {} could not sign the certificate request: repeat the step; if it fails again, use another token."), impl_->serial), queue));
  }
  return to_der(req.get());
}

Bytes Token::sign(const Bytes& id, const Bytes& data) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("sign"));
  EvpPkeyPtr priv = impl_->private_pkey(id);
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  size_t len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, priv.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &len, data.data(), data.size()) != 1)
    throw CryptoError(msg(tr("Token {} cannot start a signature with this key; call support."), impl_->serial));
  Bytes sig(len);
  if (EVP_DigestSign(md.get(), sig.data(), &len, data.data(), data.size()) != 1) {
    std::string queue;
    unsigned long rv = detail::take_libp11_error(&queue);
    if (rv) detail::throw_ckr(rv, tr_noop("sign"), impl_->serial);
    throw CryptoError(with_detail(msg(tr("Token {} could not sign: repeat the step; if it fails again, remove the token and insert it again."), impl_->serial), queue));
  }
  sig.resize(len);
  return sig;
}

void Token::with_private_key(const Bytes& id, const std::function<void(EVP_PKEY*)>& use) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("use the private key"));
  EvpPkeyPtr priv = impl_->private_pkey(id);
  use(priv.get());
}

Bytes Token::public_key(const Bytes& id) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->current();
  EvpPkeyPtr pub = impl_->public_pkey(id);
  return der_of<i2d_PUBKEY>(pub.get(), tr_noop("the public key"));
}

void Token::store_certificate(const Bytes& der, const Bytes& id, const std::string& label) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("store the certificate"));
  X509Ptr cert = x509_from_der(der);
  std::string label_copy = label;
  Bytes id_copy = id;
  ERR_clear_error();
  if (PKCS11_store_certificate(impl_->token(), cert.get(), label_copy.data(), id_copy.data(), id_copy.size(),
                               nullptr) != 0)
    detail::throw_ckr(detail::take_libp11_error(), tr_noop("store the certificate"), impl_->serial);
}

std::vector<TokenObject> Token::certificates() {
  std::lock_guard lock(impl_->module->mutex());
  impl_->current();
  PKCS11_CERT* certs = nullptr;
  unsigned n = 0;
  ERR_clear_error();
  if (PKCS11_enumerate_certs(impl_->token(), &certs, &n) != 0)
    detail::throw_ckr(detail::take_libp11_error(), tr_noop("list the certificates"), impl_->serial);
  if (unsigned long rv = detail::take_open_failure()) detail::throw_ckr(rv, tr_noop("list the certificates"), impl_->serial);
  std::vector<TokenObject> out;
  for (unsigned i = 0; i < n; ++i) {
    TokenObject o;
    o.id = hex(certs[i].id, certs[i].id_len);
    o.label = certs[i].label ? certs[i].label : "";
    if (certs[i].x509) o.der = to_der(certs[i].x509);
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<TokenObject> Token::private_keys() {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("list the private keys"));
  auto [k, n] = impl_->keys(true);
  std::vector<TokenObject> out;
  for (unsigned i = 0; i < n; ++i) out.push_back({hex(k[i].id, k[i].id_len), k[i].label ? k[i].label : "", {}});
  return out;
}

void Token::remove_key_pair(const Bytes& id) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("remove the key pair"));
  // Remove everything matching from one enumeration each, then wipe libp11's cache.
  for (bool is_private : {true, false}) {
    auto [k, n] = impl_->keys(is_private);
    for (unsigned i = 0; i < n; ++i) {
      if (!same_id(k[i], id)) continue;
      ERR_clear_error();
      if (PKCS11_remove_key(&k[i]) != 0) {
        unsigned long rv = detail::take_libp11_error();
        if (rv != CKR_OBJECT_HANDLE_INVALID) detail::throw_ckr(rv, tr_noop("remove the key pair"), impl_->serial);
      }
    }
  }
  impl_->refresh_after_removal();
}

void Token::remove_certificate(const Bytes& id) {
  std::lock_guard lock(impl_->module->mutex());
  impl_->require(Impl::Login::user, tr_noop("remove the certificate"));
  PKCS11_CERT* certs = nullptr;
  unsigned n = 0;
  ERR_clear_error();
  if (PKCS11_enumerate_certs(impl_->token(), &certs, &n) != 0)
    detail::throw_ckr(detail::take_libp11_error(), tr_noop("list the certificates"), impl_->serial);
  if (unsigned long rv = detail::take_open_failure()) detail::throw_ckr(rv, tr_noop("list the certificates"), impl_->serial);
  for (unsigned i = 0; i < n; ++i) {
    if (!same_id(certs[i], id)) continue;
    ERR_clear_error();
    if (PKCS11_remove_certificate(&certs[i]) != 0) {
      unsigned long rv = detail::take_libp11_error();
      if (rv != CKR_OBJECT_HANDLE_INVALID) detail::throw_ckr(rv, tr_noop("remove the certificate"), impl_->serial);
    }
  }
  impl_->refresh_after_removal();
}

}  // namespace certdesk::pki
