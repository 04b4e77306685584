// The bounded hand-off between the request path (many producers) and the writer thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include <floodgate/analytics/event.hpp>

namespace floodgate::analytics {

/// A mutex-protected vector that the writer swaps out whole, so producers hold the lock
/// for one push_back of a moved event, and the writer's emptied vector (with its
/// capacity) comes back as the next buffer: no allocation in steady state.
///
/// Capacity counts events waiting *and* events taken by the writer but not yet
/// released (written or given up), so a batch being retried while the database is
/// down still occupies its place.
class event_buffer {
 public:
  using clock = std::chrono::steady_clock;

  event_buffer(std::size_t capacity, std::size_t batch_size, clock::duration flush_interval);

  /// What push() did, so the caller can log state changes outside the lock.
  struct push_result {
    bool accepted = false;
    bool drop_state_changed = false;  // started dropping, or has room again
  };

  /// Queues `e` (moved from only when accepted), or counts it as dropped when full or
  /// closed. `now` is when the event arrived: it starts the flush timer of an empty buffer.
  push_result push(decision_event& e, clock::time_point now) noexcept;

  /// True when the waiting events should be written at `now`: batch_size reached, the
  /// oldest has waited flush_interval, or the buffer is closed with events waiting.
  [[nodiscard]] bool batch_due(clock::time_point now) const;

  /// Blocks until a batch is due, the buffer is closed, or `wake_by`; then moves every
  /// waiting event into `out` (which must be empty) and returns how many. They stay
  /// counted against capacity until release().
  std::size_t take(std::vector<decision_event>& out, clock::time_point wake_by);

  /// Non-blocking take(): moves the waiting events when batch_due(now).
  std::size_t take_if_due(std::vector<decision_event>& out, clock::time_point now);

  /// `n` taken events are finished with (written or given up).
  void release(std::size_t n) noexcept;

  /// Counts `n` taken events as dropped and releases them.
  void drop_taken(std::size_t n) noexcept;

  /// Refuses further events (they count as dropped) and wakes the writer so it drains.
  void close() noexcept;

  /// Events waiting plus events taken and not released.
  [[nodiscard]] std::size_t size() const noexcept;
  /// Events waiting (not taken yet).
  [[nodiscard]] std::size_t waiting() const noexcept;
  [[nodiscard]] std::uint64_t dropped() const noexcept;
  [[nodiscard]] bool closed() const noexcept;

 private:
  [[nodiscard]] bool due_locked(clock::time_point now) const;
  std::size_t move_out_locked(std::vector<decision_event>& out);

  const std::size_t capacity_;
  const std::size_t batch_size_;
  const clock::duration flush_interval_;

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<decision_event> waiting_;
  clock::time_point oldest_{};  // arrival of waiting_.front()
  std::size_t taken_ = 0;
  std::uint64_t dropped_ = 0;
  bool dropping_ = false;
  bool closed_ = false;
};

}  // namespace floodgate::analytics
