// limiter: decisions per failure mode, shadow and unlimited routes, and the
// breaker driven by a store that fails on its n-th call.

#include <chrono>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include <floodgate/limit/error.hpp>
#include <floodgate/limit/limiter.hpp>
#include <floodgate/limit/memory_store.hpp>

#include "fake_store.hpp"
#include "test_helpers.hpp"

namespace floodgate::limit {
namespace {

using namespace std::chrono_literals;
using test::run_decide;

const std::vector<limit_spec> one_limit{{algorithm::fixed_window, 2, 60'000ms}};

struct limiter_fixture : ::testing::Test {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  std::shared_ptr<test::fake_store> store = std::make_shared<test::fake_store>();
  limiter lim{store, breaker_options{3, 2000ms, [this] { return now; }}};
};

// Verifies a route without limits is unlimited and costs no store call.
TEST_F(limiter_fixture, no_limits_is_unlimited_without_a_store_call) {
  const auto r = run_decide(lim, "k", {}, failure_mode::closed);
  EXPECT_EQ(r.what, decision::unlimited);
  EXPECT_EQ(store->calls(), 0u);
}

// Verifies allowed, blocked, and shadow_blocked (shadow turns a denial into a pass).
TEST(limiter, allowed_blocked_and_shadow_blocked) {
  limiter lim(std::make_shared<memory_store>(), breaker_options{});
  EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::open).what, decision::allowed);
  EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::open).what, decision::allowed);
  const auto blocked = run_decide(lim, "k", one_limit, failure_mode::open);
  EXPECT_EQ(blocked.what, decision::blocked);
  EXPECT_FALSE(blocked.detail.allowed);
  EXPECT_GT(blocked.detail.retry_after(), 0ms);
  const auto shadow = run_decide(lim, "k", one_limit, failure_mode::open, true);
  EXPECT_EQ(shadow.what, decision::shadow_blocked);
  EXPECT_FALSE(shadow.error);
  const auto shadow_other = run_decide(lim, "other", one_limit, failure_mode::open, true);
  EXPECT_EQ(shadow_other.what, decision::allowed) << "shadow only changes denials";
}

// Verifies the immediate path decides exactly like the asynchronous one on one
// shared state (the memory store answers at once), and shadow still applies.
TEST(limiter, immediate_decisions_share_state_with_async_ones) {
  limiter lim(std::make_shared<memory_store>(), breaker_options{});
  const auto first = lim.try_decide_now("k", one_limit, failure_mode::open, false);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->what, decision::allowed);
  EXPECT_EQ(first->detail.limits.at(0).remaining, 1u);
  EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::open).what, decision::allowed);
  const auto denied = lim.try_decide_now("k", one_limit, failure_mode::open, false);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->what, decision::blocked);
  EXPECT_GT(denied->detail.retry_after(), 0ms);
  EXPECT_EQ(lim.try_decide_now("k", one_limit, failure_mode::open, true)->what,
            decision::shadow_blocked);
  EXPECT_EQ(lim.try_decide_now("k", {}, failure_mode::open, false)->what, decision::unlimited);
}

// Verifies a store that must do I/O, or an open circuit, sends the caller to
// async_decide (nullopt) without a store call or a breaker change.
TEST_F(limiter_fixture, immediate_path_defers_to_async_when_it_cannot_answer) {
  EXPECT_FALSE(lim.try_decide_now("k", one_limit, failure_mode::open, false));
  EXPECT_EQ(store->calls(), 0u);
  store->fail_on = {1, 2, 3};
  for (int i = 0; i < 3; ++i) run_decide(lim, "k", one_limit, failure_mode::open);
  ASSERT_EQ(lim.state(), circuit_state::open);
  EXPECT_FALSE(lim.try_decide_now("k", one_limit, failure_mode::open, false));
  EXPECT_EQ(lim.state(), circuit_state::open);
}

// Verifies store errors give fail_open / fail_closed per mode, with the store's error.
TEST_F(limiter_fixture, store_error_follows_the_failure_mode) {
  store->fail_on = {1, 2};
  const auto open = run_decide(lim, "k", one_limit, failure_mode::open);
  EXPECT_EQ(open.what, decision::fail_open);
  EXPECT_EQ(open.error, errc::redis_unavailable);
  const auto closed = run_decide(lim, "k", one_limit, failure_mode::closed);
  EXPECT_EQ(closed.what, decision::fail_closed);
  EXPECT_EQ(closed.error, errc::redis_unavailable);
  EXPECT_EQ(lim.store_errors(), 2u);
  EXPECT_EQ(lim.state(), circuit_state::closed);
}

