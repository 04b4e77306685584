// The shared vectors (tests/support/limit_vectors.hpp) against memory_store with
// an injected clock. redis_store runs the same table against the Lua scripts.

#include <cctype>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include <limit_vectors.hpp>

#include "test_helpers.hpp"

namespace floodgate::test {
// Readable names in failure messages instead of a byte dump (found by ADL).
inline void PrintTo(const limit_vector& v, std::ostream* os) {
  *os << v.name;
}
}  // namespace floodgate::test

namespace floodgate::limit {
namespace {

class shared_vectors : public ::testing::TestWithParam<floodgate::test::limit_vector> {};

// Verifies each step's decision, per-limit remaining and retry_after (ms, rounded up).
TEST_P(shared_vectors, memory_store_matches) {
  const auto& vec = GetParam();
  // Realtime-safe vectors run at an instant inside a window, like a real clock would.
  const std::int64_t start =
      floodgate::test::limit_vector_epoch_us + (vec.realtime_safe ? 1'234'567 : 0);
  test::fake_clock clock(start);
  memory_store store(clock.function());
  for (std::size_t i = 0; i < vec.steps.size(); ++i) {
    const auto& step = vec.steps[i];
    clock.set(start + step.at_us);
    const auto [ec, v] = test::run_check(store, "vector:client", vec.limits);
    ASSERT_FALSE(ec) << ec.message();
    SCOPED_TRACE("step " + std::to_string(i) + " at +" + std::to_string(step.at_us) + " us");
    EXPECT_EQ(v.allowed, step.allowed);
    ASSERT_EQ(v.limits.size(), step.remaining.size());
    for (std::size_t l = 0; l < v.limits.size(); ++l) {
      EXPECT_EQ(v.limits[l].remaining, step.remaining[l]) << "limit " << l;
    }
    if (step.retry_after_ms >= 0) {
      EXPECT_EQ(v.retry_after().count(), step.retry_after_ms);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(table, shared_vectors,
                         ::testing::ValuesIn(floodgate::test::limit_vectors()),
                         [](const auto& test_info) {
                           std::string name;
                           for (const char c : test_info.param.name) {
                             name += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace floodgate::limit
