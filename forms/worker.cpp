#include "forms/worker.h"

#include <wx/intl.h>

#include <atomic>

namespace certdesk::forms {

Failure describe_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return {e.code(), shown_message(e), e.kind()};
  } catch (const std::exception& e) {
    return {"", std::string(e.what()), ErrorKind::other};
  } catch (...) {
    return {"", std::string(_("An unexpected error occurred.").utf8_str()), ErrorKind::other};
  }
}

namespace {
std::atomic<bool> g_stopping{false};
}

bool Worker::stopping() { return g_stopping.load(); }

Worker::Worker() : thread_([this] { loop(); }) { g_stopping = false; }

Worker::~Worker() {
  g_stopping = true;
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    dropped.swap(jobs_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

std::size_t Worker::pending() const {
  std::lock_guard lock(mutex_);
  return jobs_.size() + (busy_ ? 1 : 0);
}

void Worker::loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
    }
    job();
    job = nullptr;
    std::lock_guard lock(mutex_);
    busy_ = false;
  }
}

}  // namespace certdesk::forms
