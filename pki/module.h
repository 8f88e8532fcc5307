#pragma once
// A loaded PKCS#11 module: libp11's PKCS11_CTX plus the module's raw function list
// (for C_GetTokenInfo's live flags and EC key generation, which libp11 0.4.12 lacks).
// One Module per module path per process, shared (shared_ptr) by every Token
// and the CA, because C_Initialize/C_Finalize are process-wide.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct PKCS11_ctx_st;
struct PKCS11_slot_st;

namespace certdesk::pki {

class TokenLock;

// A Module's lock: one thread of this process at a time (recursive), and,
// once softhsm::use_store named the store, one process at a time too (the
// store's TokenLock, token_lock.h). lock() may wait for another process and
// throws TokenError when it waited too long. BasicLockable: std::lock_guard.
class ModuleMutex {
 public:
  void lock();
  void unlock() noexcept;

 private:
  friend class Module;
  std::recursive_mutex threads_;
  std::shared_ptr<TokenLock> store_;   // null: no store named
};

// A token as the slot list shows it (live flags read with C_GetTokenInfo).
struct TokenInfo {
  std::string serial;            // trimmed
  std::string label;
  std::string manufacturer;
  std::string model;
  std::string vendor;            // from the serial prefix (vendor_for_serial)
  bool initialized = false;      // CKF_TOKEN_INITIALIZED
  bool user_pin_initialized = false;
  bool pin_count_low = false;    // CKF_USER_PIN_COUNT_LOW
  bool pin_final_try = false;    // CKF_USER_PIN_FINAL_TRY
  bool pin_locked = false;       // CKF_USER_PIN_LOCKED
  unsigned long min_pin = 4, max_pin = 255;
  unsigned long slot_id = 0;     // valid in this process only; never store it
};

// 11 捷德 (G&D), 21 握奇 (Watchdata), 31 华大 (Huada), 41 大明 (Daming) by the
// first two digits of the serial; otherwise the PKCS#11 manufacturer ID.
std::string vendor_for_serial(const std::string& serial, const std::string& manufacturer);

class Module {
 public:
  // Loads the module (dlopen + C_Initialize through libp11) while holding the
  // TokenLock of the store softhsm::use_store named, which its mutex() takes
  // from then on (waits while another process is inside the store). Throws TokenError
  // (module_unavailable) naming the path and what to do when it is missing,
  // not a PKCS#11 library, or fails to initialise (e.g. SoftHSM2's token
  // directory missing).
  // softhsm::default_module (the embedded default) loads softhsm::embedded_module(),
  // the lock module over SoftHSM2; path() is still the path asked for, library()
  // the file opened. One Module per library file: the customer tokens, the CA and
  // the supervisors' signing tokens of the store share it.
  static std::shared_ptr<Module> load(const std::string& path);
  // The file load(path) opens.
  static std::string library_for(const std::string& path);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& path() const { return path_; }
  const std::string& library() const { return library_; }
  // Every slot with a token present, re-enumerated now (logs out every session of this module).
  std::vector<TokenInfo> tokens();

  // The Module this process already loaded for path, or null (no load).
  static std::shared_ptr<Module> loaded(const std::string& path);

  // The lock file of the store named by softhsm::use_store ("" before any):
  // the one every Module loaded afterwards takes with its mutex (token_lock.h).
  static std::filesystem::path store_lock_file();
  static void set_store_lock_file(const std::filesystem::path& file);

  // Finalises and initialises the module again (C_Finalize + C_Initialize).
  // SoftHSM2 reads its token directory only in C_Initialize, so a token made
  // by another process (softhsm::insert_blank) shows up only after this.
  // Logs out every Token of this module (each finds its slot again by serial
  // on next use). Throws TokenError(module_unavailable) like load().
  void reload();

  // For pki internals. Hold mutex() while using ctx()/slots; every call that
  // re-enumerates bumps generation(), which invalidates PKCS11_SLOT pointers,
  // sessions, logins and key handles taken before.
  PKCS11_ctx_st* ctx() const;        // null after a failed reload
  void* functions() const;           // CK_FUNCTION_LIST_PTR of the module itself (never the guarded copy)
  ModuleMutex& mutex() const { return mutex_; }
  std::uint64_t generation() const { return generation_; }
  // release_all_slots + enumerate_slots (never PKCS11_update_slots: it crashes with >1 slot).
  void enumerate();
  // In the current enumeration (null when absent).
  PKCS11_slot_st* slot_by_serial(const std::string& serial) const;
  PKCS11_slot_st* slot_by_label(const std::string& label) const;
  PKCS11_slot_st* free_slot() const;   // token present, not initialised
  TokenInfo info_for(unsigned long slot_id) const;   // C_GetTokenInfo now

  // libp11 0.4.12 waits forever when C_OpenSession fails (pkcs11_get_session,
  // OpenSC/libp11 #525, fixed only in 0.4.14). load() therefore points
  // libp11's context at a copy of the module's function list whose
  // C_OpenSession, on failure, records the CK_RV for this thread and hands
  // libp11 CK_INVALID_HANDLE: libp11's next call on it fails instead of
  // waiting, and take_libp11_error() reports the recorded CK_RV. True when
  // that guard is in place (it is found by the function list's address in
  // libp11's private context; a libp11 whose layout differs runs unguarded).
  bool open_session_guarded() const;
  // True when a guarded C_OpenSession failed since the last enumerate(): the
  // session pool libp11 keeps per slot then holds an invalid handle, so the
  // next use must re-enumerate (Token does).
  bool session_pool_poisoned() const;

 private:
  Module();
  void open();    // dlopen, C_GetFunctionList, PKCS11_CTX_new/load, the C_OpenSession guard
  void close() noexcept;   // handles_.reset(): slots → CTX_unload → CTX_free → dlclose
  struct Handles;          // module.cpp: the dl handle, the context, its slots, declared in teardown order
  // Declared first: outlives the handles, whose teardown (C_Finalize) runs under it.
  mutable ModuleMutex mutex_;
  std::string path_;
  std::string library_;
  std::unique_ptr<Handles> handles_;
  std::uint64_t generation_ = 0;
};

}  // namespace certdesk::pki
