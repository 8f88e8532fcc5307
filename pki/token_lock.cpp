#include "pki/token_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <thread>

#include "common/error.h"
#include "common/i18n.h"

namespace fs = std::filesystem;

namespace certdesk::pki {

namespace {

std::mutex registry_mutex;   // the registry, the notice and the limit
std::map<fs::path, std::weak_ptr<TokenLock>>& registry() {
  static std::map<fs::path, std::weak_ptr<TokenLock>> r;
  return r;
}
TokenLock::Notice& notice_sink() {
  static TokenLock::Notice n = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  return n;
}
std::chrono::milliseconds limit{std::chrono::seconds(300)};

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

void TokenLock::set_notice(Notice notice) {
  std::lock_guard g(registry_mutex);
  notice_sink() = std::move(notice);
}

void TokenLock::set_wait_limit(std::chrono::milliseconds l) {
  std::lock_guard g(registry_mutex);
  limit = l;
}

std::chrono::milliseconds TokenLock::wait_limit() {
  std::lock_guard g(registry_mutex);
  return limit;
}

std::string TokenLock::holder(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  char buf[256];
  ssize_t n = ::pread(fd.get(), buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::shared_ptr<TokenLock> TokenLock::open(const fs::path& file_in) {
  const fs::path file = fs::absolute(file_in).lexically_normal();
  std::lock_guard g(registry_mutex);
  if (auto it = registry().find(file); it != registry().end())
    if (auto alive = it->second.lock()) return alive;
  UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd)
    throw Error(ErrorKind::other, codes::data_dir_unusable,
                msg(tr("Cannot open the token lock {} ({}): check the data folder's permissions."), file.string(),
                    std::strerror(errno)));
  std::shared_ptr<TokenLock> lock(new TokenLock(file, std::move(fd)));
  registry()[file] = lock;
  return lock;
}

bool TokenLock::held() const {
  std::lock_guard g(mutex_);
  return depth_ > 0;
}

void TokenLock::lock() {
  std::lock_guard g(mutex_);
  if (depth_ > 0) {
    ++depth_;
    return;
  }
  const auto wait = wait_limit();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool told = false;
  // Polled, so the wait is bounded and the holder can be named.
  while (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      throw Error(ErrorKind::other, codes::data_dir_unusable,
                  msg(tr("Cannot lock the token store with {} ({})."), file_.string(), std::strerror(errno)));
    std::string who = holder(file_);
    if (who.empty()) who = tr("another program");
    if (std::chrono::steady_clock::now() >= deadline)
      throw TokenError(codes::token_error,
                       msg(tr("The token store of this data folder is still in use by {} after {} s: wait until that "
                              "program has finished its step, or close it, then try again."),
                           who, std::chrono::duration_cast<std::chrono::seconds>(wait).count()));
    if (!told) {
      Notice notice;
      {
        std::lock_guard r(registry_mutex);
        notice = notice_sink();
      }
      if (notice) notice(msg(tr("busy, waiting for the token store of this data folder: {} is using it"), who));
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Say who holds it, for the next process that has to wait.
  std::string who = "pid " + std::to_string(::getpid()) + " " + program_invocation_short_name + " since " + utc_now();
  if (::ftruncate(fd_.get(), 0) == 0) static_cast<void>(::pwrite(fd_.get(), who.data(), who.size(), 0));
  depth_ = 1;
}

void TokenLock::unlock() noexcept {
  std::lock_guard g(mutex_);
  if (depth_ == 0 || --depth_ > 0) return;
  // Emptied before the unlock: "" means nobody holds it.
  static_cast<void>(::ftruncate(fd_.get(), 0));
  ::flock(fd_.get(), LOCK_UN);
}

}  // namespace certdesk::pki
