#include <floodgate/analytics/latency_buckets.hpp>

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

// Verifies bounds are inclusive upper bounds and the last bucket takes everything above.
TEST(latency_buckets, index_uses_inclusive_upper_bounds) {
  EXPECT_EQ(latency_bucket_count, 15u);
  EXPECT_EQ(latency_bucket_index(0.0), 0u);
  EXPECT_EQ(latency_bucket_index(0.5), 0u);
  EXPECT_EQ(latency_bucket_index(0.51), 1u);
  EXPECT_EQ(latency_bucket_index(1.0), 1u);
  EXPECT_EQ(latency_bucket_index(2.5), 2u);
  EXPECT_EQ(latency_bucket_index(10000.0), 13u);
  EXPECT_EQ(latency_bucket_index(10000.1), 14u);
  EXPECT_EQ(latency_bucket_index(1e12), 14u);
  EXPECT_EQ(latency_bucket_index(-3.0), 0u);
  EXPECT_EQ(latency_bucket_index(std::nan("")), 0u);
}

// Verifies interpolation inside the bucket that holds the rank.
TEST(latency_buckets, percentile_interpolates_inside_the_bucket) {
  latency_histogram h{};
  h[3] = 100;  // all in (2.5, 5]
  EXPECT_DOUBLE_EQ(latency_percentile_ms(h, 0.5), 3.75);
  EXPECT_DOUBLE_EQ(latency_percentile_ms(h, 1.0), 5.0);
  EXPECT_DOUBLE_EQ(latency_percentile_ms(h, 0.0), 2.5);

  latency_histogram two{};
  two[0] = 50;  // [0, 0.5]
  two[6] = 50;  // (25, 50]
  EXPECT_DOUBLE_EQ(latency_percentile_ms(two, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(latency_percentile_ms(two, 0.99), 25.0 + 25.0 * (49.0 / 50.0));
  EXPECT_DOUBLE_EQ(latency_percentile_ms(two, 0.25), 0.25);
}

// Verifies the unbounded bucket reports its lower bound, and empty input gives 0.
TEST(latency_buckets, percentile_edges) {
  latency_histogram h{};
  EXPECT_EQ(latency_percentile_ms(h, 0.5), 0.0);
  h[14] = 10;
  EXPECT_EQ(latency_percentile_ms(h, 0.99), 10000.0);
  const std::vector<std::int64_t> short_db_array{0, 4};  // as read from bigint[]
  EXPECT_DOUBLE_EQ(latency_percentile_ms(short_db_array, 0.5), 0.75);
}

}  // namespace
}  // namespace floodgate::analytics
