#pragma once
// The one way a C handle is owned here (STYLE habit 4): a std::unique_ptr whose
// deleter is the library's own free function, named once:
//
//   using X509Ptr = std::unique_ptr<X509, CFree<X509_free>>;
//   std::unique_ptr<void, CFree<dlclose>> dl(dlopen(...));
//
// CFree never calls the function on null, ignores its return value, and never
// throws. Take ownership *before* checking the result, so a half-made handle
// is still freed on the error path. File descriptors get UniqueFd, the same
// idea for an int.

#include <unistd.h>

#include <utility>

namespace certdesk {

template <auto Free>
struct CFree {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p) static_cast<void>(Free(p));
  }
};

// Owns a file descriptor (-1: none); closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  // Closes now and reports close(2)'s result (0, or -1 with errno): for files
  // whose last write error only close reports.
  int close() noexcept {
    int rc = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return rc;
  }

 private:
  int fd_ = -1;
};

}  // namespace certdesk
