// memory_store: atomic multi-limit checks, key isolation, concurrency, idle
// expiry, and completions that never run inline.

#include <atomic>
#include <chrono>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <floodgate/limit/error.hpp>

#include "test_helpers.hpp"

namespace floodgate::limit {
namespace {

using std::chrono::milliseconds;
using test::run_check;

constexpr std::int64_t t0 = 1'763'769'600'000'000;
constexpr std::int64_t sec = 1'000'000;

constexpr std::array all_algorithms{algorithm::token_bucket,           algorithm::leaky_bucket,
                                    algorithm::fixed_window,           algorithm::sliding_window,
                                    algorithm::sliding_window_counter, algorithm::gcra};

// Verifies a denied check consumes nothing from the limits that would have allowed.
TEST(memory_store, denied_check_consumes_nothing) {
  test::fake_clock clock(t0);
  memory_store store(clock.function());
  const std::vector<limit_spec> limits{{algorithm::fixed_window, 1, milliseconds(1000)},
                                       {algorithm::token_bucket, 5, milliseconds(3'600'000)}};
  auto first = run_check(store, "k", limits);
  ASSERT_TRUE(first.v.allowed);
  EXPECT_EQ(first.v.limits[1].remaining, 4u);
  for (int i = 0; i < 10; ++i) {
    auto denied = run_check(store, "k", limits);
    ASSERT_FALSE(denied.v.allowed);
    EXPECT_TRUE(denied.v.limits[1].allowed);
    EXPECT_EQ(denied.v.limits[1].remaining, 4u) << "the bucket was charged by a denied check";
    EXPECT_EQ(denied.v.most_restrictive, 0u);
  }
  clock.advance(sec);  // the fixed window turns over; the bucket refills 5 per hour only
  auto later = run_check(store, "k", limits);
  EXPECT_TRUE(later.v.allowed);
  EXPECT_EQ(later.v.limits[1].remaining, 3u);
}

// Verifies different keys never share state, and the verdict carries the store's clock.
TEST(memory_store, keys_are_independent) {
  test::fake_clock clock(t0);
  memory_store store(clock.function());
  const limit_spec spec{algorithm::sliding_window, 2, milliseconds(60'000)};
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(run_check(store, "route:a", spec).v.allowed);
  EXPECT_FALSE(run_check(store, "route:a", spec).v.allowed);
  const auto other = run_check(store, "route:b", spec);
  EXPECT_TRUE(other.v.allowed);
  EXPECT_EQ(other.v.limits[0].remaining, 1u);
  EXPECT_EQ(other.v.decided_at.time_since_epoch(), std::chrono::microseconds(t0));
}

// Verifies a changed limit (new limit, window or algorithm) starts from fresh state.
TEST(memory_store, changed_spec_does_not_reuse_state) {
  test::fake_clock clock(t0);
  memory_store store(clock.function());
  const limit_spec two{algorithm::fixed_window, 2, milliseconds(3'600'000)};
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(run_check(store, "k", two).v.allowed);
  ASSERT_FALSE(run_check(store, "k", two).v.allowed);
  const limit_spec three{algorithm::fixed_window, 3, milliseconds(3'600'000)};
  EXPECT_EQ(run_check(store, "k", three).v.limits[0].remaining, 2u);
  const limit_spec log{algorithm::sliding_window, 2, milliseconds(3'600'000)};
  EXPECT_EQ(run_check(store, "k", log).v.limits[0].remaining, 1u);
  EXPECT_FALSE(run_check(store, "k", two).v.allowed) << "the old state is still there";
}

// Verifies a limit the stores cannot evaluate exactly is an error, not a silent default.
TEST(memory_store, rejects_unsupported_limits) {
  memory_store store;
  const std::vector<limit_spec> limits{{algorithm::gcra, 10, milliseconds(1000)},
                                       {algorithm::gcra, 0, milliseconds(1000)}};
  const auto r = run_check(store, "k", limits);
  EXPECT_EQ(r.ec, errc::invalid_limit);
  EXPECT_EQ(store.size(), 0u);
}

// Verifies many threads hammering one key get exactly `limit` allowed, per algorithm.
TEST(memory_store, concurrent_checks_allow_exactly_the_limit) {
  for (const auto algo : all_algorithms) {
    test::fake_clock clock(t0 + 1);  // frozen: no refill, no window change
    memory_store store(clock.function());
    const limit_spec spec{algo, 1000, milliseconds(3'600'000)};
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        boost::asio::io_context io;
        for (int i = 0; i < 400; ++i) {
          store.async_check("hot", std::span(&spec, 1),
                            boost::asio::bind_executor(io, [&](auto ec, const verdict& v) {
                              if (!ec && v.allowed) allowed.fetch_add(1);
                            }));
          io.run();
          io.restart();
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(allowed.load(), 1000) << to_string(algo);
  }
}

// Verifies idle states are swept incrementally by later checks, bounding memory:
// with later traffic spread over 100 keys (most shards), and with one busy key
// only, whose checks must also sweep the shards that see no traffic at all.
TEST(memory_store, idle_keys_expire) {
  for (const int busy_keys : {100, 1}) {
    test::fake_clock clock(t0);
    memory_store store(clock.function());
    const limit_spec spec{algorithm::token_bucket, 10, milliseconds(1000)};
    for (int i = 0; i < 5000; ++i) (void)run_check(store, "idle:" + std::to_string(i), spec);
    ASSERT_EQ(store.size(), 5000u);
    clock.advance(2 * sec);  // every bucket has refilled: identical to a fresh one
    for (int i = 0; i < 20000; ++i)
      (void)run_check(store, "busy:" + std::to_string(i % busy_keys), spec);
    EXPECT_EQ(store.size(), static_cast<std::size_t>(busy_keys))
        << "idle states were not swept (" << busy_keys << " busy keys)";
  }
}

// Verifies the incremental sweep stays on live entries while new keys keep arriving and
// idle ones leave (one new key every 200 µs, each idle after a second): the inserts
// rehash the shard maps, in Boost 1.81 sometimes in place with the same bucket count,
// and a sweep that kept an iterator across them read and erased freed memory (valgrind:
// invalid reads after ~20,000 checks; a rehash that never ended after ~50,000).
TEST(memory_store, sweeps_safely_while_keys_churn) {
  test::fake_clock clock(t0);
  memory_store store(clock.function());
  const limit_spec spec{algorithm::token_bucket, 1, milliseconds(1000)};
  for (int i = 0; i < 100'000; ++i) {
    clock.advance(200);
    const auto r = store.try_check_now("churn:" + std::to_string(i), std::span(&spec, 1));
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->ec);
    ASSERT_TRUE(r->v.allowed) << "check " << i;
  }
  // About 5,000 keys are within their second at any time, not 100,000.
  EXPECT_LE(store.size(), 12'000u);
}

// Verifies max_states bounds memory whatever keys clients choose (a client rotating API
// keys), and that the states evicted are those nearest to fresh: a key whose budget is
// spent for an hour stays denied through 50,000 one-request keys (each fresh again in 12
// minutes), where evicting the oldest state, or any at random, would forget it first.
TEST(memory_store, max_states_bounds_memory_and_evicts_the_nearest_to_fresh) {
  test::fake_clock clock(t0);
  memory_store store(clock.function(), 64 * 16);  // 16 states per shard
  const limit_spec spec{algorithm::token_bucket, 5, std::chrono::hours(1)};
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(run_check(store, "spent", spec).v.allowed);
  ASSERT_FALSE(run_check(store, "spent", spec).v.allowed);
  for (int i = 0; i < 50'000; ++i) {
    clock.advance(10);
    const auto r = store.try_check_now("rotating:" + std::to_string(i), std::span(&spec, 1));
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->v.allowed) << i;
  }
  EXPECT_LE(store.size(), 64u * 16u);
  EXPECT_GE(store.evicted(), 50'000u - 64u * 16u);
  EXPECT_FALSE(run_check(store, "spent", spec).v.allowed) << "the spent key was evicted";
}

// Verifies a check never evicts the states of its own key: in a store bounded to one
// state per shard, a key whose short limit went idle (and was purged) needs a new state
// for it while its hour-long sliding window holds two requests; that log must survive
// the room made for the new state, so the fourth request is the one denied.
TEST(memory_store, a_check_keeps_its_own_states) {
  test::fake_clock clock(t0);
  memory_store store(clock.function(), 64);
  const std::vector<limit_spec> limits{{algorithm::sliding_window, 3, std::chrono::hours(1)},
                                       {algorithm::token_bucket, 1000, milliseconds(1000)}};
  ASSERT_TRUE(run_check(store, "k", limits).v.allowed);
  clock.advance(2 * sec);
  ASSERT_EQ(store.purge_idle(), 1u);  // the token bucket is full again: dropped
  ASSERT_TRUE(run_check(store, "k", limits).v.allowed);
  ASSERT_TRUE(run_check(store, "k", limits).v.allowed);
  EXPECT_FALSE(run_check(store, "k", limits).v.allowed);
}

// Verifies the bound can change while running (a reload) and 0 removes it.
TEST(memory_store, max_states_changes_on_reload) {
  test::fake_clock clock(t0);
  memory_store store(clock.function(), 64);
  const limit_spec spec{algorithm::fixed_window, 1, std::chrono::hours(1)};
  for (int i = 0; i < 1000; ++i) (void)run_check(store, "a:" + std::to_string(i), spec);
  EXPECT_LE(store.size(), 64u);
  store.set_max_states(0);
  for (int i = 0; i < 1000; ++i) (void)run_check(store, "b:" + std::to_string(i), spec);
  EXPECT_GE(store.size(), 1000u);
  const auto evicted = store.evicted();
  store.set_max_states(64 * 10);  // below the ~1,064 held: new keys evict
  for (int i = 0; i < 100; ++i) (void)run_check(store, "c:" + std::to_string(i), spec);
  EXPECT_GT(store.evicted(), evicted);
}

// Verifies a state is kept until it is back to fresh, and purge_idle drops it then.
TEST(memory_store, purge_keeps_live_state) {
  test::fake_clock clock(t0);
  memory_store store(clock.function());
  const limit_spec spec{algorithm::gcra, 2, milliseconds(1000)};
  ASSERT_TRUE(run_check(store, "k", spec).v.allowed);
  clock.advance(499'999);  // the one request needs 500 ms to be forgotten
  EXPECT_EQ(store.purge_idle(), 0u);
  clock.advance(1);
  EXPECT_EQ(store.purge_idle(), 1u);
  EXPECT_EQ(store.size(), 0u);
}

// Verifies dropping idle state never changes a decision (a dropped state equals a fresh one).
TEST(memory_store, expiry_is_invisible_to_decisions) {
  for (const auto algo : all_algorithms) {
    test::fake_clock clock(t0);
    memory_store kept(clock.function());
    memory_store purged(clock.function());
    const std::vector<limit_spec> limits{{algo, 3, milliseconds(700)},
                                         {algorithm::token_bucket, 5, milliseconds(2000)}};
    std::mt19937_64 rng(static_cast<unsigned>(algo));
    for (int i = 0; i < 2000; ++i) {
      clock.advance(static_cast<std::int64_t>(rng() % 400'000));
      (void)purged.purge_idle();
      const auto a = run_check(kept, "k", limits);
      const auto b = run_check(purged, "k", limits);
      ASSERT_EQ(a.v.allowed, b.v.allowed) << to_string(algo) << " request " << i;
      for (std::size_t l = 0; l < limits.size(); ++l) {
        ASSERT_EQ(a.v.limits[l].remaining, b.v.limits[l].remaining);
        ASSERT_EQ(a.v.limits[l].retry_after, b.v.limits[l].retry_after);
        ASSERT_EQ(a.v.limits[l].reset_after, b.v.limits[l].reset_after);
      }
    }
  }
}

// Verifies the completion runs on the handler's executor (its thread), not the caller's.
TEST(memory_store, completes_on_the_handlers_executor) {
  memory_store store;
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::promise<std::thread::id> ran_on;
  std::thread runner([&] { io.run(); });
  const limit_spec spec{algorithm::token_bucket, 1, milliseconds(1000)};
  store.async_check("k", std::span(&spec, 1),
                    boost::asio::bind_executor(io, [&](auto, const verdict&) {
                      ran_on.set_value(std::this_thread::get_id());
                    }));
  EXPECT_EQ(ran_on.get_future().get(), runner.get_id());
  work.reset();
  runner.join();
}

// Verifies a handler running on the io_context thread is still not completed inline.
TEST(memory_store, never_completes_inline_from_its_own_executor) {
  memory_store store;
  boost::asio::io_context io;
  const limit_spec spec{algorithm::token_bucket, 1, milliseconds(1000)};
  bool returned = false;
  bool completed_after_return = false;
  boost::asio::post(io, [&] {
    store.async_check("k", std::span(&spec, 1),
                      boost::asio::bind_executor(
                          io, [&](auto, const verdict&) { completed_after_return = returned; }));
    returned = true;
  });
  io.run();
  EXPECT_TRUE(completed_after_return);
}

// Verifies use_future works (handlers without an executor complete on the system executor).
TEST(memory_store, works_with_use_future) {
  memory_store store;
  const limit_spec spec{algorithm::fixed_window, 1, milliseconds(60'000)};
  auto first = store.async_check("k", std::span(&spec, 1), boost::asio::use_future);
  EXPECT_TRUE(first.get().allowed);
  auto second = store.async_check("k", std::span(&spec, 1), boost::asio::use_future);
  EXPECT_FALSE(second.get().allowed);
}

}  // namespace
}  // namespace floodgate::limit
