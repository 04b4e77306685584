// Fixed latency histogram shared by the analytics writer (which fills
// decision_rollup_minute.latency_buckets) and the dashboard (which reads it back).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace floodgate::analytics {

/// Upper bounds (inclusive, milliseconds) of the latency buckets, in order. The last
/// bucket is unbounded. Changing this array changes the meaning of every stored
/// `latency_buckets` array: append-only in practice, and never reorder.
inline constexpr std::array<double, 15> latency_bucket_bounds_ms{
    0.5,  1,    2.5,  5,     10,
    25,   50,   100,  250,   500,
    1000, 2500, 5000, 10000, std::numeric_limits<double>::infinity()};

/// Number of buckets: the length of every `latency_buckets` array in PostgreSQL.
inline constexpr std::size_t latency_bucket_count = latency_bucket_bounds_ms.size();

/// Counts per bucket, index-aligned with latency_bucket_bounds_ms.
using latency_histogram = std::array<std::uint64_t, latency_bucket_count>;

/// Index of the bucket that holds `latency_ms`: the first whose upper bound is >= it.
/// Negative values and NaN land in bucket 0 (a clock step can make a latency negative).
[[nodiscard]] constexpr std::size_t latency_bucket_index(double latency_ms) noexcept {
  for (std::size_t i = 0; i + 1 < latency_bucket_count; ++i) {
    if (!(latency_ms > latency_bucket_bounds_ms[i])) return i;
  }
  return latency_bucket_count - 1;
}

/// Estimates the `q` quantile (0..1, e.g. 0.99) in milliseconds from bucket counts, by
/// linear interpolation inside the bucket that holds the target rank (the first bucket
/// starts at 0). A rank in the unbounded last bucket returns the last finite bound, as
/// Prometheus' histogram_quantile does. Returns 0 when there are no observations.
/// `counts` may be shorter than latency_bucket_count (missing buckets count as 0); extra
/// entries are ignored.
[[nodiscard]] double latency_percentile_ms(std::span<const std::uint64_t> counts,
                                           double q) noexcept;

/// Same, for signed counts as they come back from a bigint[] column.
[[nodiscard]] double latency_percentile_ms(std::span<const std::int64_t> counts, double q) noexcept;

}  // namespace floodgate::analytics
