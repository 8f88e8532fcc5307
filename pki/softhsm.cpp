#include "pki/softhsm.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/i18n.h"
#include "common/handle.h"
#include "common/i18n.h"
#include "pki/p11_detail.h"
#include "pki/token_lock.h"

namespace fs = std::filesystem;

namespace certdesk::pki::softhsm {

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// what is a tr_noop() msgid ("open", "create the token folder").
[[noreturn]] void store_error(const std::string& what, const fs::path& p) {
  const std::string why = std::strerror(errno);
  throw Error(ErrorKind::other, codes::data_dir_unusable,
              with_detail(msg(tr("Cannot {} {}: check the data folder's permissions and free space."), tr(what.c_str()), p.string()),
                          why));
}

std::string random_serial() {
  unsigned char r[8];
  if (RAND_bytes(r, sizeof r) != 1) throw CryptoError(tr("A serial for the blank demo token cannot be drawn; try again, and call support if it repeats."));
  std::string s = "21";
  for (unsigned char b : r) s += static_cast<char>('0' + b % 10);
  return s;
}

// The 16 characters SoftHSM2 keeps: right-justified, blank-padded.
//
// Why right-justified: SoftHSM2 2.6 derives a token's slot ID from the LAST 8
// characters of its serial (strtoul(..., 16), SlotManager.cpp) and asserts
// (aborting the whole process in C_Initialize) when two tokens, or a token and
// the empty slot (ID = number of tokens), get the same ID. Left-justified,
// "2100012345      " keeps only 2 significant digits ("45      " -> 0x45), so a
// dozen tokens already collide. Right-justified keeps the last 8 digits.
// TokenInfo::serial and Module trim both sides.
std::string printed_serial(const std::string& serial) {
  return std::string(16 - serial.size(), ' ') + serial;
}

CK_SLOT_ID softhsm_slot_id(const std::string& serial16) {
  const CK_SLOT_ID l = std::strtoul(serial16.substr(serial16.size() - 8).c_str(), nullptr, 16);
  return l & ((CK_SLOT_ID(1) << 31) - 1);
}

// Slot IDs this low meet the empty slot's ID (the token count) as the store grows.
constexpr CK_SLOT_ID lowest_safe_slot_id = 0x1000;

void send(int fd, const std::string& msg) {
  ssize_t ignored = ::write(fd, msg.data(), msg.size());
  (void)ignored;
}

// Runs in the forked child only: a fresh C_Initialize on the store (whatever
// the parent had loaded), C_InitToken on the free slot, the new serial back
// through the pipe. Never returns.
[[noreturn]] void child_init(int fd, const fs::path& conf, const std::string& serial, const Secret& so_pin) {
  // A crash here must end the child, not reach a handler the parent installed
  // (a test runner's siglongjmp would carry on running the parent's code).
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTERM, SIGINT}) ::signal(sig, SIG_DFL);
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  void* dl = dlopen(default_module, RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    send(fd, std::string("LOAD ") + dlerror());
    _exit(6);
  }
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(dl, "C_GetFunctionList"));
  CK_FUNCTION_LIST_PTR f = nullptr;
  if (!get_list || get_list(&f) != CKR_OK) {
    send(fd, "LOAD no C_GetFunctionList");
    _exit(6);
  }
  f->C_Finalize(nullptr);   // drop a state inherited from the parent, if any
  CK_RV rv = f->C_Initialize(nullptr);
  if (rv != CKR_OK) {
    send(fd, "LOAD C_Initialize " + detail::ckr_name(rv));
    _exit(6);
  }
  CK_SLOT_ID ids[256];
  CK_ULONG n = 256;
  rv = f->C_GetSlotList(CK_TRUE, ids, &n);
  if (rv != CKR_OK) {
    send(fd, "RV " + std::to_string(rv));
    _exit(5);
  }
  CK_SLOT_ID free_slot = 0;
  bool have_free = false;
  const CK_SLOT_ID new_slot_id = softhsm_slot_id(printed_serial(serial));
  for (CK_ULONG i = 0; i < n; ++i) {
    CK_TOKEN_INFO ti{};
    if (f->C_GetTokenInfo(ids[i], &ti) != CKR_OK) continue;
    if (ti.flags & CKF_TOKEN_INITIALIZED) {
      const std::string other = detail::field(ti.serialNumber, sizeof ti.serialNumber);
      if (other == serial) {
        send(fd, "DUP");
        _exit(3);
      }
      if (ids[i] == new_slot_id) {
        send(fd, "SLOT " + other);
        _exit(3);
      }
    } else if (!have_free) {
      free_slot = ids[i];
      have_free = true;
    }
  }
  if (!have_free) {
    send(fd, "NOFREE");
    _exit(4);
  }
  unsigned char label[32];
  std::memset(label, ' ', sizeof label);
  std::memcpy(label, "BLANK", 5);
  rv = f->C_InitToken(free_slot, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(so_pin.c_str())), so_pin.size(),
                      label);
  if (rv != CKR_OK) {
    send(fd, "RV " + std::to_string(rv));
    _exit(5);
  }
  CK_TOKEN_INFO ti{};
  rv = f->C_GetTokenInfo(free_slot, &ti);
  if (rv != CKR_OK) {
    send(fd, "RV " + std::to_string(rv));
    _exit(5);
  }
  send(fd, "OK " + std::string(reinterpret_cast<const char*>(ti.serialNumber), sizeof ti.serialNumber));
  f->C_Finalize(nullptr);
  _exit(0);
}

