// libcertdesk-p11lock — the embedded default's PKCS#11 module (pki/p11lock, shipped in
// /usr/lib/certdesk with the .deb). pki::Module::load loads it whenever SoftHSM2's module is
// asked for, so the demo store's keys behave like real USB keys. It forwards every call to a
// real module (SoftHSM2 by default) and adds what SoftHSM2 lacks:
//   * a user-PIN retry counter per token serial, persistent across processes
//     (CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED, CKR_PIN_LOCKED after 10 wrong PINs);
//     an SO C_InitPIN (the counter's PIN unlock) or C_InitToken resets it;
//   * for tests only, when its variables are set: fault injection (the N-th "counted"
//     call fails with a chosen CK_RV) and a trace of the counted calls.
// Environment (read at C_GetFunctionList and again at every C_Initialize):
//   P11WRAP_MODULE        real module (default /usr/lib/softhsm/libsofthsm2.so; read once, at load)
//   P11WRAP_STATE         counter file (default: dirname($SOFTHSM2_CONF)/p11wrap.state)
//   P11WRAP_MAX_TRIES     wrong user PINs before the lock (default 10)
//   P11WRAP_FAIL_AT       1-based number of the counted call to fail (unset/0: never)
//   P11WRAP_FAIL_RV       CK_RV for that failure, 0x… hex or decimal (default 0x32 CKR_DEVICE_REMOVED)
//   P11WRAP_FAIL_PERSIST  1: every counted call after the failed one fails too
//   P11WRAP_TRACE         file to append "<n> <function>" to for every counted call
// Only C_GetFunctionList is exported. Nothing is printed except on misconfiguration.

#include <dlfcn.h>
#include <fcntl.h>
#include <p11-kit/pkcs11.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <chrono>
#include <optional>
#include <string>

namespace {

constexpr const char* default_module = "/usr/lib/softhsm/libsofthsm2.so";
constexpr CK_FLAGS pin_flags = CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED;

struct Config {
  unsigned long fail_at = 0;   // 0: no fault injection
  CK_RV fail_rv = CKR_DEVICE_REMOVED;
  bool fail_persist = false;
  std::string trace;           // empty: no trace
  unsigned long max_tries = 10;
  std::string state;           // empty: counters in memory only
};

std::mutex call_mutex;    // config, call counter, trace
Config config;
unsigned long call_count = 0;
bool failed_once = false;

std::mutex state_mutex;   // the state file (plus flock across processes)
std::map<std::string, unsigned long> memory_state;   // when no state path is known

CK_FUNCTION_LIST* real = nullptr;

void complain(const std::string& what) { std::fprintf(stderr, "p11wrap: %s\n", what.c_str()); }

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// "0x…" hex, otherwise decimal; the whole string must parse.
std::optional<unsigned long> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  const char* p = s.c_str();
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    p += 2;
  }
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(p, &end, base);
  if (errno != 0 || end == p || *end != '\0' || *p == '-') return std::nullopt;
  return v;
}

// Reads the environment into config. False (after saying why) on a malformed value.
bool read_config() {
  Config c;
  bool ok = true;
  auto number = [&](const char* name, unsigned long& out) {
    std::string v = env(name);
    if (v.empty()) return;
    if (auto n = parse_number(v)) {
      out = *n;
    } else {
      complain(std::string(name) + " is not a number: " + v);
      ok = false;
    }
  };
  number("P11WRAP_FAIL_AT", c.fail_at);
  number("P11WRAP_FAIL_RV", c.fail_rv);
  number("P11WRAP_MAX_TRIES", c.max_tries);
  if (c.max_tries == 0) {
    complain("P11WRAP_MAX_TRIES must be at least 1");
    ok = false;
    c.max_tries = 10;
  }
  std::string persist = env("P11WRAP_FAIL_PERSIST");
  c.fail_persist = !persist.empty() && persist != "0";
  c.trace = env("P11WRAP_TRACE");
  c.state = env("P11WRAP_STATE");
  if (c.state.empty()) {
    std::string conf = env("SOFTHSM2_CONF");
    if (!conf.empty()) {
      auto slash = conf.rfind('/');
      c.state = (slash == std::string::npos ? std::string(".") : conf.substr(0, slash == 0 ? 1 : slash)) +
                "/p11wrap.state";
    } else {
      static bool told = false;   // read_config runs under no lock only before any thread can call in
      if (!told) complain("neither P11WRAP_STATE nor SOFTHSM2_CONF is set; PIN counters are kept in memory only");
      told = true;
    }
  }
  std::lock_guard g(call_mutex);
  if (c.fail_at != config.fail_at) failed_once = false;   // a new experiment; the same one stays pulled
  config = c;
  return ok;
}

