#include "event_buffer.hpp"

#include <algorithm>
#include <utility>

namespace floodgate::analytics {
namespace {

// Recycled chunks kept for reuse: enough for steady state; the extra chunks of an
// outage backlog are freed afterwards.
constexpr std::size_t max_spare_chunks = 4;

}  // namespace

event_buffer::event_buffer(std::size_t capacity, std::size_t batch_size,
                           clock::duration flush_interval)
    : capacity_(capacity),
      batch_size_(std::max<std::size_t>(batch_size, 1)),
      flush_interval_(flush_interval),
      chunk_size_(std::max<std::size_t>(std::min(batch_size_, capacity_), 1)) {
  // One chunk ready, so the first events do not allocate on the request path.
  spare_.emplace_back().reserve(chunk_size_);
}

event_buffer::push_result event_buffer::push(decision_event& e, clock::time_point now) noexcept {
  push_result r;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (!closed_ && waiting_count_ + taken_ < capacity_) {
      try {
        if (waiting_.empty() || waiting_.back().size() >= chunk_size_) {
          if (spare_.empty()) {
            waiting_.emplace_back().reserve(chunk_size_);
          } else {
            waiting_.push_back(std::move(spare_.back()));
            spare_.pop_back();
          }
        }
        waiting_.back().push_back(std::move(e));
        r.accepted = true;
      } catch (...) {  // bad_alloc: treat like a full buffer
      }
    }
    if (r.accepted) {
      ++waiting_count_;
      if (waiting_count_ == 1) oldest_ = now;
      // Wake the writer only on transitions: it needs the first event to arm its flush
      // timer and the batch_size-th to write early. A notify per event would cost a
      // futex call on the request path.
      wake = waiting_count_ == 1 || waiting_count_ == batch_size_;
    } else {
      ++dropped_;
    }
    r.drop_state_changed = dropping_ == r.accepted;
    dropping_ = !r.accepted;
  }
  if (wake) ready_.notify_one();
  return r;
}

bool event_buffer::due_locked(clock::time_point now) const {
  if (waiting_count_ == 0) return false;
  return closed_ || waiting_count_ >= batch_size_ || now - oldest_ >= flush_interval_;
}

bool event_buffer::batch_due(clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return due_locked(now);
}

std::size_t event_buffer::move_out_locked(std::vector<chunk>& out) {
  out.clear();
  std::swap(out, waiting_);
  const auto n = waiting_count_;
  taken_ += n;
  waiting_count_ = 0;
  return n;
}

std::size_t event_buffer::take(std::vector<chunk>& out, clock::time_point wake_by) {
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto now = clock::now();
    if (due_locked(now)) return move_out_locked(out);
    if (closed_ || now >= wake_by) return 0;
    // With events waiting, the oldest one's flush deadline may come before wake_by.
    const auto until = waiting_count_ == 0 ? wake_by : std::min(wake_by, oldest_ + flush_interval_);
    ready_.wait_until(lock, until);
  }
}

std::size_t event_buffer::take_if_due(std::vector<chunk>& out, clock::time_point now) {
  std::lock_guard lock(mutex_);
  return due_locked(now) ? move_out_locked(out) : 0;
}

void event_buffer::recycle(chunk&& c) noexcept {
  c.clear();  // frees the events' strings before taking the lock
  if (c.capacity() < chunk_size_) return;
  std::lock_guard lock(mutex_);
  if (spare_.size() < max_spare_chunks) {
    try {
      spare_.push_back(std::move(c));
    } catch (...) {  // the spare list is an optimisation only
    }
  }
}

void event_buffer::release(std::size_t n) noexcept {
  std::lock_guard lock(mutex_);
  taken_ -= std::min(n, taken_);
}

void event_buffer::drop_taken(std::size_t n) noexcept {
  std::lock_guard lock(mutex_);
  n = std::min(n, taken_);
  taken_ -= n;
  dropped_ += n;
}

void event_buffer::close() noexcept {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::size_t event_buffer::size() const noexcept {
  std::lock_guard lock(mutex_);
  return waiting_count_ + taken_;
}

std::size_t event_buffer::waiting() const noexcept {
  std::lock_guard lock(mutex_);
  return waiting_count_;
}

std::uint64_t event_buffer::dropped() const noexcept {
  std::lock_guard lock(mutex_);
  return dropped_;
}

bool event_buffer::closed() const noexcept {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace floodgate::analytics
