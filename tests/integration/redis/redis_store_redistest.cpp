// redis_store end to end against a real redis-server: pipelined async checks on
// Asio threads, exact counts under concurrency, one EVALSHA per decision, the
// denial cache, NOSCRIPT recovery, outages, hangs, AUTH, SELECT and unix sockets.
#include <atomic>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <floodgate/limit/error.hpp>
#include <floodgate/redis/redis_store.hpp>

#include "redis_server.hpp"

namespace floodgate::test {
namespace {

namespace net = boost::asio;
using limit::algorithm;
using limit::limit_spec;
using std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

struct outcome {
  boost::system::error_code ec;
  limit::verdict verdict;
  milliseconds took{0};
};

/// `threads` io_contexts, one thread each, and a redis_store with one connection per context.
class store_harness {
 public:
  store_harness(redis::redis_options o, int threads = 2) {
    std::vector<net::any_io_executor> executors;
    for (int i = 0; i < threads; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
      executors.push_back(contexts_.back()->get_executor());
    }
    store_ = std::make_unique<redis::redis_store>(std::move(o), executors);
    store_->start();
    for (auto& c : contexts_) threads_.emplace_back([ctx = c.get()] { ctx->run(); });
  }

  ~store_harness() {
    store_->stop();
    store_.reset();
    for (auto& g : guards_) g.reset();
    for (auto& t : threads_) t.join();
  }

  redis::redis_store& store() { return *store_; }
  net::io_context& context(std::size_t i) { return *contexts_[i]; }

