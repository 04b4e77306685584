// The sliding_window log's ring buffer.

#include <gtest/gtest.h>

#include "limit/timestamp_log.hpp"

namespace floodgate::limit {
namespace {

// Verifies order, growth and wrap-around over many push/drop cycles.
TEST(timestamp_log, keeps_order_across_wraps) {
  timestamp_log log;
  std::int64_t next = 100;
  std::int64_t oldest = 100;
  for (int round = 0; round < 50; ++round) {
    while (log.size() < 7) log.push(next++, 7);
    ASSERT_EQ(log.oldest(), oldest);
    ASSERT_EQ(log.newest(), next - 1);
    for (std::size_t i = 0; i < log.size(); ++i)
      ASSERT_EQ(log.at(i), oldest + static_cast<std::int64_t>(i));
    const std::size_t drop = static_cast<std::size_t>(round % 4) + 1;
    log.drop_oldest(drop);
    oldest += static_cast<std::int64_t>(drop);
  }
}

// Verifies count_at_or_before finds the expired prefix.
TEST(timestamp_log, counts_the_prefix) {
  timestamp_log log;
  for (const std::int64_t t : {10, 20, 20, 30, 40}) log.push(t, 10);
  EXPECT_EQ(log.count_at_or_before(9), 0u);
  EXPECT_EQ(log.count_at_or_before(20), 3u);
  EXPECT_EQ(log.count_at_or_before(39), 4u);
  EXPECT_EQ(log.count_at_or_before(1000), 5u);
}

// Verifies an earlier timestamp than the newest is stored as the newest (stays sorted).
TEST(timestamp_log, stays_sorted_when_time_steps_back) {
  timestamp_log log;
  log.push(50, 4);
  log.push(40, 4);
  EXPECT_EQ(log.at(0), 50);
  EXPECT_EQ(log.at(1), 50);
}

// Verifies dropping everything empties the log and it can be reused.
TEST(timestamp_log, empties_and_refills) {
  timestamp_log log;
  for (int i = 0; i < 5; ++i) log.push(i, 5);
  log.drop_oldest(5);
  EXPECT_TRUE(log.empty());
  log.push(99, 5);
  EXPECT_EQ(log.oldest(), 99);
  EXPECT_EQ(log.size(), 1u);
}

}  // namespace
}  // namespace floodgate::limit