// Rewrites the 16-byte serial SoftHSM2 chose in the new token's object file.
void patch_serial(const fs::path& tokendir, const std::string& old16, const std::string& serial) {
  const std::string new16 = printed_serial(serial);
  for (const auto& e : fs::recursive_directory_iterator(tokendir)) {
    if (!e.is_regular_file() || e.path().filename() != "token.object") continue;
    std::string data = read_text(e.path());
    std::vector<size_t> hits;
    for (size_t pos = data.find(old16); pos != std::string::npos; pos = data.find(old16, pos + 1)) hits.push_back(pos);
    if (hits.empty()) continue;
    UniqueFd fd(::open(e.path().c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) store_error(tr_noop("open"), e.path());
    for (size_t pos : hits)
      if (::pwrite(fd.get(), new16.data(), 16, static_cast<off_t>(pos)) != 16) store_error(tr_noop("write"), e.path());
    if (::fsync(fd.get()) != 0 || fd.close() != 0) store_error(tr_noop("write"), e.path());
    return;
  }
  throw Error(ErrorKind::other, codes::token_error,
              msg(tr("the new token's object file was not found under {}: insert another blank token"), tokendir.string()));
}

}  // namespace

fs::path prepare_store(const fs::path& dir_in) {
  const fs::path dir = fs::absolute(dir_in).lexically_normal();
  std::error_code ec;
  fs::create_directories(dir / "tokens", ec);
  if (ec) {
    errno = ec.value();
    store_error(tr_noop("create the token folder"), dir / "tokens");
  }
  const fs::path conf = dir / "softhsm2.conf";
  const std::string text = "# certdesk's embedded SoftHSM2 store (SPEC §7)\n"
                           "directories.tokendir = " + (dir / "tokens").string() + "\n"
                           "objectstore.backend = file\n"
                           "log.level = ERROR\n";
  if (read_text(conf) != text) {
    std::ofstream f(conf, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) store_error(tr_noop("write"), conf);
  }
  return conf;
}

void use_store(const fs::path& dir) {
  const fs::path conf = fs::absolute(dir).lexically_normal() / "softhsm2.conf";
  ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  Module::set_store_lock_file(lock_file(dir));
}

std::string embedded_module() {
  std::error_code ec;
  if (const char* chosen = std::getenv("CERTDESK_P11LOCK"); chosen && *chosen)
    return std::string(chosen) == "none" ? default_module : chosen;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = (exe.parent_path() / CERTDESK_P11LOCK_INSTALLED).lexically_normal();
    if (fs::is_regular_file(installed, ec)) return installed.string();
  }
  if (fs::is_regular_file(CERTDESK_P11LOCK_BUILT, ec)) return CERTDESK_P11LOCK_BUILT;
  return default_module;
}

