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
      const permit p = breaker.try_acquire();
      ASSERT_EQ(p, permit::call);
      breaker.on_failure(p);
    }
  }
};

// Verifies the breaker opens after failure_threshold consecutive failures, not before.
TEST_F(breaker_fixture, opens_after_threshold_consecutive_failures) {
  fail(2);
  EXPECT_EQ(breaker.state(), circuit_state::closed);
  fail(1);
  EXPECT_EQ(breaker.state(), circuit_state::open);
  EXPECT_EQ(breaker.try_acquire(), permit::refused);
}

// Verifies a success in between resets the consecutive count.
TEST_F(breaker_fixture, success_resets_the_count) {
  fail(2);
  breaker.on_success(breaker.try_acquire());
  fail(2);
  EXPECT_EQ(breaker.state(), circuit_state::closed);
}

// Verifies open refuses until reset_timeout, then lets exactly one probe through.
TEST_F(breaker_fixture, one_probe_after_reset_timeout) {
  fail(3);
  now += 1999ms;
  EXPECT_EQ(breaker.try_acquire(), permit::refused);
  now += 1ms;
  EXPECT_EQ(breaker.try_acquire(), permit::probe);
  EXPECT_EQ(breaker.state(), circuit_state::half_open);
  EXPECT_EQ(breaker.try_acquire(), permit::refused) << "a second probe while the first is out";
  now += 10s;
  EXPECT_EQ(breaker.try_acquire(), permit::refused)
      << "half-open waits for its probe, however long";
}

// Verifies a successful probe closes the circuit.
TEST_F(breaker_fixture, probe_success_closes) {
  fail(3);
  now += 2s;
  const permit probe = breaker.try_acquire();
  ASSERT_EQ(probe, permit::probe);
  breaker.on_success(probe);
  EXPECT_EQ(breaker.state(), circuit_state::closed);
  breaker.on_success(breaker.try_acquire());
  fail(2);
  EXPECT_EQ(breaker.state(), circuit_state::closed) << "the count started again from zero";
}

// Verifies a failed probe opens the circuit for another reset_timeout.
TEST_F(breaker_fixture, probe_failure_reopens) {
  fail(3);
  now += 2s;
  const permit probe = breaker.try_acquire();
  ASSERT_EQ(probe, permit::probe);
  breaker.on_failure(probe);
  EXPECT_EQ(breaker.state(), circuit_state::open);
  now += 1999ms;
  EXPECT_EQ(breaker.try_acquire(), permit::refused);
  now += 1ms;
  EXPECT_EQ(breaker.try_acquire(), permit::probe);
}

// Verifies results of calls that were in flight when the circuit opened are ignored.
TEST_F(breaker_fixture, stragglers_do_not_change_an_open_circuit) {
  fail(3);
  breaker.on_success(permit::call);
  breaker.on_failure(permit::call);
  EXPECT_EQ(breaker.state(), circuit_state::open);
  now += 2s;
  EXPECT_EQ(breaker.try_acquire(), permit::probe)
      << "the straggling failure did not restart the timeout";
}

// Verifies only the probe decides a half-open circuit: calls that left before the
// circuit opened and come back while the probe is out change nothing.
TEST_F(breaker_fixture, stragglers_do_not_decide_a_half_open_circuit) {
  fail(3);
  now += 2s;
  const permit probe = breaker.try_acquire();
  ASSERT_EQ(probe, permit::probe);
  breaker.on_success(permit::call);
  EXPECT_EQ(breaker.state(), circuit_state::half_open) << "a straggler's success closed it";
  breaker.on_failure(permit::call);
  EXPECT_EQ(breaker.state(), circuit_state::half_open) << "a straggler's failure reopened it";
  breaker.on_success(probe);
  EXPECT_EQ(breaker.state(), circuit_state::closed);
}

// Verifies a probe that the store answered without asking its backend hands the
// probe to the next caller at once, without closing the circuit.
TEST_F(breaker_fixture, an_unanswered_probe_passes_the_probe_on) {
  fail(3);
  now += 2s;
  const permit probe = breaker.try_acquire();
  ASSERT_EQ(probe, permit::probe);
  breaker.on_unanswered(probe);
  EXPECT_EQ(breaker.state(), circuit_state::open);
  EXPECT_EQ(breaker.try_acquire(), permit::probe) << "no second reset_timeout to wait";
  breaker.on_unanswered(permit::call);  // an ordinary call's changes nothing
  EXPECT_EQ(breaker.state(), circuit_state::half_open);
}

// Verifies that among many threads racing for the probe, exactly one gets it.
TEST_F(breaker_fixture, exactly_one_probe_under_contention) {
  fail(3);
  now += 2s;
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) granted += breaker.try_acquire() == permit::probe ? 1 : 0;
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
