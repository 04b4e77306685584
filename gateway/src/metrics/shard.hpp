#pragma once

#include <atomic>
#include <cstddef>

// Internal to floodgate_metrics: spreading hot-path increments over a few
// cache lines, so that worker threads bumping the same counter do not bounce
// one line between cores (per-thread counting without per-thread registration).
namespace floodgate::metrics::detail {

/// Cells per sharded metric. More than the cores we expect; a power of two.
inline constexpr std::size_t shard_count = 8;

/// Size of the cache line we keep shards apart by.
inline constexpr std::size_t cache_line = 64;

/// This thread's shard: threads are numbered as they first count and wrap
/// around `shard_count`, so a few worker threads never share a cell.
[[nodiscard]] inline std::size_t shard_index() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local std::size_t index = next.fetch_add(1, std::memory_order_relaxed) % shard_count;
  return index;
}

}  // namespace floodgate::metrics::detail