Config current_config() {
  std::lock_guard g(call_mutex);
  return config;
}

// Counts one counted call; true (rv set) when fault injection makes it fail.
bool inject(const char* name, CK_RV& rv) {
  std::lock_guard g(call_mutex);
  unsigned long n = ++call_count;
  if (!config.trace.empty()) {
    int fd = ::open(config.trace.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
      std::string line = std::to_string(n) + " " + name + "\n";
      ssize_t w = ::write(fd, line.data(), line.size());
      (void)w;
      ::close(fd);
    }
  }
  if (config.fail_at != 0 && (n == config.fail_at || (config.fail_persist && failed_once))) {
    failed_once = true;
    rv = config.fail_rv;
    return true;
  }
  return false;
}

// After a persistent "removed" fault the token reads as absent, as a pulled key
// in a real reader does: C_GetSlotInfo clears CKF_TOKEN_PRESENT and
// C_GetTokenInfo answers CKR_TOKEN_NOT_PRESENT.
bool pulled() {
  std::lock_guard g(call_mutex);
  return failed_once && config.fail_persist && (config.fail_rv == CKR_DEVICE_REMOVED || config.fail_rv == CKR_TOKEN_NOT_PRESENT);
}

// ---- the state file: "serial count" lines ------------------------------------------------

std::string trim_serial(const unsigned char (&s)[16]) {
  std::string out(reinterpret_cast<const char*>(s), sizeof s);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\0')) out.pop_back();
  return out;
}

std::map<std::string, unsigned long> load_state(const std::string& path) {
  if (path.empty()) return memory_state;
  std::map<std::string, unsigned long> m;
  FILE* f = std::fopen(path.c_str(), "re");
  if (!f) return m;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    auto sp = line.rfind(' ');
    if (sp == std::string::npos || sp == 0) continue;
    if (auto n = parse_number(line.substr(sp + 1))) m[line.substr(0, sp)] = *n;
  }
  std::fclose(f);
  return m;
}

bool write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t w = ::write(fd, s.data() + off, s.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += static_cast<size_t>(w);
  }
  return true;
}

// Writes the whole map: temp file, fsync, rename over the old one, fsync the folder.
void save_state(const std::string& path, const std::map<std::string, unsigned long>& m) {
  if (path.empty()) {
    memory_state = m;
    return;
  }
  std::string text;
  for (const auto& [serial, count] : m)
    if (count != 0) text += serial + " " + std::to_string(count) + "\n";
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    complain("cannot write " + tmp + ": " + std::strerror(errno));
    return;
  }
  bool ok = write_all(fd, text) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    complain("cannot replace " + path + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return;
  }
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

