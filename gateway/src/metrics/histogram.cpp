#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace floodgate::metrics {

const std::vector<double>& default_latency_buckets() {
  // A proxied request takes from well under a millisecond (local backend) to
  // seconds (slow upstream, up to its timeout).
  static const std::vector<double> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

const std::vector<double>& default_decision_buckets() {
  // A memory-store decision is microseconds, a Redis round trip a fraction of
  // a millisecond; the top end covers anything up to a generous redis.timeout.
  // Fine steps around 1 ms, the usual objective for a remote decision: with only
  // 1 ms and 2.5 ms there, a p99 of 1.1 ms and one of 2.4 ms read the same.
  static const std::vector<double> bounds{0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001,
                                          0.0015,  0.002,  0.0025,  0.005,  0.01,    0.025,
                                          0.05,    0.1,    0.25,    0.5};
  return bounds;
}

histogram::histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
  const std::size_t buckets = bounds_.size() + 1;
  lines_per_shard_ = (buckets + counts_per_line - 1) / counts_per_line;
  lines_ = std::make_unique<line[]>(detail::shard_count * lines_per_shard_);
}

std::atomic<std::uint64_t>& histogram::count_cell(std::size_t shard,
                                                  std::size_t bucket) const noexcept {
  line& l = lines_[shard * lines_per_shard_ + bucket / counts_per_line];
  return l.counts[bucket % counts_per_line];
}

void histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;
  // First bound >= v: the bucket whose `le` admits v; end() is +Inf.
  const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                               bounds_.begin());
  const std::size_t shard = detail::shard_index();
  count_cell(shard, bucket).fetch_add(1, std::memory_order_relaxed);
  sums_[shard].value.fetch_add(v, std::memory_order_relaxed);
}

histogram::snapshot histogram::collect() const {
  snapshot s;
  s.cumulative.assign(bounds_.size() + 1, 0);
  for (std::size_t shard = 0; shard < detail::shard_count; ++shard) {
    for (std::size_t b = 0; b < s.cumulative.size(); ++b) {
      s.cumulative[b] += count_cell(shard, b).load(std::memory_order_relaxed);
    }
    s.sum += sums_[shard].value.load(std::memory_order_relaxed);
  }
  std::uint64_t running = 0;
  for (auto& c : s.cumulative) {
    running += c;
    c = running;
  }
  // _count is derived from the buckets, so it always equals the +Inf bucket.
  s.count = running;
  return s;
}

}  // namespace floodgate::metrics