fs::path lock_file(const fs::path& dir) { return fs::absolute(dir).lexically_normal() / "token.lock"; }

std::string insert_blank(const fs::path& dir, const std::string& serial_in, const Secret& transport_so_pin) {
  if (serial_in.empty()) {
    // A random serial that clashes with a slot of the store: draw again.
    for (int attempt = 0;; ++attempt) {
      std::string serial = random_serial();
      if (softhsm_slot_id(printed_serial(serial)) < lowest_safe_slot_id) continue;
      try {
        return insert_blank(dir, serial, transport_so_pin);
      } catch (const RuleRefused&) {
        if (attempt >= 8) throw;
      }
    }
  }
  const std::string& serial = serial_in;
  if (serial.size() < 4 || serial.size() > 16 || serial.find_first_not_of("0123456789") != std::string::npos)
    throw InputError(codes::bad_request,
                     msg(tr("the serial printed on a key has 4 to 16 digits; \"{}\" is not one: type it again"), serial));
  if (softhsm_slot_id(printed_serial(serial)) < lowest_safe_slot_id)
    throw RuleRefused(codes::duplicate, "token-serial-slot",
                      msg(tr("the demo token store cannot hold serial {} (SoftHSM2 numbers its slots by the last 8 digits, and these are too small, below 1000 in hex): use another serial"),
                          serial));
  if (transport_so_pin.size() < 4 || transport_so_pin.size() > 255)
    throw TokenError(codes::pin_length, tr("the transport SO PIN must have 4 to 255 characters"));
  const fs::path conf = prepare_store(dir);
  // The new token appears in the store's folder: no other process may be reading it (token_lock.h).
  const auto store = TokenLock::open(lock_file(dir));
  std::lock_guard inside(*store);
  const fs::path tokendir = fs::absolute(dir).lexically_normal() / "tokens";

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) store_error(tr_noop("create a pipe for"), dir);
  UniqueFd from_child(fds[0]), to_parent(fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) store_error(tr_noop("start a process for"), dir);
  if (pid == 0) {
    from_child.reset();
    try {
      child_init(to_parent.get(), conf, serial, transport_so_pin);
    } catch (...) {
    }
    _exit(7);
  }
  to_parent.reset();
  std::string reply;
  char buf[256];
  for (ssize_t n; (n = ::read(from_child.get(), buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    reply.append(buf, static_cast<size_t>(n));
  }
  from_child.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  if (reply.rfind("DUP", 0) == 0)
    throw RuleRefused(codes::duplicate, "token-serial",
                      msg(tr("a token with serial {} already exists: check the serial printed on the key"), serial));
  if (reply.rfind("SLOT ", 0) == 0)
    throw RuleRefused(codes::duplicate, "token-serial-slot",
                      msg(tr("the demo token store cannot hold serial {} next to token {} (SoftHSM2 numbers its slots by the last 8 digits of the serial): use another serial"),
                          serial, reply.substr(5)));
  if (reply.rfind("NOFREE", 0) == 0)
    throw TokenError(codes::no_token, tr("the token store has no free slot: restart the application and try again"));
  if (reply.rfind("RV ", 0) == 0) {
    unsigned long rv = std::stoul(reply.substr(3));
    detail::throw_ckr(rv, tr_noop("initialise the blank token"), serial);
  }
  if (reply.rfind("OK ", 0) != 0 || reply.size() < 3 + 16 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw TokenError(codes::module_unavailable,
                     with_detail(msg(tr("The token module {} cannot be loaded to make a blank demo token: check the token store in {}."),
                                     default_module, dir.string()),
                                 reply.rfind("LOAD ", 0) == 0 ? reply.substr(5)
                                 : WIFSIGNALED(status)       ? std::string(strsignal(WTERMSIG(status)))
                                                             : "status=" + std::to_string(status)));
  patch_serial(tokendir, reply.substr(3, 16), serial);

  // SoftHSM2 reads its token folder only in C_Initialize: a module this process
  // already loaded sees the new token only after a reload.
  if (auto loaded = Module::loaded(default_module)) loaded->reload();
  return serial;
}

}  // namespace certdesk::pki::softhsm