// Exclusive flock on "<state>.lock" (the state file itself is replaced by rename).
class FileLock {
 public:
  explicit FileLock(const std::string& state) {
    if (state.empty()) return;
    fd_ = ::open((state + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0)
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);   // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

std::optional<std::string> serial_of_slot(CK_SLOT_ID slot) {
  CK_TOKEN_INFO ti{};
  if (real->C_GetTokenInfo(slot, &ti) != CKR_OK) return std::nullopt;
  return trim_serial(ti.serialNumber);
}

std::optional<CK_SESSION_INFO> session_info(CK_SESSION_HANDLE h) {
  CK_SESSION_INFO si{};
  if (real->C_GetSessionInfo(h, &si) != CKR_OK) return std::nullopt;
  return si;
}

// SoftHSM2 used by several processes at once sometimes fails a lookup for a
// moment; a few tries keep a wrong PIN from going uncounted.
std::optional<std::string> serial_of_session(CK_SESSION_HANDLE h) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (auto si = session_info(h))
      if (auto serial = serial_of_slot(si->slotID)) return serial;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

void reset_count(const std::string& serial) {
  Config c = current_config();
  std::lock_guard g(state_mutex);
  FileLock lock(c.state);
  auto m = load_state(c.state);
  if (m.erase(serial)) save_state(c.state, m);
}

// Runs a user-PIN check (login, set PIN) under the lock: refuses it when locked,
// counts CKR_PIN_INCORRECT, resets on success.
template <typename F>
CK_RV pin_check(const std::string& serial, F&& forward) {
  Config c = current_config();
  std::lock_guard g(state_mutex);
  FileLock lock(c.state);
  auto m = load_state(c.state);
  unsigned long count = m.count(serial) ? m[serial] : 0;
  if (count >= c.max_tries) return CKR_PIN_LOCKED;
  CK_RV rv = forward();
  if (rv == CKR_PIN_INCORRECT) {
    m[serial] = count + 1;
    save_state(c.state, m);
  } else if (rv == CKR_OK && count != 0) {
    m.erase(serial);
    save_state(c.state, m);
  }
  return rv;
}

// ---- forwarding --------------------------------------------------------------------------

template <size_t N>
struct Name {
  constexpr Name(const char (&s)[N]) { std::copy_n(s, N, text); }
  char text[N];
};

template <typename T>
struct Fwd;
template <typename... A>
struct Fwd<CK_RV (*)(A...)> {
  template <auto Member>
  static CK_RV plain(A... a) {
    return (real->*Member)(a...);
  }
  template <auto Member, Name N>
  static CK_RV counted(A... a) {
    CK_RV rv;
    if (inject(N.text, rv)) return rv;
    return (real->*Member)(a...);
  }
};

#define PLAIN(f) .f = Fwd<CK_##f>::plain<&CK_FUNCTION_LIST::f>
#define COUNTED(f) .f = Fwd<CK_##f>::counted<&CK_FUNCTION_LIST::f, Name{#f}>

CK_RV w_Initialize(void* args) {
  if (!read_config()) return CKR_GENERAL_ERROR;
  return real->C_Initialize(args);
}

CK_RV w_GetFunctionList(CK_FUNCTION_LIST** list);

CK_RV w_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO* info) {
  CK_RV rv = real->C_GetSlotInfo(slot, info);
  if (rv == CKR_OK && info && pulled()) info->flags &= ~static_cast<CK_FLAGS>(CKF_TOKEN_PRESENT);
  return rv;
}

CK_RV w_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO* info) {
  if (pulled()) return CKR_TOKEN_NOT_PRESENT;
  CK_RV rv = real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK || !info) return rv;
  Config c = current_config();
  unsigned long count = 0;
  {
    std::lock_guard g(state_mutex);
    auto m = load_state(c.state);
    auto it = m.find(trim_serial(info->serialNumber));
    if (it != m.end()) count = it->second;
  }
  info->flags &= ~pin_flags;
  if (count != 0) {
    unsigned long remaining = count >= c.max_tries ? 0 : c.max_tries - count;
    if (remaining <= 3) info->flags |= CKF_USER_PIN_COUNT_LOW;
    if (remaining == 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
    if (remaining == 0) info->flags |= CKF_USER_PIN_LOCKED;
  }
  return rv;
}

CK_RV w_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR* pin, CK_ULONG len, CK_UTF8CHAR* label) {
  CK_RV rv;
  if (inject("C_InitToken", rv)) return rv;
  auto before = serial_of_slot(slot);
  rv = real->C_InitToken(slot, pin, len, label);
  if (rv == CKR_OK) {
    if (before) reset_count(*before);
    auto after = serial_of_slot(slot);
    if (after && after != before) reset_count(*after);
  }
  return rv;
}

CK_RV w_InitPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR* pin, CK_ULONG len) {
  CK_RV rv;
  if (inject("C_InitPIN", rv)) return rv;
  rv = real->C_InitPIN(h, pin, len);
  if (rv == CKR_OK)
    if (auto serial = serial_of_session(h)) reset_count(*serial);
  return rv;
}

CK_RV w_SetPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR* old_pin, CK_ULONG old_len, CK_UTF8CHAR* new_pin, CK_ULONG new_len) {
  CK_RV rv;
  if (inject("C_SetPIN", rv)) return rv;
  auto forward = [&] { return real->C_SetPIN(h, old_pin, old_len, new_pin, new_len); };
  auto si = session_info(h);
  // The user's PIN changes in a user session and in a read-write public one; an SO session changes the SO PIN.
  bool user_pin = si && (si->state == CKS_RW_PUBLIC_SESSION || si->state == CKS_RW_USER_FUNCTIONS ||
                         si->state == CKS_RO_USER_FUNCTIONS);
  if (!user_pin) return forward();
  auto serial = serial_of_slot(si->slotID);
  if (!serial) return forward();
  return pin_check(*serial, forward);
}

