#include "pki/module.h"

#include <dlfcn.h>
#include <libp11.h>
#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/error.h"
#include "pki/p11_detail.h"

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
  unsigned long rv = 0;
  unsigned long e;
  char buf[256];
  const int ckr_lib = ERR_get_CKR_code();
  // libp11 records the module's CK_RV as its own library code; the useful one is the last.
  while ((e = ERR_get_error()) != 0) {
    if (ERR_GET_LIB(e) == ckr_lib) rv = ERR_GET_REASON(e);
    if (detail) {
      ERR_error_string_n(e, buf, sizeof buf);
      if (!detail->empty()) *detail += "; ";
      *detail += buf;
    }
  }
  return rv;
}

void throw_ckr(unsigned long rv, const std::string& action, const std::string& serial, const char* fallback_code) {
  const std::string token = serial.empty() ? "the token" : "the token " + serial;
  switch (rv) {
    case CKR_PIN_INCORRECT:
      throw TokenError(codes::wrong_pin, "wrong PIN: ask the customer to type it again", rv);
    case CKR_PIN_LOCKED:
      throw TokenError(codes::pin_locked,
                       "the PIN of " + token + " is locked: the customer needs an on-site unlock with the documents",
                       rv);
    case CKR_PIN_LEN_RANGE:
    case CKR_PIN_INVALID:
      throw TokenError(codes::pin_length, "the PIN has the wrong length or characters: choose another PIN", rv);
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
      throw TokenError(codes::token_removed,
                       token + " was removed while trying to " + action + ": insert it again and repeat the step", rv);
    case CKR_USER_NOT_LOGGED_IN:
      throw TokenError(codes::token_error, "cannot " + action + " on " + token + ": log in to the token first", rv);
    default:
      break;
  }
  // libp11 does not always leave a CK_RV behind (it failed before or after the module call).
  throw TokenError(fallback_code ? fallback_code : codes::token_error,
                   "cannot " + action + " on " + token +
                       (rv == CKR_OK ? std::string(": the token did not answer as expected; remove it, insert it again and repeat the step")
                                     : ": the module reports " + ckr_name(rv)),
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

[[noreturn]] void unavailable(const std::string& path, const std::string& reason, unsigned long rv = 0) {
  throw TokenError(codes::module_unavailable,
                   "the PKCS#11 module " + path + " cannot be loaded: " + reason + "; check the token module setting",
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

std::shared_ptr<Module> Module::loaded(const std::string& path) {
  std::lock_guard lock(registry_mutex);
  auto it = registry().find(path);
  return it == registry().end() ? nullptr : it->second.lock();
}

std::shared_ptr<Module> Module::load(const std::string& path) {
  std::lock_guard lock(registry_mutex);
  if (auto it = registry().find(path); it != registry().end())
    if (auto alive = it->second.lock()) return alive;
  std::shared_ptr<Module> m(new Module);
  m->path_ = path;
  m->open();
  registry()[path] = m;
  return m;
}

void Module::open() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) unavailable(path_, "the file does not exist");
  if (!std::filesystem::is_regular_file(path_, ec)) unavailable(path_, "it is not a file");
  dlerror();
  dl_ = dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!dl_) {
    const char* why = dlerror();
    unavailable(path_, std::string("it is not a loadable library (") + (why ? why : "dlopen failed") + ")");
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(dl_, "C_GetFunctionList"));
  if (!get_list) {
    close();
    unavailable(path_, "it is not a PKCS#11 library (no C_GetFunctionList)");
  }
  CK_FUNCTION_LIST_PTR list = nullptr;
  if (CK_RV rv = get_list(&list); rv != CKR_OK || !list) {
    close();
    unavailable(path_, "C_GetFunctionList failed with " + detail::ckr_name(rv), rv);
  }
  functions_ = list;
  ctx_ = PKCS11_CTX_new();
  if (!ctx_) {
    close();
    unavailable(path_, "out of memory");
  }
  ERR_clear_error();
  if (PKCS11_CTX_load(ctx_, path_.c_str()) != 0) {
    std::string queue;
    unsigned long rv = detail::take_libp11_error(&queue);
    close();
    std::string reason = rv ? "C_Initialize failed with " + detail::ckr_name(rv)
                            : "it does not initialise (" + (queue.empty() ? std::string("no detail") : queue) + ")";
    if (path_.find("softhsm") != std::string::npos) {
      const char* conf = std::getenv("SOFTHSM2_CONF");
      reason += std::string("; SoftHSM2 reads ") + (conf ? conf : "/etc/softhsm/softhsm2.conf") +
                ": its token directory must exist";
    }
    unavailable(path_, reason, rv);
  }
  ctx_loaded_ = true;
}

void Module::close() noexcept {
  if (ctx_ && slots_) PKCS11_release_all_slots(ctx_, slots_, nslots_);
  slots_ = nullptr;
  nslots_ = 0;
  if (ctx_ && ctx_loaded_) PKCS11_CTX_unload(ctx_);
  ctx_loaded_ = false;
  if (ctx_) PKCS11_CTX_free(ctx_);
  ctx_ = nullptr;
  functions_ = nullptr;
  if (dl_) dlclose(dl_);
  dl_ = nullptr;
  ++generation_;
}

Module::~Module() { close(); }

void Module::reload() {
  std::lock_guard lock(mutex_);
  close();
  open();
}

void Module::enumerate() {
  std::lock_guard lock(mutex_);
  if (!ctx_) unavailable(path_, "it was unloaded");
  if (slots_) PKCS11_release_all_slots(ctx_, slots_, nslots_);
  slots_ = nullptr;
  nslots_ = 0;
  ++generation_;
  ERR_clear_error();
  if (PKCS11_enumerate_slots(ctx_, &slots_, &nslots_) != 0) {
    unsigned long rv = detail::take_libp11_error();
    slots_ = nullptr;
    nslots_ = 0;
    throw TokenError(codes::module_unavailable,
                     "the PKCS#11 module " + path_ + " cannot list its slots (" + detail::ckr_name(rv) +
                         "): check the token module setting and the reader",
                     rv);
  }
}

PKCS11_slot_st* Module::slot_by_serial(const std::string& serial) const {
  for (unsigned i = 0; i < nslots_; ++i)
    if (slots_[i].token && slots_[i].token->initialized && trimmed(slots_[i].token->serialnr) == serial)
      return &slots_[i];
  return nullptr;
}

PKCS11_slot_st* Module::slot_by_label(const std::string& label) const {
  for (unsigned i = 0; i < nslots_; ++i)
    if (slots_[i].token && slots_[i].token->initialized && trimmed(slots_[i].token->label) == label)
      return &slots_[i];
  return nullptr;
}

PKCS11_slot_st* Module::free_slot() const {
  for (unsigned i = 0; i < nslots_; ++i)
    if (slots_[i].token && !slots_[i].token->initialized) return &slots_[i];
  return nullptr;
}

TokenInfo Module::info_for(unsigned long slot_id) const {
  CK_TOKEN_INFO ti{};
  CK_RV rv = detail::raw(*this)->C_GetTokenInfo(slot_id, &ti);
  if (rv != CKR_OK) detail::throw_ckr(rv, "read the token information", "");
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
  for (unsigned i = 0; i < nslots_; ++i) {
    if (!slots_[i].token) continue;
    out.push_back(info_for(PKCS11_get_slotid_from_slot(&slots_[i])));
  }
  return out;
}

}  // namespace certdesk::pki
