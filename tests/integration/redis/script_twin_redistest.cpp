// The Lua script against its in-memory twin (memory_store): the same random
// sequences of requests at the same injected times must give the same
// decisions, remaining, reset_after and retry_after, limit by limit.
#include <atomic>
#include <future>
#include <random>
#include <vector>

#include <boost/asio/use_future.hpp>

#include <floodgate/limit/memory_store.hpp>

#include "limit_vectors.hpp"
#include "script_fixture.hpp"

namespace floodgate::test {
namespace {

using limit::algorithm;
using limit::limit_spec;
using std::chrono::milliseconds;

constexpr algorithm all_algorithms[] = {
    algorithm::token_bucket,   algorithm::leaky_bucket,           algorithm::fixed_window,
    algorithm::sliding_window, algorithm::sliding_window_counter, algorithm::gcra,
};

class script_twin_test : public script_fixture {
 protected:
  std::atomic<std::int64_t> now_us_{limit_vector_epoch_us};
  limit::memory_store memory_{[this] {
    return std::chrono::system_clock::time_point(std::chrono::microseconds(now_us_.load()));
  }};

  limit::verdict memory_check(std::string_view key, std::span<const limit_spec> limits,
                              std::int64_t at_us) {
    now_us_ = at_us;
    return memory_.async_check(key, limits, boost::asio::use_future).get();
  }

  // Runs `steps` requests with random gaps (bursts and pauses) through both.
  void compare(const std::string& key, const std::vector<limit_spec>& limits, std::uint32_t seed,
               int steps) {
    std::mt19937_64 rng(seed);
    const auto window_us = limits.front().window.count() * 1000;
    std::uniform_int_distribution<int> kind(0, 9);
    std::int64_t t =
        limit_vector_epoch_us + std::uniform_int_distribution<std::int64_t>(0, window_us)(rng);
    for (int i = 0; i < steps; ++i) {
      const int k = kind(rng);
      if (k < 5) {
        // burst: same µs
      } else if (k < 8) {
        t += std::uniform_int_distribution<std::int64_t>(1, window_us / 10)(rng);
      } else {
        t += std::uniform_int_distribution<std::int64_t>(window_us / 4, 2 * window_us)(rng);
      }
      SCOPED_TRACE("step " + std::to_string(i) + " at +" + std::to_string(t));
      const auto expected = memory_check(key, limits, t);
      const auto got = check(key, limits, t);
      ASSERT_EQ(got.allowed, expected.allowed);
      ASSERT_EQ(got.limits.size(), expected.limits.size());
      for (std::size_t l = 0; l < limits.size(); ++l) {
        EXPECT_EQ(got.limits[l].allowed, expected.limits[l].allowed) << "limit " << l;
        EXPECT_EQ(got.limits[l].remaining, expected.limits[l].remaining) << "limit " << l;
        EXPECT_EQ(got.limits[l].reset_after, expected.limits[l].reset_after) << "limit " << l;
        EXPECT_EQ(got.limits[l].retry_after, expected.limits[l].retry_after) << "limit " << l;
      }
      EXPECT_EQ(got.most_restrictive, expected.most_restrictive);
      EXPECT_EQ(got.decided_at, expected.decided_at);
    }
  }
};

// Verifies each algorithm alone, with small and odd limits and windows.
TEST_F(script_twin_test, each_algorithm_matches_memory_store) {
  const std::vector<std::pair<std::uint64_t, milliseconds>> shapes{{1, milliseconds(1000)},
                                                                   {3, milliseconds(1000)},
                                                                   {7, milliseconds(999)},
                                                                   {10, milliseconds(60'000)}};
  std::uint32_t seed = 1;
  for (auto algo : all_algorithms) {
    for (const auto& [limit, window] : shapes) {
      SCOPED_TRACE(std::string(limit::to_string(algo)) + " " + std::to_string(limit) + "/" +
                   std::to_string(window.count()) + "ms");
      const std::vector<limit_spec> limits{{algo, limit, window}};
      compare("twin:" + std::to_string(seed), limits, seed, 120);
      ++seed;
    }
  }
}

// Verifies routes with several limits: all-or-nothing decided the same way.
TEST_F(script_twin_test, several_limits_match_memory_store) {
  std::uint32_t seed = 100;
  for (auto a : all_algorithms) {
    for (auto b : all_algorithms) {
      SCOPED_TRACE(std::string(limit::to_string(a)) + "+" + std::string(limit::to_string(b)));
      const std::vector<limit_spec> limits{{a, 4, milliseconds(1000)}, {b, 6, milliseconds(3000)}};
      compare("multi:" + std::to_string(seed), limits, seed, 60);
      ++seed;
    }
  }
}

}  // namespace
}  // namespace floodgate::test
