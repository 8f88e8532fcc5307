#pragma once
// Time as the domain sees it: an interface so tests can stand at any date
// (the renewal window, the business day) without waiting.

#include <chrono>

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

}  // namespace certdesk
