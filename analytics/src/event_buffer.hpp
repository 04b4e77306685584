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

/// A mutex-protected list of chunks (vectors of at most batch_size events) that the
/// writer swaps out whole. Producers hold the lock for one push_back of a moved event;
/// a full chunk is never reallocated (a growing single vector would move every held
/// event while a producer waits: milliseconds during an outage), a new one is started
/// instead, taken from the chunks the writer recycled: no allocation in steady state.
/// Each chunk is one batch for the writer.
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

  using chunk = std::vector<decision_event>;

  /// Blocks until a batch is due, the buffer is closed, or `wake_by`; then moves every
  /// waiting chunk into `out` (which must be empty) and returns the number of events.
  /// They stay counted against capacity until release().
  std::size_t take(std::vector<chunk>& out, clock::time_point wake_by);

  /// Non-blocking take(): moves the waiting chunks when batch_due(now).
  std::size_t take_if_due(std::vector<chunk>& out, clock::time_point now);

  /// Gives a written chunk back for reuse; its events are destroyed here, outside the lock.
  void recycle(chunk&& c) noexcept;

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
  std::size_t move_out_locked(std::vector<chunk>& out);

  const std::size_t capacity_;
  const std::size_t batch_size_;
  const clock::duration flush_interval_;

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  const std::size_t chunk_size_;
  std::vector<chunk> waiting_;
  std::size_t waiting_count_ = 0;
  std::vector<chunk> spare_;    // recycled, empty, capacity kept
  clock::time_point oldest_{};  // arrival of the first waiting event
  std::size_t taken_ = 0;
  std::uint64_t dropped_ = 0;
  bool dropping_ = false;
  bool closed_ = false;
};

}  // namespace floodgate::analytics
