#include "pki/module.h"

#include <dlfcn.h>
#include <libp11.h>
#include <openssl/err.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <utility>

#include "common/handle.h"

#include "common/error.h"
#include "common/i18n.h"
#include "pki/p11_detail.h"
#include "pki/softhsm.h"
#include "pki/token_lock.h"

namespace certdesk::pki {

namespace detail {

std::string ckr_name(unsigned long rv) {
  static const std::map<unsigned long, const char*> names = {
      {CKR_OK, "CKR_OK"},
      {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
      {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
      {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
      {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
      {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
      {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
      {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
      {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
      {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
      {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
      {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
      {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
      {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
      {CKR_PIN_INVALID, "CKR_PIN_INVALID"},
      {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
      {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
      {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
      {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
      {CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS"},
      {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
      {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
      {CKR_SESSION_READ_ONLY_EXISTS, "CKR_SESSION_READ_ONLY_EXISTS"},
      {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
      {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
      {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
      {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
      {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
      {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
      {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
      {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
      {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
      {CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"},
      {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
      {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
  };
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%lx", rv);
  auto it = names.find(rv);
  return it == names.end() ? std::string("CK_RV ") + hex : std::string(it->second) + " (" + hex + ")";
}

unsigned long take_libp11_error(std::string* detail) {
  // A guarded C_OpenSession that failed is the cause; what libp11 did with
  // the invalid handle afterwards is noise.
  unsigned long rv = take_open_failure();
  const bool from_open = rv != 0;
  unsigned long e;
  char buf[256];
  const int ckr_lib = ERR_get_CKR_code();
  // libp11 records the module's CK_RV as its own library code; the useful one is the last.
  while ((e = ERR_get_error()) != 0) {
    if (ERR_GET_LIB(e) == ckr_lib && !from_open) rv = ERR_GET_REASON(e);
    if (detail) {
      ERR_error_string_n(e, buf, sizeof buf);
      if (!detail->empty()) *detail += "; ";
      *detail += buf;
    }
  }
  return rv;
}

void throw_ckr(unsigned long rv, const std::string& action_msgid, const std::string& serial, const char* fallback_code) {
  const std::string action = tr(action_msgid.c_str());
  const std::string token = serial.empty() ? std::string(tr("the token")) : msg(tr("the token {}"), serial);
  switch (rv) {
    case CKR_PIN_INCORRECT:
      throw TokenError(codes::wrong_pin, tr("wrong PIN: ask the customer to type it again"), rv);
    case CKR_PIN_LOCKED:
      throw TokenError(codes::pin_locked,
                       msg(tr("the PIN of {} is locked: the customer needs an on-site unlock with the documents"), token),
                       rv);
    case CKR_PIN_LEN_RANGE:
    case CKR_PIN_INVALID:
      throw TokenError(codes::pin_length, tr("the PIN has the wrong length or characters: choose another PIN"), rv);
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
      throw TokenError(codes::token_removed,
                       msg(tr("{} was removed while trying to {}: insert it again and repeat the step"), token, action), rv);
    case CKR_USER_NOT_LOGGED_IN:
      throw TokenError(codes::token_error, msg(tr("cannot {} on {}: log in to the token first"), action, token), rv);
    default:
      break;
  }
  // libp11 does not always leave a CK_RV behind (it failed before or after the module call).
  throw TokenError(fallback_code ? fallback_code : codes::token_error,
                   rv == CKR_OK ? msg(tr("cannot {} on {}: the token did not answer as expected; remove it, insert it again and repeat the step"),
                                     action, token)
                                 : with_detail(msg(tr("cannot {} on {}: repeat the step; if it fails again, remove the token, insert it again and retry"),
                                                   action, token),
                                               ckr_name(rv)),
                   rv);
}

std::string field(const unsigned char* p, size_t n) {
  std::string s(reinterpret_cast<const char*>(p), n);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  // Leading blanks too: the demo store keeps serials right-justified (softhsm.cpp).
  size_t first = s.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first);
}

}  // namespace detail

namespace {

std::mutex registry_mutex;
std::map<std::string, std::weak_ptr<Module>>& registry() {
  static std::map<std::string, std::weak_ptr<Module>> r;
  return r;
}

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  return detail::field(reinterpret_cast<const unsigned char*>(out.data()), out.size());
}

// reason is translated; detail is the library's own words (dlerror, a CKR_ name), kept as the technical detail.
[[noreturn]] void unavailable(const std::string& path, const std::string& reason, const std::string& detail = {},
                              unsigned long rv = 0) {
  throw TokenError(codes::module_unavailable,
                   with_detail(msg(tr("The token module {} cannot be loaded: {}; check the token module setting."), path, reason),
                               detail),
                   rv);
}

}  // namespace

std::string vendor_for_serial(const std::string& serial, const std::string& manufacturer) {
  const std::string prefix = serial.substr(0, 2);
  if (prefix == "11") return "捷德";
  if (prefix == "21") return "握奇";
  if (prefix == "31") return "华大";
  if (prefix == "41") return "大明";
  return manufacturer;
}

std::string Module::library_for(const std::string& path) {
  return path == softhsm::default_module ? softhsm::embedded_module() : path;
}

std::shared_ptr<Module> Module::loaded(const std::string& path) {
  const std::string library = library_for(path);
  std::lock_guard lock(registry_mutex);
  auto it = registry().find(library);
  return it == registry().end() ? nullptr : it->second.lock();
}

namespace {
std::filesystem::path& current_store_lock() {
  static std::filesystem::path p;
  return p;
}
}  // namespace

std::filesystem::path Module::store_lock_file() {
  std::lock_guard lock(registry_mutex);
  return current_store_lock();
}

void Module::set_store_lock_file(const std::filesystem::path& file) {
  std::lock_guard lock(registry_mutex);
  current_store_lock() = file.empty() ? file : std::filesystem::absolute(file).lexically_normal();
}

std::shared_ptr<Module> Module::load(const std::string& path) {
  // One libp11 context per library file: SoftHSM2 asked for by its own path and
  // through the lock module that fronts it would be two contexts on one SoftHSM2,
  // and each closes the other's sessions (C_CloseAllSessions on every slot) when
  // it enumerates or finalises — the CA's CKR_SESSION_HANDLE_INVALID of issue 14.10.
  const std::string library = library_for(path);
  std::lock_guard lock(registry_mutex);
  if (auto it = registry().find(library); it != registry().end())
    if (auto alive = it->second.lock()) return alive;
  std::shared_ptr<Module> m(new Module);
  m->path_ = path;
  m->library_ = library;
  if (!current_store_lock().empty()) m->mutex_.store_ = TokenLock::open(current_store_lock());
  {
    std::lock_guard inside(m->mutex_);   // C_Initialize reads the store
    m->open();
  }
  registry()[library] = m;
  return m;
}

// ---- the C_OpenSession guard ---------------------------------------------------
// One trampoline per guarded module (a C function pointer carries no context),
// so a process can guard a few modules at once (the embedded store and a reader).
namespace {

constexpr std::size_t kGuardSlots = 8;

struct GuardSlot {
  std::atomic<CK_FUNCTION_LIST_PTR> real{nullptr};
  std::atomic<std::uint64_t> failures{0};
};
GuardSlot guard_slots[kGuardSlots];
std::mutex guard_mutex;   // allocating and freeing slots
thread_local CK_RV pending_open_failure = CKR_OK;

template <std::size_t N>
CK_RV guarded_open_session(CK_SLOT_ID slot, CK_FLAGS flags, void* app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR out) {
  CK_FUNCTION_LIST_PTR real = guard_slots[N].real.load();
  CK_RV rv = real ? real->C_OpenSession(slot, flags, app, notify, out) : CKR_CRYPTOKI_NOT_INITIALIZED;
  if (rv == CKR_OK) return rv;
  pending_open_failure = rv;
  guard_slots[N].failures.fetch_add(1);
  if (out) *out = CK_INVALID_HANDLE;
  return CKR_OK;
}

template <std::size_t... I>
constexpr std::array<CK_C_OpenSession, sizeof...(I)> make_trampolines(std::index_sequence<I...>) {
  return {&guarded_open_session<I>...};
}
constexpr auto trampolines = make_trampolines(std::make_index_sequence<kGuardSlots>{});

}  // namespace

namespace detail {
unsigned long take_open_failure() { return std::exchange(pending_open_failure, CKR_OK); }
}  // namespace detail

// Everything C the module owns. Members are destroyed bottom-up, which is the
// teardown order libp11 needs (examples/auth.c): slots → CTX_unload → CTX_free
// → dlclose, and the guard slot after the last call into the module.
namespace {
struct ReleaseSlots {   // the slot array is released with its context and its count
  PKCS11_CTX* ctx = nullptr;
  unsigned count = 0;
  void operator()(PKCS11_SLOT* slots) const noexcept { PKCS11_release_all_slots(ctx, slots, count); }
};
struct FreeGuardSlot {
  void operator()(GuardSlot* g) const noexcept {
    std::lock_guard lock(guard_mutex);
    g->real.store(nullptr);
  }
};
}  // namespace

struct Module::Handles {

  std::unique_ptr<void, CFree<dlclose>> dl;
  CK_FUNCTION_LIST_PTR functions = nullptr;   // the module's own list, inside dl
  std::unique_ptr<GuardSlot, FreeGuardSlot> guard;
  CK_FUNCTION_LIST guarded{};                 // functions with C_OpenSession through the guard
  std::uint64_t failures_seen = 0;
  std::unique_ptr<PKCS11_CTX, CFree<PKCS11_CTX_free>> ctx;
  std::unique_ptr<PKCS11_CTX, CFree<PKCS11_CTX_unload>> loaded;   // the same context, once PKCS11_CTX_load succeeded
  std::unique_ptr<PKCS11_SLOT, ReleaseSlots> slots;

  unsigned slot_count() const { return slots.get_deleter().count; }
  void release_slots() noexcept { slots.reset(); }

  // libp11 keeps the module's function list as a pointer in its private
  // context; point it at the guarded copy. Found by value: the private
  // layout is libp11's, so only a word that equals the list's address is
  // replaced, and nothing when none does.
  // libp11 0.4.12 keeps `method` first in PKCS11_CTX_private; older layouts
  // had it third. Never read further than that into a struct we do not own.
  static constexpr std::size_t kScannedWords = 3;

  void install_guard() {
    std::lock_guard lock(guard_mutex);
    std::size_t i = 0;
    while (i < kGuardSlots && guard_slots[i].real.load()) ++i;
    if (i == kGuardSlots || !ctx || !ctx->_private) return;
    auto** words = static_cast<CK_FUNCTION_LIST_PTR*>(ctx->_private);
    for (std::size_t w = 0; w < kScannedWords; ++w) {
      if (words[w] != functions) continue;
      guarded = *functions;
      guarded.C_OpenSession = trampolines[i];
      guard_slots[i].real.store(functions);
      failures_seen = guard_slots[i].failures.load();
      guard.reset(&guard_slots[i]);
      words[w] = &guarded;
      return;
    }
  }
};

void ModuleMutex::lock() {
  threads_.lock();
  if (!store_) return;
  try {
    store_->lock();
  } catch (...) {
    threads_.unlock();
    throw;
  }
}

void ModuleMutex::unlock() noexcept {
  if (store_) store_->unlock();
  threads_.unlock();
}

Module::Module() = default;

Module::~Module() {
  // C_Finalize under the store's lock when it can be had; a destructor does not wait forever or throw.
  bool inside = false;
  try {
    mutex_.lock();
    inside = true;
  } catch (...) {
  }
  close();
  if (inside) mutex_.unlock();
}

PKCS11_ctx_st* Module::ctx() const { return handles_ ? handles_->ctx.get() : nullptr; }
void* Module::functions() const { return handles_ ? handles_->functions : nullptr; }
bool Module::open_session_guarded() const { return handles_ && handles_->guard; }
bool Module::session_pool_poisoned() const {
  return handles_ && handles_->guard && handles_->guard->failures.load() != handles_->failures_seen;
}

void Module::open() {
  std::error_code ec;
  const std::string& lib = library_;   // what is opened; path() stays the path asked for
  if (!std::filesystem::exists(lib, ec)) unavailable(lib, tr("the file does not exist"));
  if (!std::filesystem::is_regular_file(lib, ec)) unavailable(lib, tr("it is not a file"));
  auto h = std::make_unique<Handles>();
  dlerror();
  h->dl.reset(dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!h->dl) {
    const char* why = dlerror();
    unavailable(lib, tr("it is not a loadable library"), why ? why : "dlopen failed");
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(h->dl.get(), "C_GetFunctionList"));
  if (!get_list) unavailable(lib, tr("it is not a PKCS#11 library"), "no C_GetFunctionList");
  CK_FUNCTION_LIST_PTR list = nullptr;
  if (CK_RV rv = get_list(&list); rv != CKR_OK || !list)
    unavailable(lib, tr("it does not start"), "C_GetFunctionList: " + detail::ckr_name(rv), rv);
  h->functions = list;
  h->ctx.reset(PKCS11_CTX_new());
  if (!h->ctx) unavailable(lib, tr("out of memory; close other programs and try again"));
  ERR_clear_error();
  if (PKCS11_CTX_load(h->ctx.get(), lib.c_str()) != 0) {
    std::string queue;
    unsigned long rv = detail::take_libp11_error(&queue);
    std::string reason = tr("it does not initialise");
    const std::string why = rv ? "C_Initialize: " + detail::ckr_name(rv) : queue;
    if (lib.find("softhsm") != std::string::npos || lib != path_) {
      const char* conf = std::getenv("SOFTHSM2_CONF");
      reason = msg(tr("it does not initialise; SoftHSM2 reads {}: its token directory must exist"),
                   conf ? conf : "/etc/softhsm/softhsm2.conf");
    }
    unavailable(lib, reason, why, rv);
  }
  h->loaded.reset(h->ctx.get());
  h->slots = std::unique_ptr<PKCS11_SLOT, ReleaseSlots>(nullptr, ReleaseSlots{h->ctx.get(), 0});
  h->install_guard();
  handles_ = std::move(h);
}

void Module::close() noexcept {
  handles_.reset();
  ++generation_;
}

void Module::reload() {
  std::lock_guard lock(mutex_);
  close();
  open();
}

void Module::enumerate() {
  std::lock_guard lock(mutex_);
  if (!handles_) unavailable(path_, tr("it was unloaded"));
  Handles& h = *handles_;
  h.release_slots();
  ++generation_;
  if (h.guard) h.failures_seen = h.guard->failures.load();
  static_cast<void>(detail::take_open_failure());
  PKCS11_SLOT* slots = nullptr;
  unsigned count = 0;
  ERR_clear_error();
  int r = PKCS11_enumerate_slots(h.ctx.get(), &slots, &count);
  h.slots = std::unique_ptr<PKCS11_SLOT, ReleaseSlots>(slots, ReleaseSlots{h.ctx.get(), count});
  if (r != 0) {
    unsigned long rv = detail::take_libp11_error();
    h.release_slots();
    throw TokenError(codes::module_unavailable,
                     with_detail(msg(tr("The token module {} cannot list its readers: check the token module setting and the reader."), path_),
                                 detail::ckr_name(rv)),
                     rv);
  }
}

namespace {
// The slots of the current enumeration for which keep(slot) holds; the first, or null.
template <class Keep>
PKCS11_SLOT* first_slot(PKCS11_SLOT* slots, unsigned count, Keep keep) {
  for (unsigned i = 0; i < count; ++i)
    if (slots[i].token && keep(slots[i])) return &slots[i];
  return nullptr;
}
}  // namespace

PKCS11_slot_st* Module::slot_by_serial(const std::string& serial) const {
  if (!handles_) return nullptr;
  return first_slot(handles_->slots.get(), handles_->slot_count(), [&](const PKCS11_SLOT& s) {
    return s.token->initialized && trimmed(s.token->serialnr) == serial;
  });
}

PKCS11_slot_st* Module::slot_by_label(const std::string& label) const {
  if (!handles_) return nullptr;
  return first_slot(handles_->slots.get(), handles_->slot_count(), [&](const PKCS11_SLOT& s) {
    return s.token->initialized && trimmed(s.token->label) == label;
  });
}

PKCS11_slot_st* Module::free_slot() const {
  if (!handles_) return nullptr;
  return first_slot(handles_->slots.get(), handles_->slot_count(),
                    [](const PKCS11_SLOT& s) { return !s.token->initialized; });
}

TokenInfo Module::info_for(unsigned long slot_id) const {
  CK_TOKEN_INFO ti{};
  CK_RV rv = detail::raw(*this)->C_GetTokenInfo(slot_id, &ti);
  if (rv != CKR_OK) detail::throw_ckr(rv, tr_noop("read the token information"), "");
  TokenInfo info;
  info.serial = detail::field(ti.serialNumber, sizeof ti.serialNumber);
  info.label = detail::field(ti.label, sizeof ti.label);
  info.manufacturer = detail::field(ti.manufacturerID, sizeof ti.manufacturerID);
  info.model = detail::field(ti.model, sizeof ti.model);
  info.vendor = vendor_for_serial(info.serial, info.manufacturer);
  info.initialized = ti.flags & CKF_TOKEN_INITIALIZED;
  info.user_pin_initialized = ti.flags & CKF_USER_PIN_INITIALIZED;
  info.pin_count_low = ti.flags & CKF_USER_PIN_COUNT_LOW;
  info.pin_final_try = ti.flags & CKF_USER_PIN_FINAL_TRY;
  info.pin_locked = ti.flags & CKF_USER_PIN_LOCKED;
  info.min_pin = ti.ulMinPinLen;
  info.max_pin = ti.ulMaxPinLen;
  info.slot_id = slot_id;
  return info;
}

std::vector<TokenInfo> Module::tokens() {
  std::lock_guard lock(mutex_);
  enumerate();
  std::vector<TokenInfo> out;
  PKCS11_SLOT* slots = handles_->slots.get();
  for (unsigned i = 0; i < handles_->slot_count(); ++i) {
    if (!slots[i].token) continue;
    out.push_back(info_for(PKCS11_get_slotid_from_slot(&slots[i])));
  }
  return out;
}

}  // namespace certdesk::pki