// Verifies remembered denials (the Redis store's denial cache) say nothing about the
// store's health: a denied client's requests between the failures of an outage do
// not reset the count, and a probe answered from memory does not close the circuit.
TEST_F(limiter_fixture, remembered_denials_leave_the_breaker_alone) {
  store->remembered_key = "denied";
  store->fail_from = 1;  // the backend is down
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(run_decide(lim, "denied", one_limit, failure_mode::closed).what, decision::blocked);
    EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::closed).what, decision::fail_closed);
  }
  EXPECT_EQ(lim.state(), circuit_state::open);

  // The backend is back; the probe goes to a remembered denial first.
  store->fail_from = UINT64_MAX;
  now += 2s;
  EXPECT_EQ(run_decide(lim, "denied", one_limit, failure_mode::closed).what, decision::blocked);
  EXPECT_NE(lim.state(), circuit_state::closed) << "closed without asking the backend";
  const auto calls = store->calls();
  EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::closed).what, decision::allowed);
  EXPECT_EQ(store->calls(), calls + 1) << "the next caller is the probe";
  EXPECT_EQ(lim.state(), circuit_state::closed);
}

// Verifies, for every position n of a single failure among ten calls, that only
// call n fails (per mode), the error count is one and the circuit stays closed.
TEST(limiter, single_failure_matrix) {
  for (std::uint64_t n = 1; n <= 10; ++n) {
    for (const auto mode : {failure_mode::open, failure_mode::closed}) {
      auto store = std::make_shared<test::fake_store>();
      store->fail_on = {n};
      limiter lim(store, breaker_options{2, 1000ms});
      for (std::uint64_t call = 1; call <= 10; ++call) {
        const auto r = run_decide(lim, "k", one_limit, mode);
        const auto expected =
            call != n ? decision::allowed
                      : (mode == failure_mode::open ? decision::fail_open : decision::fail_closed);
        ASSERT_EQ(r.what, expected) << "failing call " << n << ", call " << call;
      }
      EXPECT_EQ(lim.store_errors(), 1u);
      EXPECT_EQ(lim.state(), circuit_state::closed);
      EXPECT_EQ(store->calls(), 10u);
    }
  }
}

// Verifies, for a store that breaks from call n on, that the circuit opens after
// the threshold and then the store is not called until the probe.
TEST(limiter, outage_matrix_opens_the_circuit) {
  for (std::uint64_t n = 1; n <= 6; ++n) {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    auto store = std::make_shared<test::fake_store>();
    store->fail_from = n;
    limiter lim(store, breaker_options{3, 2000ms, [&now] { return now; }});
    for (int i = 0; i < 20; ++i) (void)run_decide(lim, "k", one_limit, failure_mode::closed);
    EXPECT_EQ(lim.state(), circuit_state::open) << "breaking at call " << n;
    EXPECT_EQ(store->calls(), n + 2) << "three failures, then no more calls";
    const auto refused = run_decide(lim, "k", one_limit, failure_mode::closed);
    EXPECT_EQ(refused.what, decision::fail_closed);
    EXPECT_EQ(refused.error, errc::circuit_open);
    EXPECT_EQ(lim.store_errors(), 3u) << "a refused call is not a store error";

    // Redis is back: after reset_timeout one probe goes through and closes the circuit.
    store->fail_from = UINT64_MAX;
    now += 2s;
    EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::closed).what, decision::allowed);
    EXPECT_EQ(lim.state(), circuit_state::closed);
    EXPECT_EQ(store->calls(), n + 3);
  }
}

// Verifies a failed probe keeps the circuit open for another reset_timeout.
TEST_F(limiter_fixture, failed_probe_reopens) {
  store->fail_from = 1;
  for (int i = 0; i < 3; ++i) (void)run_decide(lim, "k", one_limit, failure_mode::open);
  ASSERT_EQ(lim.state(), circuit_state::open);
  now += 2s;
  EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::open).what, decision::fail_open);
  EXPECT_EQ(lim.state(), circuit_state::open);
  EXPECT_EQ(store->calls(), 4u);
  EXPECT_EQ(run_decide(lim, "k", one_limit, failure_mode::open).error, errc::circuit_open);
  EXPECT_EQ(store->calls(), 4u);
}

// Verifies an unsupported limit fails per mode but is not held against the store.
TEST(limiter, invalid_limit_is_not_a_store_failure) {
  limiter lim(std::make_shared<memory_store>(), breaker_options{1, 1000ms});
  const std::vector<limit_spec> bad{{algorithm::gcra, 0, 1000ms}};
  const auto r = run_decide(lim, "k", bad, failure_mode::closed);
  EXPECT_EQ(r.what, decision::fail_closed);
  EXPECT_EQ(r.error, errc::invalid_limit);
  EXPECT_EQ(lim.store_errors(), 0u);
  EXPECT_EQ(lim.state(), circuit_state::closed);
}

// Verifies the SPEC spellings of decisions (metric label, PostgreSQL column).
TEST(decision_names, spell_like_spec) {
  EXPECT_EQ(to_string(decision::allowed), "allowed");
  EXPECT_EQ(to_string(decision::blocked), "blocked");
  EXPECT_EQ(to_string(decision::shadow_blocked), "shadow_blocked");
  EXPECT_EQ(to_string(decision::fail_open), "fail_open");
  EXPECT_EQ(to_string(decision::fail_closed), "fail_closed");
  EXPECT_EQ(to_string(decision::unlimited), "unlimited");
}

}  // namespace
}  // namespace floodgate::limit
