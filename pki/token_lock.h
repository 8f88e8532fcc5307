#pragma once
// One process at a time inside a data folder's token store (issue 13.8).
// SoftHSM2 reads its token folder in C_Initialize and rewrites token files
// (C_InitToken, new key and certificate objects) without telling other
// processes, so two processes on one store see each other's half-written
// tokens (CKR_GENERAL_ERROR, "no token labelled certdesk-ca"). A TokenLock is
// flock(2) on the store's lock file, held while this process is inside the
// module: softhsm::use_store(dir) names the store, and the Module of that
// store takes the lock with its own mutex (Module::mutex(), which every
// Token, CA and slot-list call already holds) and around C_Initialize. No
// caller takes it itself.
//
// A process that has to wait says so once, through the notice ("busy,
// waiting for the token store … pid …, since …"), and gives up after
// wait_limit() with TokenError(token_error) naming the holder. Within one
// process every Module of a store shares one TokenLock (flock belongs to the
// open file, so a second open would wait for this very process); it counts
// nested lock() calls and unlocks the file at the outermost unlock().

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/handle.h"

namespace certdesk::pki {

class TokenLock {
 public:
  // Where "busy, waiting for …" goes (one translated line). Process-wide; the
  // default writes it to stderr (certdesk-cli's progress channel).
  using Notice = std::function<void(const std::string&)>;
  static void set_notice(Notice notice);
  // How long lock() waits for another process (default 300 s).
  static void set_wait_limit(std::chrono::milliseconds limit);
  static std::chrono::milliseconds wait_limit();

  // This process's TokenLock on `file` (created 0600 when missing), unlocked.
  // Throws Error(data_dir_unusable) when the file cannot be opened.
  static std::shared_ptr<TokenLock> open(const std::filesystem::path& file);

  // BasicLockable, recursive across this process's threads and Modules.
  // lock() waits for another process as above; throws TokenError(token_error)
  // after the wait limit, and then holds nothing.
  void lock();
  void unlock() noexcept;
  bool held() const;   // by this process

  // What the lock file says about its holder ("pid 4242 certdesk-cli since
  // 2026-12-01 19:00:01 UTC"), or "" when nobody holds it.
  static std::string holder(const std::filesystem::path& file);

  const std::filesystem::path& file() const { return file_; }
  TokenLock(const TokenLock&) = delete;
  TokenLock& operator=(const TokenLock&) = delete;
  ~TokenLock() = default;   // the descriptor's close releases a flock still held

 private:
  TokenLock(std::filesystem::path file, UniqueFd fd) : file_(std::move(file)), fd_(std::move(fd)) {}
  std::filesystem::path file_;
  UniqueFd fd_;
  mutable std::mutex mutex_;   // depth_ and the flock state
  int depth_ = 0;
};

}  // namespace certdesk::pki
