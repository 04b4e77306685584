// The real floodgate binary with `analytics:` against a throwaway PostgreSQL: every decision
// arrives in decision_events, exactly once, also across a PostgreSQL outage.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>

#include "gateway_fixture.hpp"
#include "postgres_server.hpp"

namespace floodgate::e2e {
namespace {

using namespace std::chrono_literals;

std::string config_for(const test::postgres_server& pg, const std::string& flush_interval) {
  return R"(listen: "@LISTEN@"
threads: 2
gateway_id: "gw-e2e"
analytics:
  postgres: ")" +
         pg.uri() + R"("
  batch_size: 100
  flush_interval: )" +
         flush_interval + R"(
  buffer: 10000
upstreams:
  backend:
    servers: ["@BACKEND@"]
routes:
  - name: limited
    path: /limited
    key: [header:X-Client]
    limits:
      - algorithm: fixed_window
        limit: 10
        window: 1h
    upstream: backend
  - name: roomy
    path: /roomy
    key: [header:X-Client]
    limits:
      - algorithm: token_bucket
        limit: 100000
        window: 1h
    upstream: backend
  - name: flushed
    path: /flushed
    limits:
      - algorithm: fixed_window
        limit: 100
        window: 1h
    upstream: backend
)";
}

// Polls a count until it equals `want` or the deadline passes; returns the last value.
// Polls the gateway's /health until it reports analytics `state` ("up", "down").
bool health_says_analytics(gateway& gw, const char* state, std::chrono::seconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  const std::string want = std::string(R"("analytics": ")") + state + '"';
  while (std::chrono::steady_clock::now() < until) {
    if (get_once(gw.port(), "/health").body.find(want) != std::string::npos) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

long long wait_for_count(const test::postgres_server& pg, const std::string& sql, long long want,
                         std::chrono::milliseconds deadline = 20s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  long long n = -1;
  while (std::chrono::steady_clock::now() < until) {
    n = pg.count(sql);
    if (n == want) break;
    std::this_thread::sleep_for(50ms);
  }
  return n;
}

class analytics_e2e : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pg_ = std::make_unique<test::postgres_server>(); }
  static void TearDownTestSuite() { pg_.reset(); }
  void SetUp() override {
    if (!pg_->running()) pg_->start();
  }
  static test::postgres_server& pg() { return *pg_; }
  backend backend_;

 private:
  static inline std::unique_ptr<test::postgres_server> pg_;
};

// Verifies known traffic gives exact counts per decision, client, status and in the rollups.
TEST_F(analytics_e2e, exact_counts_after_known_traffic) {
  gateway gw(config_for(pg(), "200ms"), backend_.port());
  client c(gw.port());
  for (int i = 0; i < 30; ++i) {
    const auto r = c.get("/limited/a/" + std::to_string(i), {{"X-Client", "client-a"}});
    EXPECT_EQ(r.status, i < 10 ? 200u : 429u) << i;
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c.get("/limited/b/" + std::to_string(i), {{"X-Client", "client-b"}}).status, 200u);
  }
  const std::string where = " FROM decision_events WHERE route = 'limited'";
  ASSERT_EQ(wait_for_count(pg(), "SELECT count(*)" + where, 35), 35);
  EXPECT_EQ(pg().count("SELECT count(*)" + where + " AND decision = 'allowed'"), 15);
  EXPECT_EQ(pg().count("SELECT count(*)" + where + " AND decision = 'blocked' AND status = 429"),
            20);
  EXPECT_EQ(pg().count("SELECT count(*)" + where + " AND client_key LIKE '%client-a%'"), 30);
  EXPECT_EQ(pg().count("SELECT count(*)" + where +
                       " AND gateway_id = 'gw-e2e' AND method = 'GET' AND algorithm = "
                       "'fixed_window' AND latency_ms >= 0"),
            35);
  EXPECT_EQ(pg().count("SELECT count(DISTINCT path)" + where), 35);
  EXPECT_EQ(pg().count("SELECT sum(requests) FROM decision_rollup_minute WHERE route = 'limited' "
                       "AND decision = 'blocked'"),
            20);
  EXPECT_EQ(pg().count("SELECT sum(blocked) FROM blocked_clients_minute WHERE route = 'limited'"),
            20);
  const auto health = get_once(gw.port(), "/health");
  EXPECT_NE(health.body.find(R"("analytics": "up")"), std::string::npos) << health.body;
}

