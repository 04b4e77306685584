// The dashboard's grouping of decisions and latency estimates.
#include <gtest/gtest.h>

#include "stats.hpp"

namespace floodgate::dashboard {
namespace {

// Verifies allowed = forwarded and blocked = refused, and that the parts add up.
TEST(decision_counts, groups_decisions_by_outcome) {
  decision_counts c;
  c.add("allowed", 5);
  c.add("shadow_blocked", 2);
  c.add("fail_open", 1);
  c.add("blocked", 3);
  c.add("fail_closed", 4);
  c.add("something_new", 6);
  EXPECT_EQ(c.forwarded(), 8u);
  EXPECT_EQ(c.refused(), 7u);
  EXPECT_EQ(c.other, 6u);
  EXPECT_EQ(c.total(), 21u);
  EXPECT_DOUBLE_EQ(c.block_rate(), 7.0 / 21.0);
  EXPECT_DOUBLE_EQ(decision_counts{}.block_rate(), 0.0) << "no traffic is not a division by zero";
}

// Verifies merging stats adds counts, latency sums and histograms.
TEST(traffic_stats, merges_and_estimates) {
  traffic_stats a;
  a.counts.add("allowed", 2);
  a.latency_sum_ms = 6;
  a.latency[analytics::latency_bucket_index(3.0)] = 2;
  traffic_stats b;
  b.counts.add("blocked", 2);
  b.latency_sum_ms = 2;
  b.latency[analytics::latency_bucket_index(1.0)] = 2;
  a.add(b);
  EXPECT_EQ(a.counts.total(), 4u);
  EXPECT_DOUBLE_EQ(*a.mean_ms(), 2.0);
  const double p99 = *a.percentile_ms(0.99);
  EXPECT_GT(p99, 2.5);
  EXPECT_LE(p99, 5.0);
  EXPECT_FALSE(traffic_stats{}.percentile_ms(0.5)) << "no requests: no percentile";
  EXPECT_FALSE(traffic_stats{}.mean_ms());
}

}  // namespace
}  // namespace floodgate::dashboard
