#include "common/hardening.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include "common/i18n.h"

namespace certdesk {

namespace {
std::atomic<bool> g_all_locked{true};
std::atomic<bool> g_warned{false};

std::size_t page_rounded(std::size_t bytes) {
  const long page = sysconf(_SC_PAGESIZE);
  const std::size_t p = page > 0 ? static_cast<std::size_t>(page) : 4096;
  return (bytes + p - 1) / p * p;
}

void warn_once(const char* what, int err) {
  if (g_warned.exchange(true)) return;
  // Only the step and the errno: never a value.
  std::fprintf(stderr, "certdesk: %s (%s)\n", what, std::strerror(err));
}
}  // namespace

void harden_process() {
  umask(077);
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) warn_once(tr("warning: core dumps could not be switched off"), errno);
  rlimit none{0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) warn_once(tr("warning: core dumps could not be switched off"), errno);
}

void* locked_alloc(std::size_t bytes) {
  const std::size_t size = page_rounded(bytes == 0 ? 1 : bytes);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  madvise(p, size, MADV_DONTDUMP);
  if (mlock(p, size) != 0) {
    g_all_locked = false;
    warn_once(tr("warning: memory for PINs and keys could not be locked; they may reach swap"), errno);
  }
  return p;
}

void locked_free(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  const std::size_t size = page_rounded(bytes == 0 ? 1 : bytes);
  explicit_bzero(p, size);
  munlock(p, size);   // its own pages: no other secret shares them
  munmap(p, size);
}

bool secret_memory_locked() noexcept { return g_all_locked; }

}  // namespace certdesk
