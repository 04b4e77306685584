#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "metrics/histogram.hpp"

namespace floodgate::metrics {
namespace {

// Verifies a value equal to a bound counts in that bound's bucket (le is <=).
TEST(histogram, bounds_are_inclusive) {
  histogram h({0.1, 0.5, 1.0});
  h.observe(0.1);
  h.observe(0.5);
  h.observe(1.0);
  const auto s = h.collect();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 2, 3, 3}));
}

// Verifies cumulative counts, the +Inf bucket, sum and count.
TEST(histogram, cumulative_sum_and_count) {
  histogram h({0.1, 0.5, 1.0});
  for (double v : {0.05, 0.05, 0.3, 0.7, 0.9, 2.0, 100.0, -1.0}) h.observe(v);
  const auto s = h.collect();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{3, 4, 6, 8}));
  EXPECT_EQ(s.count, 8u);
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.05 + 0.3 + 0.7 + 0.9 + 2.0 + 100.0 - 1.0);
}

// Verifies NaN is dropped and infinities land in +Inf / the first bucket.
TEST(histogram, non_finite_observations) {
  histogram h({1.0});
  h.observe(std::nan(""));
  h.observe(INFINITY);
  h.observe(-INFINITY);
  const auto s = h.collect();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(s.count, 2u);
  EXPECT_TRUE(std::isnan(s.sum));  // +Inf + -Inf: the observations really were that
}

// Verifies a histogram without bounds is a plain count and sum.
TEST(histogram, no_bounds) {
  histogram h({});
  h.observe(3.0);
  h.observe(4.0);
  const auto s = h.collect();
  EXPECT_EQ(s.cumulative, std::vector<std::uint64_t>{2});
  EXPECT_DOUBLE_EQ(s.sum, 7.0);
}

// Verifies many buckets (more than one cache line of counts per shard).
TEST(histogram, many_buckets) {
  std::vector<double> bounds;
  for (int i = 1; i <= 40; ++i) bounds.push_back(i);
  histogram h(bounds);
  for (int i = 1; i <= 41; ++i) h.observe(i - 0.5);
  const auto s = h.collect();
  ASSERT_EQ(s.cumulative.size(), 41u);
  for (std::size_t i = 0; i < s.cumulative.size(); ++i) EXPECT_EQ(s.cumulative[i], i + 1);
}

// Verifies unsorted, duplicate or non-finite bounds are refused.
TEST(histogram, invalid_bounds) {
  EXPECT_THROW(histogram({0.5, 0.1}), std::invalid_argument);
  EXPECT_THROW(histogram({0.1, 0.1}), std::invalid_argument);
  EXPECT_THROW(histogram({0.1, INFINITY}), std::invalid_argument);
  EXPECT_THROW(histogram({std::nan("")}), std::invalid_argument);
}

// Verifies the default bucket layouts cover what the SPEC series measure.
TEST(histogram, default_buckets) {
  const auto& latency = default_latency_buckets();
  EXPECT_DOUBLE_EQ(latency.front(), 0.0005);
  EXPECT_DOUBLE_EQ(latency.back(), 10.0);
  const auto& decision = default_decision_buckets();
  EXPECT_DOUBLE_EQ(decision.front(), 0.00005);
  EXPECT_DOUBLE_EQ(decision.back(), 0.5);
  // The 1 ms objective for a Redis decision is a bound, with steps either side.
  for (const double around_1ms : {0.00075, 0.001, 0.0015, 0.002})
    EXPECT_NE(std::find(decision.begin(), decision.end(), around_1ms), decision.end())
        << around_1ms;
  // Both are valid bounds (the constructor checks order).
  EXPECT_NO_THROW(histogram{latency});
  EXPECT_NO_THROW(histogram{decision});
}

}  // namespace
}  // namespace floodgate::metrics
