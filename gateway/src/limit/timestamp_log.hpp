#pragma once

#include <cstdint>
#include <memory>

namespace floodgate::limit {

/// The sliding_window log: timestamps (µs) of allowed requests, oldest first.
///
/// A ring buffer that grows on demand up to the limit it is given, so a key
/// that only ever sends a few requests costs a few entries, not `limit`. 16 bytes
/// plus the buffer; move-only. Not thread safe (the store's shard lock guards it).
class timestamp_log {
 public:
  timestamp_log() = default;
  timestamp_log(timestamp_log&&) noexcept = default;
  timestamp_log& operator=(timestamp_log&&) noexcept = default;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  /// The i-th oldest timestamp; i < size().
  [[nodiscard]] std::int64_t at(std::size_t i) const noexcept {
    return data_[(head_ + i) % capacity_];
  }
  [[nodiscard]] std::int64_t oldest() const noexcept { return at(0); }
  [[nodiscard]] std::int64_t newest() const noexcept { return at(size_ - 1); }

  /// Number of timestamps <= `cutoff_us` (a prefix, since the log is sorted).
  [[nodiscard]] std::size_t count_at_or_before(std::int64_t cutoff_us) const noexcept;

  /// Removes the `n` oldest timestamps; n <= size().
  void drop_oldest(std::size_t n) noexcept;

  /// Appends `ts_us` (kept sorted: an earlier value is stored as newest()),
  /// growing the buffer up to `max_size` entries; size() < max_size.
  void push(std::int64_t ts_us, std::size_t max_size);

 private:
  std::unique_ptr<std::int64_t[]> data_;
  std::uint32_t capacity_ = 0;
  std::uint32_t head_ = 0;
  std::uint32_t size_ = 0;
};

}  // namespace floodgate::limit
