#include <floodgate/analytics/latency_buckets.hpp>

#include <algorithm>
#include <cmath>

namespace floodgate::analytics {
namespace {

template <typename Count>
double percentile(std::span<const Count> counts, double q) noexcept {
  const std::size_t n = std::min(counts.size(), latency_bucket_count);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) total += static_cast<double>(std::max<Count>(counts[i], 0));
  if (total <= 0) return 0;
  if (!(q > 0)) q = 0;  // also maps NaN to 0
  q = std::min(q, 1.0);

  // Rank of the wanted observation; walk the cumulative counts to its bucket.
  const double rank = q * total;
  double below = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto in_bucket = static_cast<double>(std::max<Count>(counts[i], 0));
    if (in_bucket <= 0 || below + in_bucket < rank) {
      below += in_bucket;
      continue;
    }
    const double upper = latency_bucket_bounds_ms[i];
    const double lower = i == 0 ? 0.0 : latency_bucket_bounds_ms[i - 1];
    if (std::isinf(upper)) return lower;
    return lower + (upper - lower) * ((rank - below) / in_bucket);
  }
  // Only reached through rounding at q == 1: the highest non-empty bucket's bound.
  for (std::size_t i = n; i-- > 0;) {
    if (counts[i] > 0) {
      const double upper = latency_bucket_bounds_ms[i];
      return std::isinf(upper) ? latency_bucket_bounds_ms[i - 1] : upper;
    }
  }
  return 0;
}

}  // namespace

double latency_percentile_ms(std::span<const std::uint64_t> counts, double q) noexcept {
  return percentile(counts, q);
}

double latency_percentile_ms(std::span<const std::int64_t> counts, double q) noexcept {
  return percentile(counts, q);
}

}  // namespace floodgate::analytics
