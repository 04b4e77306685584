#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "metrics/shard.hpp"

namespace floodgate::metrics {

/// Bucket bounds for request latency in seconds: 0.5 ms ... 10 s.
[[nodiscard]] const std::vector<double>& default_latency_buckets();

/// Bucket bounds for one limiter decision in seconds: 0.1 ms ... 0.5 s.
[[nodiscard]] const std::vector<double>& default_decision_buckets();

/// A distribution of observations over fixed buckets (Prometheus histogram).
///
/// Bucket i counts observations v <= bounds[i] (and above bounds[i-1]); one
/// more bucket holds the rest (+Inf). observe() is a binary search and two
/// relaxed atomic adds on this thread's shard. NaN observations are ignored:
/// they would turn the sum into NaN for the life of the process. Thread safe.
class histogram {
 public:
  /// Per bucket cumulative counts as exposed (`_bucket{le=...}`), then sum and count.
  struct snapshot {
    std::vector<std::uint64_t> cumulative;  // bounds().size() + 1 entries, the last is +Inf
    double sum = 0.0;
    std::uint64_t count = 0;  // == cumulative.back()
  };

  /// `bounds` must be finite and strictly increasing (std::invalid_argument otherwise).
  explicit histogram(std::vector<double> bounds);
  histogram(const histogram&) = delete;
  histogram& operator=(const histogram&) = delete;

  void observe(double v) noexcept;
  [[nodiscard]] snapshot collect() const;
  [[nodiscard]] std::span<const double> bounds() const noexcept { return bounds_; }

 private:
  static constexpr std::size_t counts_per_line = detail::cache_line / sizeof(std::uint64_t);
  struct alignas(detail::cache_line) line {
    std::array<std::atomic<std::uint64_t>, counts_per_line> counts{};
  };
  struct alignas(detail::cache_line) sum_cell {
    std::atomic<double> value{0.0};
  };

  std::vector<double> bounds_;
  std::size_t lines_per_shard_;
  std::unique_ptr<line[]> lines_;  // shard_count * lines_per_shard_, shard-major
  std::array<sum_cell, detail::shard_count> sums_;

  [[nodiscard]] std::atomic<std::uint64_t>& count_cell(std::size_t shard,
                                                       std::size_t bucket) const noexcept;
};

}  // namespace floodgate::metrics
