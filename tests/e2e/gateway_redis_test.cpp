// The real floodgate binary with `redis:` against a throwaway redis-server: /health and
// /metrics follow Redis and the circuit breaker through an outage and back.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <thread>

#include "gateway_fixture.hpp"
#include "redis_server.hpp"

namespace floodgate::e2e {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// Polls `probe` every 20 ms until it holds or `deadline` passes.
template <typename Probe>
bool eventually(Probe probe, std::chrono::milliseconds deadline) {
  const auto until = steady::now() + deadline;
  while (steady::now() < until) {
    if (probe()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return probe();
}

class gateway_redis : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::redis_server_binary().empty()) GTEST_SKIP() << "redis-server is not installed";
    redis_ = std::make_unique<test::redis_server>();
  }

  std::string yaml(int threads = 2) const {
    return R"(listen: "@LISTEN@"
threads: )" +
           std::to_string(threads) +
           R"(
redis:
  url: ")" +
           redis_->url() +
           R"("
  timeout: 100ms
circuit_breaker:
  failure_threshold: 2
  reset_timeout: 500ms
upstreams:
  backend:
    servers: ["@BACKEND@"]
routes:
  - name: guarded
    path: /
    failure_mode: closed
    limits:
      - algorithm: token_bucket
        limit: 100
        window: 1h
    upstream: backend
)";
  }

  backend backend_;
  std::unique_ptr<test::redis_server> redis_;
};

// Verifies /health and /metrics report Redis up, then down with the circuit open while
// closed routes answer 503, then up and closed again after Redis returns.
TEST_F(gateway_redis, health_and_metrics_follow_redis) {
  gateway gw(yaml(), backend_.port());
  const std::string healthy =
      R"({"status": "ok", "redis": "up", "circuit": "closed", "analytics": "disabled"})";
  ASSERT_TRUE(eventually([&] { return get_once(gw.port(), "/health").body == healthy; }, 5s))
      << get_once(gw.port(), "/health").body << "\n"
      << gw.log();
  client c(gw.port());
  auto r = c.get("/x");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("x-ratelimit-limit"), "100");

  redis_->kill();
  for (int i = 0; i < 3; ++i) {
    const auto start = steady::now();
    r = c.get("/x");
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.body, R"({"error": "limiter_unavailable", "route": "guarded"})");
    EXPECT_LT(steady::now() - start, 1s);  // bounded by redis.timeout, never hangs
  }
  const std::string down =
      R"({"status": "degraded", "redis": "down", "circuit": "open", "analytics": "disabled"})";
  ASSERT_TRUE(eventually(
      [&] {
        const auto h = get_once(gw.port(), "/health");
        return h.status == 200 && h.body == down;
      },
      3s))
      << get_once(gw.port(), "/health").body;
  auto metrics = c.get("/metrics").body;
  EXPECT_GE(metric_value(metrics, "floodgate_redis_errors_total").value_or(0), 2.0) << metrics;
  EXPECT_EQ(metric_value(metrics, "floodgate_circuit_state"), 1.0);
  EXPECT_EQ(metric_value(metrics, "floodgate_redis_connected"), 0.0);
  EXPECT_EQ(
      metric_value(metrics, R"(floodgate_requests_total{route="guarded",decision="fail_closed"})"),
      3.0);

  redis_->start();
  // reset_timeout (0.5 s) + reconnect backoff: the half-open probe closes the circuit.
  ASSERT_TRUE(eventually([&] { return c.get("/x").status == 200; }, 4s)) << gw.log();
  ASSERT_TRUE(eventually([&] { return get_once(gw.port(), "/health").body == healthy; }, 2s))
      << get_once(gw.port(), "/health").body;
  metrics = c.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, "floodgate_circuit_state"), 0.0);
  EXPECT_EQ(metric_value(metrics, "floodgate_redis_connected"), 1.0);
}

// Verifies SIGTERM with Redis connected is a clean exit (status 0), with one worker
// thread and with two: the Redis connections are shut down on their threads before those
// stop, never torn down by a destructor that would try to reconnect.
TEST_F(gateway_redis, sigterm_exits_cleanly_with_redis_connected) {
  for (const int threads : {1, 2}) {
    SCOPED_TRACE("threads: " + std::to_string(threads));
    gateway gw(yaml(threads), backend_.port());
    ASSERT_TRUE(eventually([&] { return get_once(gw.port(), "/x").status == 200; }, 5s))
        << gw.log();
    gw.signal(SIGTERM);
    const int status = gw.wait(10s);
    ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << gw.log();
    EXPECT_EQ(WEXITSTATUS(status), 0) << gw.log();
  }
}

}  // namespace
}  // namespace floodgate::e2e
