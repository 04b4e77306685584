// The denial cache on its own (no server): expiry, honest headers, LRU bound.
#include <gtest/gtest.h>

#include "redis/denial_cache.hpp"

namespace floodgate::redis::detail {
namespace {

using std::chrono::milliseconds;
using clock = denial_cache::clock;

limit::verdict denied(milliseconds retry) {
  limit::verdict v;
  v.allowed = false;
  v.limits.push_back({10, 0, milliseconds(5000), retry, false});
  v.limits.push_back({100, 42, milliseconds(900), milliseconds(0), true});
  v.decided_at = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  return v;
}

// Verifies an entry answers until `until`, with retry/reset shrinking as time passes.
TEST(denial_cache, answers_until_the_retry_moment) {
  denial_cache cache;
  const auto t0 = clock::time_point(std::chrono::seconds(50));
  cache.insert("k", denied(milliseconds(1000)), t0, t0 + milliseconds(1000));

  auto hit = cache.find("k", t0 + milliseconds(300));
  ASSERT_TRUE(hit);
  EXPECT_FALSE(hit->allowed);
  EXPECT_EQ(hit->limits[0].retry_after, milliseconds(700));
  EXPECT_EQ(hit->limits[0].reset_after, milliseconds(4700));
  EXPECT_EQ(hit->limits[0].remaining, 0u);
  EXPECT_EQ(hit->limits[1].remaining, 42u);
  EXPECT_EQ(hit->retry_after(), milliseconds(700));
  EXPECT_EQ(hit->decided_at, denied(milliseconds(0)).decided_at + milliseconds(300));

  EXPECT_FALSE(cache.find("k", t0 + milliseconds(1000)));
  EXPECT_EQ(cache.size(), 0u);  // the expired entry was dropped
  EXPECT_FALSE(cache.find("other", t0));
}

// Verifies a retry is rounded up, never early, when time has moved by a fraction of a ms.
TEST(denial_cache, rounds_retry_up) {
  denial_cache cache;
  const auto t0 = clock::time_point(std::chrono::seconds(50));
  cache.insert("k", denied(milliseconds(10)), t0, t0 + milliseconds(10));
  auto hit = cache.find("k", t0 + std::chrono::microseconds(2500));
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->limits[0].retry_after, milliseconds(8));  // 7.5 ms left -> 8
}

// Verifies the cache stays within capacity, evicting the least recently used.
TEST(denial_cache, is_bounded) {
  denial_cache cache(2);
  const auto t0 = clock::time_point(std::chrono::seconds(50));
  const auto until = t0 + milliseconds(1000);
  cache.insert("a", denied(milliseconds(1000)), t0, until);
  cache.insert("b", denied(milliseconds(1000)), t0, until);
  ASSERT_TRUE(cache.find("a", t0));  // a is now the most recent
  cache.insert("c", denied(milliseconds(1000)), t0, until);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("a", t0));
  EXPECT_FALSE(cache.find("b", t0));
  EXPECT_TRUE(cache.find("c", t0));
}

}  // namespace
}  // namespace floodgate::redis::detail
