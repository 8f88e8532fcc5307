#pragma once
// Time as the domain sees it: an interface so tests can stand at any date
// (the renewal window, the business day) without waiting.

#include <chrono>
#include <cstdint>

namespace certdesk {

using Seconds = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Seconds now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Seconds now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// A clock that says what it is told: tests and the CERTDESK_FAKE_NOW demo hook.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Seconds t) : t_(t) {}
  Seconds now() const override { return t_; }
  void set(Seconds t) { t_ = t; }
  void advance(std::chrono::seconds d) { t_ += d; }

 private:
  Seconds t_;
};

// The days a certificate that ends at not_after (Unix seconds) has left at now,
// as the token panel shows them: rounded up while it is valid, so a certificate
// issued this second for cert_days × 86400 s shows cert_days (365 天, not 364)
// and one with an hour left shows 1; 0 at the very second it ends; negative
// once expired, -1 within its first day expired (rounded up the other way).
inline int days_left(Seconds now, std::int64_t not_after) {
  const std::int64_t left = not_after - now.time_since_epoch().count();
  constexpr std::int64_t day = 86400;
  return static_cast<int>(left >= 0 ? (left + day - 1) / day : -((-left + day - 1) / day));
}

}  // namespace certdesk