CK_RV w_Login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR* pin, CK_ULONG len) {
  CK_RV rv;
  if (inject("C_Login", rv)) return rv;
  auto forward = [&] { return real->C_Login(h, user, pin, len); };
  if (user != CKU_USER && user != CKU_CONTEXT_SPECIFIC) return forward();
  auto serial = serial_of_session(h);
  // Fail closed: a login whose token cannot be told is not forwarded, so no
  // wrong PIN ever goes uncounted (the caller sees a device error and retries).
  if (!serial) return CKR_GENERAL_ERROR;
  return pin_check(*serial, forward);
}

CK_FUNCTION_LIST wrapped = {
    .version = {CRYPTOKI_VERSION_MAJOR, CRYPTOKI_VERSION_MINOR},
    .C_Initialize = w_Initialize,
    PLAIN(C_Finalize),
    PLAIN(C_GetInfo),
    .C_GetFunctionList = w_GetFunctionList,
    PLAIN(C_GetSlotList),
    .C_GetSlotInfo = w_GetSlotInfo,
    .C_GetTokenInfo = w_GetTokenInfo,
    PLAIN(C_GetMechanismList),
    PLAIN(C_GetMechanismInfo),
    .C_InitToken = w_InitToken,
    .C_InitPIN = w_InitPIN,
    .C_SetPIN = w_SetPIN,
    COUNTED(C_OpenSession),
    COUNTED(C_CloseSession),
    COUNTED(C_CloseAllSessions),
    COUNTED(C_GetSessionInfo),
    COUNTED(C_GetOperationState),
    COUNTED(C_SetOperationState),
    .C_Login = w_Login,
    COUNTED(C_Logout),
    COUNTED(C_CreateObject),
    COUNTED(C_CopyObject),
    COUNTED(C_DestroyObject),
    COUNTED(C_GetObjectSize),
    COUNTED(C_GetAttributeValue),
    COUNTED(C_SetAttributeValue),
    COUNTED(C_FindObjectsInit),
    COUNTED(C_FindObjects),
    COUNTED(C_FindObjectsFinal),
    COUNTED(C_EncryptInit),
    COUNTED(C_Encrypt),
    COUNTED(C_EncryptUpdate),
    COUNTED(C_EncryptFinal),
    COUNTED(C_DecryptInit),
    COUNTED(C_Decrypt),
    COUNTED(C_DecryptUpdate),
    COUNTED(C_DecryptFinal),
    COUNTED(C_DigestInit),
    COUNTED(C_Digest),
    COUNTED(C_DigestUpdate),
    COUNTED(C_DigestKey),
    COUNTED(C_DigestFinal),
    COUNTED(C_SignInit),
    COUNTED(C_Sign),
    COUNTED(C_SignUpdate),
    COUNTED(C_SignFinal),
    COUNTED(C_SignRecoverInit),
    COUNTED(C_SignRecover),
    COUNTED(C_VerifyInit),
    COUNTED(C_Verify),
    COUNTED(C_VerifyUpdate),
    COUNTED(C_VerifyFinal),
    COUNTED(C_VerifyRecoverInit),
    COUNTED(C_VerifyRecover),
    COUNTED(C_DigestEncryptUpdate),
    COUNTED(C_DecryptDigestUpdate),
    COUNTED(C_SignEncryptUpdate),
    COUNTED(C_DecryptVerifyUpdate),
    COUNTED(C_GenerateKey),
    COUNTED(C_GenerateKeyPair),
    COUNTED(C_WrapKey),
    COUNTED(C_UnwrapKey),
    COUNTED(C_DeriveKey),
    COUNTED(C_SeedRandom),
    COUNTED(C_GenerateRandom),
    COUNTED(C_GetFunctionStatus),
    COUNTED(C_CancelFunction),
    COUNTED(C_WaitForSlotEvent),
};

std::once_flag load_once;

CK_RV w_GetFunctionList(CK_FUNCTION_LIST** list) {
  std::call_once(load_once, [] {
    read_config();
    std::string path = env("P11WRAP_MODULE");
    if (path.empty()) path = default_module;
    void* dl = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
      const char* e = ::dlerror();
      complain("cannot load P11WRAP_MODULE " + path + ": " + (e ? e : "?"));
      return;
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(dl, "C_GetFunctionList"));
    CK_FUNCTION_LIST* l = nullptr;
    if (!get || get(&l) != CKR_OK || !l) {
      complain(path + " has no usable C_GetFunctionList");
      return;
    }
    real = l;
  });
  if (!list) return CKR_ARGUMENTS_BAD;
  if (!real) return CKR_GENERAL_ERROR;
  *list = &wrapped;
  return CKR_OK;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST** list) {
  return w_GetFunctionList(list);
}
