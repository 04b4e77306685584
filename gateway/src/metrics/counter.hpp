#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "metrics/shard.hpp"

namespace floodgate::metrics {

/// A monotonically increasing count (Prometheus counter).
///
/// inc() is one relaxed atomic add on a cache line shared only with other
/// threads of the same shard (see shard.hpp): cheap enough for every request.
/// value() sums the shards; it is exact once writers are quiet and never goes
/// backwards. Thread safe.
class counter {
 public:
  counter() = default;
  counter(const counter&) = delete;
  counter& operator=(const counter&) = delete;

  void inc(std::uint64_t n = 1) noexcept {
    cells_[detail::shard_index()].value.fetch_add(n, std::memory_order_relaxed);
  }

  [[nodiscard]] std::uint64_t value() const noexcept {
    std::uint64_t total = 0;
    for (const auto& c : cells_) total += c.value.load(std::memory_order_relaxed);
    return total;
  }

 private:
  struct alignas(detail::cache_line) cell {
    std::atomic<std::uint64_t> value{0};
  };
  std::array<cell, detail::shard_count> cells_;
};

/// A value that goes up and down (Prometheus gauge). Gauges are set rarely
/// (state changes, sizes), so one atomic is enough. Thread safe.
class gauge {
 public:
  gauge() = default;
  gauge(const gauge&) = delete;
  gauge& operator=(const gauge&) = delete;

  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void inc(double d = 1.0) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void dec(double d = 1.0) noexcept { value_.fetch_sub(d, std::memory_order_relaxed); }
  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace floodgate::metrics