// Verifies PostgreSQL going away does not touch traffic (every request answered, /health
// says analytics down) and every decision arrives exactly once after it is back.
TEST_F(analytics_e2e, outage_keeps_traffic_and_loses_no_event) {
  gateway gw(config_for(pg(), "100ms"), backend_.port());
  client c(gw.port());
  int sent = 0;
  const auto send = [&](int n) {
    for (int i = 0; i < n; ++i, ++sent) {
      const auto r = c.get("/roomy/" + std::to_string(sent), {{"X-Client", "outage"}});
      EXPECT_EQ(r.status, 200u) << sent;
    }
  };
  send(50);
  pg().stop();
  const auto t0 = std::chrono::steady_clock::now();
  send(200);
  const auto during = std::chrono::steady_clock::now() - t0;
  // Traffic does not wait for PostgreSQL: 200 requests on loopback take far less than one
  // reconnect timeout would.
  EXPECT_LT(during, 5s);
  bool reported_down = false;
  for (int i = 0; i < 100 && !reported_down; ++i) {
    reported_down =
        get_once(gw.port(), "/health").body.find(R"("analytics": "down")") != std::string::npos;
    if (!reported_down) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(reported_down);
  pg().start();
  send(50);
  const std::string where = " FROM decision_events WHERE route = 'roomy'";
  ASSERT_EQ(wait_for_count(pg(), "SELECT count(*)" + where, 300), 300);
  EXPECT_EQ(pg().count("SELECT count(DISTINCT path)" + where), 300);
  EXPECT_EQ(pg().count("SELECT sum(requests) FROM decision_rollup_minute WHERE route = 'roomy'"),
            300);
}

// Verifies SIGTERM flushes what is buffered: nothing is written before (the flush interval
// is an hour and the batch is not full), everything after the exit.
TEST_F(analytics_e2e, sigterm_flushes_the_buffer) {
  gateway gw(config_for(pg(), "1h"), backend_.port());
  client c(gw.port());
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(c.get("/flushed/" + std::to_string(i)).status, 200u);
  }
  const std::string sql = "SELECT count(*) FROM decision_events WHERE route = 'flushed'";
  EXPECT_EQ(pg().count(sql), 0);
  gw.signal(SIGTERM);
  const int status = gw.wait(30s);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(pg().count(sql), 7);
}

// Verifies `server.drain_timeout: 0` (do not wait for requests) still flushes analytics:
// the flush has its own budget (it used to stop at once, dropping all 7 events).
TEST_F(analytics_e2e, sigterm_with_zero_drain_timeout_still_flushes) {
  gateway gw(config_for(pg(), "1h") + "server:\n  drain_timeout: 0\n", backend_.port());
  client c(gw.port());
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(c.get("/flushed/zero-" + std::to_string(i)).status, 200u);
  }
  const std::string sql =
      "SELECT count(*) FROM decision_events WHERE route = 'flushed' AND path LIKE "
      "'/flushed/zero-%'";
  EXPECT_EQ(pg().count(sql), 0);
  gw.signal(SIGTERM);
  const int status = gw.wait(30s);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(pg().count(sql), 7) << gw.log();
  EXPECT_NE(gw.log().find("written=7 dropped=0"), std::string::npos) << gw.log();
}

// Verifies /health turns "down" without any traffic once PostgreSQL stops (the idle writer
// pings it), and "up" again once it is back.
TEST_F(analytics_e2e, health_follows_postgres_without_traffic) {
  gateway gw(config_for(pg(), "1h"), backend_.port());
  const auto analytics_is = [&](const char* state, std::chrono::seconds within) {
    return health_says_analytics(gw, state, within);
  };
  ASSERT_TRUE(analytics_is("up", 10s));
  pg().stop();
  EXPECT_TRUE(analytics_is("down", 10s)) << gw.log();
  pg().start();
  EXPECT_TRUE(analytics_is("up", 10s)) << gw.log();
}

// Verifies a PostgreSQL that hangs (the writer's backend and the postmaster stopped: the
// TCP connection stays up, nothing answers) is seen without traffic and does not hold
// SIGTERM: the idle writer's ping has a client-side deadline, and stop cuts a call still
// blocked a second past its budget (before, /health said "up" and the gateway never exited).
TEST_F(analytics_e2e, a_hung_postgres_is_noticed_and_does_not_hold_shutdown) {
  gateway gw(config_for(pg(), "1h"), backend_.port());
  ASSERT_TRUE(health_says_analytics(gw, "up", 10s));
  const auto backend = static_cast<int>(pg().count(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'floodgate-analytics'"));
  ASSERT_GT(backend, 1);
  test::frozen_processes hung({backend, test::parent_pid(backend)});
  EXPECT_TRUE(health_says_analytics(gw, "down", 15s)) << gw.log();
  EXPECT_EQ(get_once(gw.port(), "/limited", {{"X-Client", "c"}}).status, 200u);  // unaffected
  const auto t = std::chrono::steady_clock::now();
  gw.signal(SIGTERM);
  const int status = gw.wait(20s);
  ASSERT_NE(status, -1) << "still running 20 s after SIGTERM\n" << gw.log();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - t, 10s) << gw.log();
}

}  // namespace
}  // namespace floodgate::e2e
