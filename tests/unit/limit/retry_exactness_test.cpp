// retry_after is exact for every algorithm: after waiting exactly retry_after the
// request passes, and one microsecond earlier it does not (SPEC: Retry-After is
// never early). Random traffic, many limits and windows, each denial checked.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "simulator.hpp"

namespace floodgate::limit {
namespace {

struct exactness_case {
  algorithm algo;
  std::uint64_t limit;
  std::int64_t window_ms;
};

// Readable names in failure messages instead of a byte dump.
void PrintTo(const exactness_case& c, std::ostream* os) {
  *os << to_string(c.algo) << " " << c.limit << " per " << c.window_ms << " ms";
}

class retry_exactness : public ::testing::TestWithParam<exactness_case> {};

// Verifies after a denial: allowed at now + retry_after_us, denied at now + retry_after_us - 1.
TEST_P(retry_exactness, retry_after_is_the_first_moment_that_passes) {
  const auto c = GetParam();
  test::single_limit s({c.algo, c.limit, std::chrono::milliseconds(c.window_ms)});
  std::mt19937_64 rng(c.limit * 7919 + static_cast<std::uint64_t>(c.window_ms));
  const std::int64_t w = c.window_ms * 1000;
  std::int64_t now = 1'763'769'600'000'000 + static_cast<std::int64_t>(rng() % 1'000'000);
  int denials = 0;
  for (int i = 0; i < 4000; ++i) {
    // Mostly bursts, sometimes a pause of up to two windows.
    now += rng() % 4 == 0 ? static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * w))
                          : static_cast<std::int64_t>(rng() % 2000);
    const limit_result r = s.hit(now);
    if (r.allowed) {
      ASSERT_EQ(r.retry_after_us, 0);
      continue;
    }
    ++denials;
    // A denial commits nothing, so peeking later sees the same state.
    ASSERT_GT(r.retry_after_us, 0) << "request " << i;
    ASSERT_TRUE(s.peek(now + r.retry_after_us).allowed) << "request " << i;
    ASSERT_FALSE(s.peek(now + r.retry_after_us - 1).allowed) << "request " << i;
  }
  EXPECT_GT(denials, 100) << "the traffic should be denied often enough to test something";
}

INSTANTIATE_TEST_SUITE_P(
    all_algorithms, retry_exactness,
    ::testing::Values(exactness_case{algorithm::token_bucket, 3, 1'000},
                      exactness_case{algorithm::token_bucket, 7, 333},
                      exactness_case{algorithm::leaky_bucket, 3, 1'000},
                      exactness_case{algorithm::leaky_bucket, 11, 2'500},
                      exactness_case{algorithm::fixed_window, 3, 1'000},
                      exactness_case{algorithm::fixed_window, 1, 250},
                      exactness_case{algorithm::sliding_window, 3, 1'000},
                      exactness_case{algorithm::sliding_window, 9, 777},
                      exactness_case{algorithm::sliding_window_counter, 3, 1'000},
                      exactness_case{algorithm::sliding_window_counter, 1, 1'000},
                      exactness_case{algorithm::sliding_window_counter, 13, 3'001},
                      exactness_case{algorithm::gcra, 3, 1'000},
                      exactness_case{algorithm::gcra, 7, 1'000},
                      exactness_case{algorithm::gcra, 1, 60'000}),
    [](const auto& test_info) {
      return std::string(to_string(test_info.param.algo)) + "_" +
             std::to_string(test_info.param.limit) + "_per_" +
             std::to_string(test_info.param.window_ms) + "ms";
    });

}  // namespace
}  // namespace floodgate::limit
