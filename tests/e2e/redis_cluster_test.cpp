// Two real floodgate processes sharing one throwaway redis-server: one limit
// enforced exactly across both, Redis outages survived per failure_mode
// without waiting past redis.timeout, and recovery after a restart.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "gateway_fixture.hpp"
#include "redis_server.hpp"

namespace floodgate::e2e {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

std::string replace(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// @REDIS@ is ours; @LISTEN@ and @BACKEND@ are the fixture's.
const std::string cluster_yaml = R"(listen: "@LISTEN@"
threads: 2
redis:
  url: "@REDIS@"
  timeout: 100ms
  key_prefix: "e2e:"
circuit_breaker:
  failure_threshold: 3
  reset_timeout: 1s
upstreams:
  backend:
    servers: ["@BACKEND@"]
routes:
  - name: shared
    path: /shared
    upstream: backend
    key: [header:X-API-Key]
    failure_mode: closed
    limits:
      - algorithm: sliding_window
        limit: 60
        window: 1h
      - algorithm: token_bucket
        limit: 1000
        window: 1h
  - name: open
    path: /open
    upstream: backend
    key: [global]
    failure_mode: open
    limits:
      - algorithm: gcra
        limit: 100000
        window: 1h
  - name: closed
    path: /closed
    upstream: backend
    key: [global]
    failure_mode: closed
    limits:
      - algorithm: fixed_window
        limit: 100000
        window: 1h
  - name: tight
    path: /tight
    upstream: backend
    key: [global]
    failure_mode: closed
    limits:
      - algorithm: token_bucket
        limit: 2
        window: 1h
)";

class redis_cluster : public ::testing::Test {
 protected:
  test::redis_server redis_;
  backend backend_;
  std::string yaml_ = replace(cluster_yaml, "@REDIS@", redis_.url());
  gateway a_{yaml_, backend_.port()};
  gateway b_{yaml_, backend_.port()};

  // Until both gateways answer through Redis (the store connects in the background).
  void wait_ready() {
    const auto until = steady::now() + 10s;
    for (auto* g : {&a_, &b_}) {
      while (get_once(g->port(), "/closed").status != 200) {
        ASSERT_LT(steady::now(), until) << g->log();
        std::this_thread::sleep_for(20ms);
      }
    }
  }
};

// Verifies many concurrent clients spread over two gateways get exactly `limit` 200s.
TEST_F(redis_cluster, two_gateways_enforce_one_limit_exactly) {
  wait_ready();
  std::atomic<int> ok{0}, denied{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      client c(i % 2 == 0 ? a_.port() : b_.port());
      for (int n = 0; n < 30; ++n) {
        const auto r = c.get("/shared", {{"X-API-Key", "tenant-1"}});
        (r.status == 200 ? ok : r.status == 429 ? denied : other)++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 60);
  EXPECT_EQ(denied.load(), 8 * 30 - 60);
  EXPECT_EQ(other.load(), 0);
  // Another key has its own budget.
  EXPECT_EQ(get_once(b_.port(), "/shared", {{"X-API-Key", "tenant-2"}}).status, 200u);
}

// Verifies a Redis outage mid-traffic: open routes keep serving, closed routes
// answer 503 limiter_unavailable, and no request waits past the timeout.
TEST_F(redis_cluster, survives_redis_outage_as_configured) {
  wait_ready();
  std::atomic<bool> stop{false};
  std::atomic<int> open_ok{0}, open_bad{0}, slow{0};
  std::vector<std::thread> traffic;
  for (auto* g : {&a_, &b_}) {
    traffic.emplace_back([&, port = g->port()] {
      client c(port);
      while (!stop) {
        const auto start = steady::now();
        const auto r = c.get("/open");
        if (steady::now() - start > 100ms + 400ms) slow++;
        (r.status == 200 ? open_ok : open_bad)++;
      }
    });
  }
  std::this_thread::sleep_for(200ms);
  redis_.kill();
  std::this_thread::sleep_for(500ms);

  for (auto* g : {&a_, &b_}) {
    client c(g->port());
    for (int i = 0; i < 10; ++i) {
      const auto start = steady::now();
      const auto r = c.get("/closed");
      EXPECT_LE(steady::now() - start, 100ms + 400ms);
      EXPECT_EQ(r.status, 503u);
      EXPECT_NE(r.body.find("limiter_unavailable"), std::string::npos) << r.body;
    }
  }
  stop = true;
  for (auto& t : traffic) t.join();
  EXPECT_GT(open_ok.load(), 0);
  EXPECT_EQ(open_bad.load(), 0);
  EXPECT_EQ(slow.load(), 0);

  // Restarted (empty) Redis: limits are enforced again within reset_timeout + 1 s
  // (plus the reconnect backoff, capped at 1 s).
  redis_.start();
  const auto restarted = steady::now();
  for (auto* g : {&a_, &b_}) {
    while (get_once(g->port(), "/closed").status != 200) {
      ASSERT_LT(steady::now() - restarted, 1s + 1s + 1s) << g->log();
      std::this_thread::sleep_for(20ms);
    }
  }
  EXPECT_EQ(get_once(a_.port(), "/tight").status, 200u);
  EXPECT_EQ(get_once(b_.port(), "/tight").status, 200u);
  EXPECT_EQ(get_once(a_.port(), "/tight").status, 429u);
  EXPECT_EQ(get_once(b_.port(), "/tight").status, 429u);
}

// Verifies exactly one EVALSHA per decision (INFO commandstats), two limits or one.
TEST_F(redis_cluster, one_evalsha_per_decision) {
  wait_ready();
  const auto before = redis_.command_calls("evalsha");
  client ca(a_.port());
  client cb(b_.port());
  for (int i = 0; i < 20; ++i) {
    // Appended, not "k" + to_string(i): GCC 12 warns falsely (-Wrestrict) on that form.
    std::string key = "k";
    key += std::to_string(i);
    ASSERT_EQ(ca.get("/shared", {{"X-API-Key", key}}).status, 200u);
    ASSERT_EQ(cb.get("/open").status, 200u);
  }
  EXPECT_EQ(redis_.command_calls("evalsha") - before, 40u);
}

}  // namespace
}  // namespace floodgate::e2e