  /// Polls until a connection is ready (or the deadline passes).
  bool wait_connected(milliseconds deadline = milliseconds(5000)) {
    const auto until = steady::now() + deadline;
    while (!store_->connected()) {
      if (steady::now() > until) return false;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return true;
  }

  /// One check with its handler bound to context `on` (like a gateway worker).
  std::future<outcome> check_on(std::size_t on, std::string key,
                                const std::vector<limit_spec>& limits) {
    auto promise = std::make_shared<std::promise<outcome>>();
    auto fut = promise->get_future();
    auto& ctx = context(on);
    net::post(ctx, [this, promise, &ctx, key = std::move(key), &limits] {
      const auto start = steady::now();
      store_->async_check(
          key, limits,
          net::bind_executor(ctx.get_executor(), [promise, start, &ctx](
                                                     boost::system::error_code ec,
                                                     limit::verdict v) {
            // Completes on the handler's own thread.
            EXPECT_TRUE(ctx.get_executor().running_in_this_thread());
            promise->set_value({ec, std::move(v),
                                std::chrono::duration_cast<milliseconds>(steady::now() - start)});
          }));
    });
    return fut;
  }

  outcome check(std::string key, const std::vector<limit_spec>& limits, std::size_t on = 0) {
    return check_on(on, std::move(key), limits).get();
  }

 private:
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::unique_ptr<redis::redis_store> store_;
};

redis::redis_options options_for(const std::string& url, milliseconds timeout = milliseconds(200)) {
  redis::redis_options o;
  o.url = url;
  o.timeout = timeout;
  o.key_prefix = "fg:";
  return o;
}

const std::vector<limit_spec> one_limit{
    {algorithm::token_bucket, 1'000'000, milliseconds(3'600'000)}};

// Verifies a check is allowed, then denied at the limit, with the Redis clock.
TEST(redis_store, allows_then_denies) {
  redis_server server;
  store_harness h(options_for(server.url()));
  ASSERT_TRUE(h.wait_connected());
  const std::vector<limit_spec> limits{{algorithm::fixed_window, 2, milliseconds(60'000)}};
  auto a = h.check("r:c", limits);
  ASSERT_FALSE(a.ec) << a.ec.message();
  EXPECT_TRUE(a.verdict.allowed);
  EXPECT_EQ(a.verdict.limits[0].remaining, 1u);
  const auto skew = std::chrono::system_clock::now() - a.verdict.decided_at;
  EXPECT_LT(std::chrono::abs(skew), std::chrono::seconds(5));
  EXPECT_TRUE(h.check("r:c", limits, 1).verdict.allowed);
  auto denied = h.check("r:c", limits);
  ASSERT_FALSE(denied.ec);
  EXPECT_FALSE(denied.verdict.allowed);
  EXPECT_GT(denied.verdict.retry_after().count(), 0);
}

// Verifies many concurrent checks from several threads allow exactly `limit`.
TEST(redis_store, exact_count_under_concurrency) {
  redis_server server;
  store_harness h(options_for(server.url(), milliseconds(2000)), 3);
  ASSERT_TRUE(h.wait_connected());
  for (auto algo : {algorithm::token_bucket, algorithm::sliding_window, algorithm::gcra}) {
    const std::vector<limit_spec> limits{{algo, 100, milliseconds(3'600'000)}};
    const std::string key = "conc:" + std::string(limit::to_string(algo));
    std::vector<std::future<outcome>> futures;
    std::mutex mu;
    std::vector<std::thread> senders;
    for (int t = 0; t < 3; ++t) {
      senders.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          auto f = h.check_on(static_cast<std::size_t>((t + i) % 3), key, limits);
          std::lock_guard lock(mu);
          futures.push_back(std::move(f));
        }
      });
    }
    for (auto& s : senders) s.join();
    int allowed = 0;
    for (auto& f : futures) {
      auto o = f.get();
      ASSERT_FALSE(o.ec) << o.ec.message();
      allowed += o.verdict.allowed ? 1 : 0;
    }
    EXPECT_EQ(allowed, 100) << limit::to_string(algo);
  }
}

// Verifies one EVALSHA per decision whatever the number of limits (INFO commandstats).
TEST(redis_store, one_evalsha_per_decision) {
  redis_server server;
  store_harness h(options_for(server.url()));
  ASSERT_TRUE(h.wait_connected());
  const std::vector<limit_spec> three{{algorithm::token_bucket, 1000, milliseconds(60'000)},
                                      {algorithm::sliding_window, 1000, milliseconds(60'000)},
                                      {algorithm::gcra, 1000, milliseconds(60'000)}};
  const auto before = server.command_calls("evalsha");
  for (int i = 0; i < 50; ++i) ASSERT_FALSE(h.check("one", one_limit, i % 2).ec);
  for (int i = 0; i < 50; ++i) ASSERT_FALSE(h.check("three", three, i % 2).ec);
  EXPECT_EQ(server.command_calls("evalsha") - before, 100u);
  EXPECT_EQ(h.store().stats().evalsha, 100u);
}

// Verifies a burst of checks started by one handler on a connection's own thread
// (a worker reading many requests in one pass): every check completes once, in
// send order, never inside its own async_check; earlier checks whose replies
// have arrived complete while the burst is still being sent (each batch of
// pipelined commands is written at once and the replies waiting are read then).
TEST(redis_store, completes_a_burst_in_order_while_it_is_sent) {
  redis_server server;
  store_harness h(options_for(server.url(), milliseconds(2000)), 1);
  ASSERT_TRUE(h.wait_connected());
  constexpr int checks = 200;
  // Never reached, so no denial is cached: cached answers are posted and would
  // overtake the replies still on their way.
  const std::vector<limit_spec> limits{{algorithm::fixed_window, 1000, milliseconds(60'000)}};
  struct completion {
    int index;
    bool allowed;
    std::uint64_t remaining;
  };
  std::vector<completion> done;
  int initiating = -1;
  bool in_burst = false;
  int completed_during_burst = 0;
  std::promise<void> all_done;
  auto& ctx = h.context(0);
  net::post(ctx, [&] {
    in_burst = true;
    for (int i = 0; i < checks; ++i) {
      initiating = i;
      h.store().async_check(
          "burst", limits,
          net::bind_executor(ctx.get_executor(),
                             [&, i](boost::system::error_code ec, limit::verdict v) {
                               EXPECT_FALSE(ec) << ec.message();
                               EXPECT_NE(i, initiating) << "completed inside its own async_check";
                               if (in_burst) ++completed_during_burst;
                               done.push_back({i, v.allowed, v.limits[0].remaining});
                               if (done.size() == checks) all_done.set_value();
                             }));
      // Give Redis time to answer the batches already written.
      if (i % 16 == 15) std::this_thread::sleep_for(milliseconds(2));
    }
    initiating = -1;
    in_burst = false;
  });
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  for (int i = 0; i < checks; ++i) {
    EXPECT_EQ(done[i].index, i);
    EXPECT_TRUE(done[i].allowed);
    EXPECT_EQ(done[i].remaining, 999u - static_cast<std::uint64_t>(i));
  }
  EXPECT_GT(completed_during_burst, 0);
}

// Verifies a denied client is answered from the cache, with no Redis call,
// until its Retry-After has passed, and then goes to Redis again.
TEST(redis_store, denied_clients_cost_no_redis_call) {
  redis_server server;
  store_harness h(options_for(server.url()), 1);
  ASSERT_TRUE(h.wait_connected());
  const std::vector<limit_spec> limits{{algorithm::token_bucket, 1, milliseconds(500)}};
  ASSERT_TRUE(h.check("flood", limits).verdict.allowed);
  auto first = h.check("flood", limits);
  ASSERT_FALSE(first.verdict.allowed);
  const auto before = server.command_calls("evalsha");
  for (int i = 0; i < 200; ++i) {
    auto o = h.check("flood", limits);
    ASSERT_FALSE(o.ec);
    ASSERT_FALSE(o.verdict.allowed);
    EXPECT_EQ(o.verdict.limits[0].remaining, 0u);
    EXPECT_LE(o.verdict.retry_after(), first.verdict.retry_after());
    EXPECT_GT(o.verdict.retry_after().count(), 0);
  }
  EXPECT_EQ(server.command_calls("evalsha"), before);
  EXPECT_GE(h.store().stats().cache_hits, 200u);
  std::this_thread::sleep_for(first.verdict.retry_after() + milliseconds(5));
  EXPECT_TRUE(h.check("flood", limits).verdict.allowed);
  EXPECT_EQ(server.command_calls("evalsha"), before + 1);
}

// Verifies a cached denial is answered on the caller's thread (store::try_check_now:
// no Redis call, no completion to queue), and only from the connection of that thread.
TEST(redis_store, answers_cached_denials_at_once) {
  redis_server server;
  store_harness h(options_for(server.url()), 2);
  ASSERT_TRUE(h.wait_connected());
  const std::vector<limit_spec> limits{{algorithm::token_bucket, 1, milliseconds(60'000)}};
  auto try_on = [&](std::size_t on) {
    std::promise<std::optional<limit::immediate_check>> promise;
    auto fut = promise.get_future();
    net::post(h.context(on), [&] { promise.set_value(h.store().try_check_now("now", limits)); });
    return fut.get();
  };
  EXPECT_FALSE(try_on(0));  // nothing cached: Redis must decide
  ASSERT_TRUE(h.check("now", limits, 0).verdict.allowed);
  EXPECT_FALSE(try_on(0));  // allowed decisions are never cached
  const auto first = h.check("now", limits, 0);
  ASSERT_FALSE(first.verdict.allowed);
  const auto calls = server.command_calls("evalsha");
  const auto hit = try_on(0);
  ASSERT_TRUE(hit);
  EXPECT_FALSE(hit->ec);
  EXPECT_FALSE(hit->v.allowed);
  EXPECT_EQ(hit->v.limits[0].remaining, 0u);
  EXPECT_GT(hit->v.retry_after().count(), 0);
  EXPECT_LE(hit->v.retry_after(), first.verdict.retry_after());
  EXPECT_FALSE(try_on(1));                               // the other thread's connection
  EXPECT_FALSE(h.store().try_check_now("now", limits));  // not on a worker thread
  EXPECT_EQ(server.command_calls("evalsha"), calls);
}

// Verifies SCRIPT FLUSH is survived: NOSCRIPT reloads the script and retries once.
TEST(redis_store, recovers_from_script_flush) {
  redis_server server;
  store_harness h(options_for(server.url()), 1);
  ASSERT_TRUE(h.wait_connected());
  ASSERT_FALSE(h.check("f", one_limit).ec);
  const auto loads = h.store().stats().script_loads;
  server.command({"SCRIPT", "FLUSH"});
  auto o = h.check("f", one_limit);
  ASSERT_FALSE(o.ec) << o.ec.message();
  EXPECT_TRUE(o.verdict.allowed);
  EXPECT_EQ(h.store().stats().script_loads, loads + 1);
  EXPECT_FALSE(h.check("f", one_limit).ec);
}

// Verifies a dead Redis fails checks fast (never beyond the timeout), and a
// restarted one is used again within the reconnect backoff.
TEST(redis_store, survives_redis_restart) {
  redis_server server;
  const auto timeout = milliseconds(100);
  store_harness h(options_for(server.url(), timeout));
  ASSERT_TRUE(h.wait_connected());
  ASSERT_FALSE(h.check("k", one_limit).ec);
  server.kill();
  for (int i = 0; i < 20; ++i) {
    auto o = h.check("k", one_limit, static_cast<std::size_t>(i % 2));
    ASSERT_TRUE(o.ec);
    EXPECT_TRUE(o.ec == limit::errc::redis_unavailable || o.ec == limit::errc::redis_timeout)
        << o.ec.message();
    EXPECT_LE(o.took, timeout + milliseconds(50));
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(h.store().connected());
  server.start();  // same port, empty: the script must be loaded again
  const auto until = steady::now() + milliseconds(2000 + 1000);
  bool ok = false;
  while (!ok && steady::now() < until) {
    auto o = h.check("k", one_limit);
    ok = !o.ec && o.verdict.allowed;
    if (!ok) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(ok) << "store did not reconnect within reset + 1 s";
}

// Verifies a hung Redis (SIGSTOP) times checks out at `timeout`, and the late
// replies are ignored once it resumes.
TEST(redis_store, times_out_on_a_hung_redis) {
  redis_server server;
  const auto timeout = milliseconds(80);
  store_harness h(options_for(server.url(), timeout), 1);
  ASSERT_TRUE(h.wait_connected());
  server.pause();
  std::vector<std::future<outcome>> futures;
  for (int i = 0; i < 20; ++i) futures.push_back(h.check_on(0, "hang", one_limit));
  for (auto& f : futures) {
    auto o = f.get();
    EXPECT_EQ(o.ec, limit::errc::redis_timeout) << o.ec.message();
    EXPECT_GE(o.took, timeout - milliseconds(5));
    EXPECT_LE(o.took, timeout + milliseconds(60));
  }
  server.resume();
  auto o = h.check("hang", one_limit);
  ASSERT_FALSE(o.ec) << o.ec.message();
  // The 20 timed-out requests reached Redis after it resumed and were counted there.
  EXPECT_EQ(o.verdict.limits[0].remaining, 1'000'000u - 21u);
}

// Verifies an idle connection notices a hung Redis (SIGSTOP: the TCP connection stays
// up, nothing answers) without any check to time out: its PING goes unanswered for a
// stall period and it is dropped, so connected() (/health, floodgate_redis_connected)
// says so; after SIGCONT it reconnects by itself.
TEST(redis_store, an_idle_connection_notices_a_hung_redis) {
  redis_server server;
  auto o = options_for(server.url());
  o.stall_timeout = milliseconds(300);
  store_harness h(o, 1);
  ASSERT_TRUE(h.wait_connected());
  std::this_thread::sleep_for(milliseconds(700));  // idle, answered PINGs: still up
  EXPECT_TRUE(h.store().connected());
  server.pause();
  const auto paused = steady::now();
  while (h.store().connected() && steady::now() - paused < milliseconds(3000))
    std::this_thread::sleep_for(milliseconds(20));
  EXPECT_FALSE(h.store().connected()) << "still 'up' 3 s into the hang";
  EXPECT_LT(steady::now() - paused, milliseconds(1500));
  server.resume();
  EXPECT_TRUE(h.wait_connected());
  EXPECT_FALSE(h.check("after", one_limit).ec);
}

// Verifies AUTH with --requirepass, and that a wrong password never connects.
TEST(redis_store, authenticates) {
  redis_server server(redis_server_options{.password = "s3cret"});
  {
    store_harness h(options_for(server.url()), 1);
    ASSERT_TRUE(h.wait_connected());
    auto o = h.check("auth", one_limit);
    ASSERT_FALSE(o.ec) << o.ec.message();
  }
  store_harness bad(options_for("redis://:wrong@127.0.0.1:" + std::to_string(server.port())), 1);
  EXPECT_FALSE(bad.wait_connected(milliseconds(500)));
  auto o = bad.check("auth", one_limit);
  EXPECT_TRUE(o.ec);
}

// Verifies a handshake Redis refuses (a database that does not exist, a password for a
// server that has none) never makes the connection ready: the SCRIPT LOAD queued
// behind the refused command still answers, and used to count as a connect (the
// backoff reset to its minimum, "connection restored" logged every 50 ms).
TEST(redis_store, a_refused_handshake_never_connects) {
  redis_server server;
  const auto port = std::to_string(server.port());
  for (const std::string& url :
       {"redis://127.0.0.1:" + port + "/99", "redis://:nopassword@127.0.0.1:" + port}) {
    SCOPED_TRACE(url);
    store_harness h(options_for(url), 1);
    for (int i = 0; i < 60; ++i) {
      ASSERT_FALSE(h.store().connected()) << "after " << i * 25 << " ms";
      std::this_thread::sleep_for(milliseconds(25));
    }
    EXPECT_EQ(h.store().stats().connects, 0u);
    // Backing off (doubling from the minimum): a handful of attempts in 1.5 s, not 30.
    EXPECT_LE(h.store().stats().script_loads, 8u);
    EXPECT_TRUE(h.check("k", one_limit).ec);
  }
}

// Verifies SELECT from the URL: the state lands in that database only.
TEST(redis_store, selects_the_database_of_the_url) {
  redis_server server;
  store_harness h(options_for(server.url(3)), 1);
  ASSERT_TRUE(h.wait_connected());
  ASSERT_FALSE(h.check("db", one_limit).ec);
  EXPECT_EQ(server.command({"DBSIZE"}, 3), "1");
  EXPECT_EQ(server.command({"DBSIZE"}, 0), "0");
}

// Verifies unix:// URLs.
TEST(redis_store, connects_over_a_unix_socket) {
  redis_server server(redis_server_options{.password = {}, .unix_socket = true});
  store_harness h(options_for(server.unix_url()), 1);
  ASSERT_TRUE(h.wait_connected());
  auto o = h.check("unix", one_limit);
  ASSERT_FALSE(o.ec) << o.ec.message();
  EXPECT_TRUE(o.verdict.allowed);
}

}  // namespace
}  // namespace floodgate::test
