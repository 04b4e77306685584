// The maths of each algorithm against its definition in docs/limiter.md, with
// the clock stepped by hand. Exact boundaries and retry_after are covered
// further by vectors_test.cpp and retry_exactness_test.cpp.

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>

#include <gtest/gtest.h>

#include "limit/algorithms.hpp"
#include "simulator.hpp"

namespace floodgate::limit {
namespace {

using std::chrono::milliseconds;
using test::single_limit;

constexpr std::int64_t t0 = 1'700'000'000'000'000;  // µs, aligned to a second
constexpr std::int64_t sec = 1'000'000;

limit_spec spec(algorithm a, std::uint64_t limit, std::int64_t window_ms) {
  return {a, limit, milliseconds(window_ms)};
}

// Verifies a fresh token bucket allows a burst of exactly `limit`, counting remaining down.
TEST(token_bucket, allows_a_burst_of_capacity_then_denies) {
  single_limit b(spec(algorithm::token_bucket, 5, 10'000));
  for (std::uint64_t i = 0; i < 5; ++i) {
    const auto r = b.hit(t0);
    EXPECT_TRUE(r.allowed);
    EXPECT_EQ(r.remaining, 4 - i);
  }
  const auto denied = b.hit(t0);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0u);
  EXPECT_EQ(denied.retry_after_us, 2 * sec);   // one token per 10 s / 5
  EXPECT_EQ(denied.reset_after_us, 10 * sec);  // empty -> full takes the window
}

// Verifies refill is continuous at limit/window: half a token is not enough, a whole one is.
TEST(token_bucket, refills_continuously) {
  single_limit b(spec(algorithm::token_bucket, 10, 1'000));  // one token per 100 ms
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(b.hit(t0).allowed);
  EXPECT_FALSE(b.hit(t0 + 50'000).allowed);
  EXPECT_TRUE(b.hit(t0 + 100'000).allowed);
  EXPECT_FALSE(b.hit(t0 + 100'000).allowed);
  const auto r = b.hit(t0 + 350'000);  // 2.5 tokens accrued since the last take
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.remaining, 1u);
}

// Verifies a long idle period fills the bucket to capacity, not beyond.
TEST(token_bucket, never_holds_more_than_capacity) {
  single_limit b(spec(algorithm::token_bucket, 3, 1'000));
  ASSERT_TRUE(b.hit(t0).allowed);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += b.hit(t0 + 3600 * sec).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 3);
}

// Verifies the leaky bucket drains at limit/window and reports time until empty.
TEST(leaky_bucket, drains_at_the_rate) {
  single_limit b(spec(algorithm::leaky_bucket, 4, 2'000));  // one request drains in 500 ms
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(b.hit(t0).allowed);
  const auto full = b.hit(t0);
  EXPECT_FALSE(full.allowed);
  EXPECT_EQ(full.retry_after_us, 500'000);
  EXPECT_EQ(full.reset_after_us, 2 * sec);
  EXPECT_TRUE(b.hit(t0 + 500'000).allowed);
  EXPECT_EQ(b.peek(t0 + 2'500'000).remaining, 3u);  // drained empty; the peeked request takes 1
}

// Verifies fixed windows are aligned to the epoch: a window starts at floor(t / w) * w.
TEST(fixed_window, windows_are_aligned) {
  single_limit w(spec(algorithm::fixed_window, 2, 60'000));
  const std::int64_t minute = 60 * sec;
  const std::int64_t start = (t0 / minute) * minute;
  const auto r = w.hit(start + 59 * sec);
  EXPECT_TRUE(r.allowed);
  EXPECT_EQ(r.reset_after_us, sec);  // the window ends at start + 60 s, not 60 s from now
  ASSERT_TRUE(w.hit(start + 59 * sec).allowed);
  EXPECT_FALSE(w.hit(start + minute - 1).allowed);
  // The known cost of fixed windows: 2 * limit around a boundary.
  EXPECT_TRUE(w.hit(start + minute).allowed);
  EXPECT_TRUE(w.hit(start + minute).allowed);
}

// Verifies the exact log never allows more than `limit` in any window-long interval
// and always allows when fewer are logged (an independent brute-force oracle).
TEST(sliding_window, matches_a_brute_force_log) {
  const std::int64_t w = 1 * sec;
  single_limit s(spec(algorithm::sliding_window, 5, 1'000));
  std::deque<std::int64_t> allowed_at;
  std::mt19937_64 rng(42);
  std::int64_t now = t0;
  for (int i = 0; i < 5000; ++i) {
    now += static_cast<std::int64_t>(rng() % 150'000);
    while (!allowed_at.empty() && allowed_at.front() <= now - w) allowed_at.pop_front();
    const bool expected = allowed_at.size() < 5;
    const auto r = s.hit(now);
    ASSERT_EQ(r.allowed, expected) << "request " << i;
    if (r.allowed) allowed_at.push_back(now);
    ASSERT_EQ(r.remaining, 5 - allowed_at.size());
  }
}

// Verifies the counter weights the previous window by the part of it still covered.
TEST(sliding_window_counter, weights_the_previous_window) {
  const std::int64_t w = 10 * sec;
  single_limit c(spec(algorithm::sliding_window_counter, 10, 10'000));
  const std::int64_t start = (t0 / w) * w;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(c.hit(start).allowed);
  // 30% into the next window the previous 10 weigh 7: three more fit, not four.
  const std::int64_t at = start + w + 3 * sec;
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += c.hit(at).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 3);
  // Two windows on, nothing is remembered.
  EXPECT_EQ(c.peek(start + 3 * w).remaining, 9u);
}

// Verifies gcra keeps T = window / limit exact even when it is not a whole number of µs.
TEST(gcra, emission_interval_is_exact) {
  single_limit g(spec(algorithm::gcra, 7, 1'000));  // T = 142857.14 µs
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(g.hit(t0).allowed);
  ASSERT_FALSE(g.hit(t0).allowed);
  // Steady state: exactly 7 more per second; the 700th is due at exactly t0 + 100 s.
  int allowed = 0;
  for (std::int64_t t = t0 + 1'000; t <= t0 + 100 * sec; t += 1'000) {
    allowed += g.hit(t).allowed ? 1 : 0;
  }
  EXPECT_EQ(allowed, 700);
}

// Verifies token_bucket, leaky_bucket and gcra are one meter: same decisions,
// remaining and retry_after on the same random traffic.
TEST(meters, token_leaky_and_gcra_agree) {
  for (const std::uint64_t limit : {1u, 3u, 10u, 7u}) {
    single_limit tb(spec(algorithm::token_bucket, limit, 1'500));
    single_limit lb(spec(algorithm::leaky_bucket, limit, 1'500));
    single_limit gc(spec(algorithm::gcra, limit, 1'500));
    std::mt19937_64 rng(limit);
    std::int64_t now = t0;
    for (int i = 0; i < 3000; ++i) {
      now += static_cast<std::int64_t>(rng() % 400'000);
      const auto a = tb.hit(now);
      const auto b = lb.hit(now);
      const auto c = gc.hit(now);
      ASSERT_EQ(a.allowed, b.allowed) << "limit " << limit << " request " << i;
      ASSERT_EQ(a.allowed, c.allowed) << "limit " << limit << " request " << i;
      ASSERT_EQ(a.remaining, b.remaining);
      ASSERT_EQ(a.remaining, c.remaining);
      ASSERT_EQ(a.retry_after_us, b.retry_after_us);
      ASSERT_EQ(a.retry_after_us, c.retry_after_us);
      ASSERT_EQ(a.reset_after_us, c.reset_after_us);
    }
  }
}

// Verifies a clock that steps back neither allows extra requests nor breaks the state.
TEST(algorithms, clock_stepping_back_is_harmless) {
  for (const auto a :
       {algorithm::token_bucket, algorithm::leaky_bucket, algorithm::fixed_window,
        algorithm::sliding_window, algorithm::sliding_window_counter, algorithm::gcra}) {
    single_limit s(spec(a, 3, 1'000));
    int allowed = 0;
    for (int i = 0; i < 3; ++i) allowed += s.hit(t0 + 500'000).allowed ? 1 : 0;
    for (int i = 0; i < 3; ++i) allowed += s.hit(t0 + 400'000).allowed ? 1 : 0;
    EXPECT_EQ(allowed, 3) << to_string(a);
  }
}

// Verifies the exactness bound: limit >= 1, window >= 1 ms, limit * window_us <= 2^53.
TEST(algorithms, supported_specs) {
  EXPECT_TRUE(is_supported(spec(algorithm::gcra, 1, 1)));
  EXPECT_TRUE(is_supported(spec(algorithm::token_bucket, 100'000, 86'400'000)));
  EXPECT_FALSE(is_supported(spec(algorithm::token_bucket, 0, 1'000)));
  EXPECT_FALSE(is_supported(spec(algorithm::token_bucket, 10, 0)));
  EXPECT_FALSE(is_supported(spec(algorithm::token_bucket, 200'000, 86'400'000)));
  // Only the algorithms that scale counts by the window are bounded by limit x window.
  for (const auto a : {algorithm::leaky_bucket, algorithm::sliding_window_counter, algorithm::gcra})
    EXPECT_FALSE(is_supported(spec(a, 200'000, 86'400'000)));
  EXPECT_TRUE(is_supported(spec(algorithm::fixed_window, 4'000'000'000, 86'400'000)));
  EXPECT_TRUE(is_supported(spec(algorithm::sliding_window, 1'000'000, 86'400'000)));
  EXPECT_FALSE(is_supported(spec(algorithm::sliding_window, 5'000'000'000, 86'400'000)));
}

}  // namespace
}  // namespace floodgate::limit
