#include <floodgate/analytics/socket_watchdog.hpp>

#include <algorithm>

#include <sys/socket.h>

namespace floodgate::analytics {

socket_watchdog::socket_watchdog() : thread_([this] { run(); }) {}

socket_watchdog::~socket_watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void socket_watchdog::cut(entry& e) noexcept {
  // shutdown(), not close(): the descriptor stays libpq's (no reuse under its feet) and
  // the thread blocked in poll()/recv() on it wakes with end-of-file.
  if (e.fd >= 0) ::shutdown(e.fd, SHUT_RDWR);
  e.fired = true;
}

std::uint64_t socket_watchdog::watch(int fd, clock::time_point deadline) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    auto& e = entries_.emplace(id, entry{fd, deadline, false}).first->second;
    if (aborting_) cut(e);
  }
  changed_.notify_all();
  return id;
}

bool socket_watchdog::unwatch(std::uint64_t id) {
  // Under the mutex, so a deadline firing right now finishes before the caller can close
  // the descriptor.
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  const bool fired = it->second.fired;
  entries_.erase(it);
  return fired;
}

void socket_watchdog::abort_all() {
  std::lock_guard lock(mutex_);
  aborting_ = true;
  for (auto& [id, e] : entries_) {
    if (!e.fired) cut(e);
  }
}

void socket_watchdog::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto next = clock::time_point::max();
    const auto now = clock::now();
    for (auto& [id, e] : entries_) {
      if (e.fired) continue;
      if (e.deadline <= now) {
        cut(e);
      } else {
        next = std::min(next, e.deadline);
      }
    }
    if (next == clock::time_point::max()) {
      changed_.wait(lock);
    } else {
      changed_.wait_until(lock, next);
    }
  }
}

}  // namespace floodgate::analytics
