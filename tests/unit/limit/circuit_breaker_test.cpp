// circuit_breaker transitions with an injected steady clock.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <floodgate/limit/circuit_breaker.hpp>

namespace floodgate::limit {
namespace {

using namespace std::chrono_literals;

struct breaker_fixture : ::testing::Test {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  circuit_breaker breaker{breaker_options{3, 2000ms, [this] { return now; }}};

  void fail(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(breaker.try_acquire());
      breaker.on_failure();
    }
  }
};

// Verifies the breaker opens after failure_threshold consecutive failures, not before.
TEST_F(breaker_fixture, opens_after_threshold_consecutive_failures) {
  fail(2);
  EXPECT_EQ(breaker.state(), circuit_state::closed);
  fail(1);
  EXPECT_EQ(breaker.state(), circuit_state::open);
  EXPECT_FALSE(breaker.try_acquire());
}

// Verifies a success in between resets the consecutive count.
TEST_F(breaker_fixture, success_resets_the_count) {
  fail(2);
  ASSERT_TRUE(breaker.try_acquire());
  breaker.on_success();
  fail(2);
  EXPECT_EQ(breaker.state(), circuit_state::closed);
}

// Verifies open refuses until reset_timeout, then lets exactly one probe through.
TEST_F(breaker_fixture, one_probe_after_reset_timeout) {
  fail(3);
  now += 1999ms;
  EXPECT_FALSE(breaker.try_acquire());
  now += 1ms;
  EXPECT_TRUE(breaker.try_acquire());
  EXPECT_EQ(breaker.state(), circuit_state::half_open);
  EXPECT_FALSE(breaker.try_acquire()) << "a second probe while the first is out";
  now += 10s;
  EXPECT_FALSE(breaker.try_acquire()) << "half-open waits for its probe, however long";
}

// Verifies a successful probe closes the circuit.
TEST_F(breaker_fixture, probe_success_closes) {
  fail(3);
  now += 2s;
  ASSERT_TRUE(breaker.try_acquire());
  breaker.on_success();
  EXPECT_EQ(breaker.state(), circuit_state::closed);
  EXPECT_TRUE(breaker.try_acquire());
  breaker.on_success();
  fail(2);
  EXPECT_EQ(breaker.state(), circuit_state::closed) << "the count started again from zero";
}

// Verifies a failed probe opens the circuit for another reset_timeout.
TEST_F(breaker_fixture, probe_failure_reopens) {
  fail(3);
  now += 2s;
  ASSERT_TRUE(breaker.try_acquire());
  breaker.on_failure();
  EXPECT_EQ(breaker.state(), circuit_state::open);
  now += 1999ms;
  EXPECT_FALSE(breaker.try_acquire());
  now += 1ms;
  EXPECT_TRUE(breaker.try_acquire());
}

// Verifies results of calls that were in flight when the circuit opened are ignored.
TEST_F(breaker_fixture, stragglers_do_not_change_an_open_circuit) {
  fail(3);
  breaker.on_success();
  breaker.on_failure();
  EXPECT_EQ(breaker.state(), circuit_state::open);
  now += 2s;
  EXPECT_TRUE(breaker.try_acquire()) << "the straggling failure did not restart the timeout";
}

// Verifies that among many threads racing for the probe, exactly one gets it.
TEST_F(breaker_fixture, exactly_one_probe_under_contention) {
  fail(3);
  now += 2s;
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) granted += breaker.try_acquire() ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(granted.load(), 1);
}

// Verifies the SPEC spellings used by /health.
TEST(circuit_state_names, spell_like_spec) {
  EXPECT_EQ(to_string(circuit_state::closed), "closed");
  EXPECT_EQ(to_string(circuit_state::open), "open");
  EXPECT_EQ(to_string(circuit_state::half_open), "half_open");
}

}  // namespace
}  // namespace floodgate::limit
