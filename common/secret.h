#pragma once
// A PIN or password in memory: move-only, wiped when destroyed. Never printed,
// never written to the database, the journal or a log (SPEC §5).

#include <string>
#include <string_view>
#include <string.h>

namespace certdesk {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
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
  std::string_view reveal() const noexcept { return value_; }
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
  std::string value_;
};

}  // namespace certdesk
