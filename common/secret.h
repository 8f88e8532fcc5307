#pragma once
// A PIN or password in memory: move-only, wiped when destroyed. Never printed,
// never written to the database, the journal or a log (SPEC §5). Its bytes live
// in pages of their own, locked against swap and left out of core dumps
// (common/hardening.h), wiped before they are given back.

#include <string.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/hardening.h"

namespace certdesk {

// The allocator of Secret's string: every buffer its own locked pages.
template <class T>
struct LockedAllocator {
  using value_type = T;
  LockedAllocator() = default;
  template <class U>
  LockedAllocator(const LockedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(locked_alloc(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { locked_free(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const LockedAllocator<U>&) const noexcept { return true; }
};

class Secret {
 public:
  using Buffer = std::basic_string<char, std::char_traits<char>, LockedAllocator<char>>;

  Secret() = default;
  // Copies value into locked memory and wipes the argument's bytes.
  explicit Secret(std::string value) : value_(locked_copy(value)) {
    if (!value.empty()) explicit_bzero(value.data(), value.size());
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }
  ~Secret() { wipe(); }

  // The value, for the one call that needs it (a PKCS#11 login, a KDF).
  std::string_view reveal() const noexcept { return {value_.data(), value_.size()}; }
  const char* c_str() const noexcept { return value_.c_str(); }
  std::size_t size() const noexcept { return value_.size(); }
  bool empty() const noexcept { return value_.empty(); }
  bool operator==(const Secret& o) const noexcept { return value_ == o.value_; }

  void wipe() noexcept {
    if (!value_.empty()) explicit_bzero(value_.data(), value_.size());
    value_.clear();
    value_.shrink_to_fit();
  }

 private:
  // Reserved past the short-string buffer, so the bytes are never kept inside
  // the object itself (on the stack or wherever the Secret lives).
  static Buffer locked_copy(std::string_view v) {
    Buffer b;
    b.reserve(v.size() < 64 ? 64 : v.size());
    b.assign(v.data(), v.size());
    return b;
  }
  Buffer value_;
};

}  // namespace certdesk
