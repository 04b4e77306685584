// The real floodgate binary: /health, /metrics, SIGHUP reload and SIGTERM drain.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <sys/resource.h>
#include <sys/wait.h>

#include "gateway_fixture.hpp"

namespace floodgate::e2e {
namespace {

using namespace std::chrono_literals;

std::string config_with_limit(int limit) {
  return R"(listen: "@LISTEN@"
threads: 2
upstreams:
  backend:
    servers: ["@BACKEND@"]
routes:
  - name: data
    path: /api
    limits:
      - algorithm: fixed_window
        limit: )" +
         std::to_string(limit) + R"(
        window: 1h
    upstream: backend
  - name: slow
    path: /slow
    upstream: backend
)";
}

class gateway_ops : public ::testing::Test {
 protected:
  backend backend_;
};

// Verifies /health reports the SPEC JSON for a memory-store gateway without analytics.
TEST_F(gateway_ops, health) {
  gateway gw(config_with_limit(5), backend_.port());
  const auto r = get_once(gw.port(), "/health");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(
      r.body,
      R"({"status": "ok", "redis": "disabled", "circuit": "closed", "analytics": "disabled"})");
  EXPECT_EQ(backend_.requests(), 0u);
}

// The "Max open files" soft limit of a process, from /proc/<pid>/limits.
std::string open_files_soft_limit(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("Max open files")) continue;
    std::istringstream fields(line.substr(std::string_view("Max open files").size()));
    std::string soft;
    fields >> soft;
    return soft;
  }
  return {};
}

// Verifies the gateway raises its soft open-files limit to the hard one (two descriptors
// per proxied connection would run out at ~500 clients under the usual 1024).
TEST_F(gateway_ops, raises_open_files_limit) {
  rlimit inherited{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &inherited), 0);
  rlimit lowered = inherited;
  lowered.rlim_cur = std::min<rlim_t>(256, inherited.rlim_max / 2);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::optional<gateway> gw;
  try {
    gw.emplace(config_with_limit(5), backend_.port());
  } catch (...) {
    ::setrlimit(RLIMIT_NOFILE, &inherited);
    throw;
  }
  ::setrlimit(RLIMIT_NOFILE, &inherited);
  EXPECT_EQ(open_files_soft_limit(gw->pid()), std::to_string(inherited.rlim_max));
  EXPECT_TRUE(gw->wait_for_log("open files limit raised from " + std::to_string(lowered.rlim_cur) +
                                   " to " + std::to_string(inherited.rlim_max),
                               2s))
      << gw->log();
}

// Verifies /metrics is Prometheus text with every SPEC series, and counts decisions.
TEST_F(gateway_ops, metrics_has_every_spec_series) {
  gateway gw(config_with_limit(1), backend_.port());
  client c(gw.port());
  EXPECT_EQ(c.get("/api").status, 200u);
  EXPECT_EQ(c.get("/api").status, 429u);
  const auto r = c.get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_TRUE(r.header("content-type").starts_with("text/plain")) << r.header("content-type");
  for (const std::string series :
       {"# TYPE floodgate_requests_total counter",
        "# TYPE floodgate_request_duration_seconds histogram",
        "# TYPE floodgate_limiter_duration_seconds histogram",
        "# TYPE floodgate_redis_errors_total counter", "# TYPE floodgate_circuit_state gauge",
        "# TYPE floodgate_analytics_events_total counter",
        "# TYPE floodgate_config_reloads_total counter"}) {
    EXPECT_NE(r.body.find(series), std::string::npos) << series << "\n" << r.body;
  }
  EXPECT_EQ(metric_value(r.body, R"(floodgate_requests_total{route="data",decision="allowed"})"),
            1.0)
      << r.body;
  EXPECT_EQ(metric_value(r.body, R"(floodgate_requests_total{route="data",decision="blocked"})"),
            1.0);
  EXPECT_EQ(metric_value(r.body, R"(floodgate_request_duration_seconds_count{route="data"})"), 2.0);
  EXPECT_EQ(metric_value(r.body, "floodgate_limiter_duration_seconds_count"), 2.0);
  EXPECT_EQ(metric_value(r.body, "floodgate_circuit_state"), 0.0);
  EXPECT_EQ(metric_value(r.body, "floodgate_redis_errors_total"), 0.0);
  EXPECT_EQ(metric_value(r.body, R"(floodgate_responses_total{route="data",code="2xx"})"), 1.0)
      << r.body;
  EXPECT_EQ(metric_value(r.body, R"(floodgate_responses_total{route="data",code="4xx"})"), 1.0)
      << r.body;
  // The memory store's own: the one client's one state, nothing evicted.
  EXPECT_EQ(metric_value(r.body, "floodgate_limit_states"), 1.0) << r.body;
  EXPECT_EQ(metric_value(r.body, "floodgate_limit_states_evicted_total"), 0.0) << r.body;
}

// Verifies logging.access_log_sample: 1 logs every request, and the default logs none.
TEST_F(gateway_ops, access_log) {
  {
    gateway gw(config_with_limit(5) + "logging:\n  access_log_sample: 1\n", backend_.port());
    client c(gw.port());
    EXPECT_EQ(c.get("/api/items?page=2").status, 200u);
    EXPECT_TRUE(
        gw.wait_for_log("access route=data decision=allowed client=127.0.0.1 method=GET "
                        "path=/api/items status=200 latency_ms=",
                        2s))
        << gw.log();
  }
  {
    // A client key from a header is the client's text: quoted, so it cannot forge fields.
    auto keyed = config_with_limit(5) + "logging:\n  access_log_sample: 1\n";
    keyed.replace(keyed.find("    limits:"), 0, "    key: [\"header:X-API-Key\", ip]\n");
    gateway gw(keyed, backend_.port());
    client c(gw.port());
    EXPECT_EQ(c.get("/api", {{"X-API-Key", "k1 status=200 route=admin"}}).status, 200u);
    EXPECT_TRUE(gw.wait_for_log(
        R"(access route=data decision=allowed client="k1 status=200 route=admin" method=GET)", 2s))
        << gw.log();
  }
  gateway quiet(config_with_limit(5), backend_.port());
  EXPECT_EQ(get_once(quiet.port(), "/api").status, 200u);
  EXPECT_EQ(get_once(quiet.port(), "/slow/1").status, 200u);
  quiet.signal(SIGTERM);
  ASSERT_NE(quiet.wait(5s), -1);
  EXPECT_EQ(quiet.log().find("access "), std::string::npos) << quiet.log();
}

// Verifies SIGHUP applies a changed limit while a slow request and an idle keep-alive
// connection opened before the reload both survive it.
TEST_F(gateway_ops, sighup_applies_new_limit) {
  gateway gw(config_with_limit(1), backend_.port());
  client idle(gw.port());
  EXPECT_EQ(idle.get("/api").status, 200u);
  EXPECT_EQ(idle.get("/api").status, 429u);

  client slow(gw.port());
  slow.send("GET", "/slow/800");
  // `threads` cannot change in a running process: warned about, the rest applies.
  auto next = config_with_limit(3);
  next.replace(next.find("threads: 2"), 10, "threads: 1");
  gw.write_config(next);
  gw.signal(SIGHUP);
  ASSERT_TRUE(gw.wait_for_log("reload: applied", 5s)) << gw.log();
  EXPECT_NE(gw.log().find("reload: 'threads' changed but needs a restart"), std::string::npos)
      << gw.log();

  const auto slow_reply = slow.receive();
  EXPECT_EQ(slow_reply.status, 200u);
  EXPECT_EQ(slow_reply.body, "backend:/slow/800");
  // The old limit (1) is used up: passing now proves the new one is in force.
  const auto r = idle.get("/api");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("x-ratelimit-limit"), "3");
  const auto metrics = idle.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(floodgate_config_reloads_total{result="success"})"), 1.0)
      << metrics;

  // The warning compares with what runs (threads: 2), not with the last file read: the
  // same file again warns again, and going back to the running value does not.
  const auto warnings = [&] {
    std::size_t n = 0;
    const auto log = gw.log();
    for (auto at = log.find("'threads' changed"); at != std::string::npos;
         at = log.find("'threads' changed", at + 1))
      ++n;
    return n;
  };
  const auto reloads_applied = [&](double n) {
    for (int i = 0; i < 100; ++i) {
      if (metric_value(idle.get("/metrics").body,
                       R"(floodgate_config_reloads_total{result="success"})") == n)
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  };
  gw.signal(SIGHUP);
  ASSERT_TRUE(reloads_applied(2.0));
  EXPECT_EQ(warnings(), 2u) << gw.log();
  gw.write_config(config_with_limit(3));
  gw.signal(SIGHUP);
  ASSERT_TRUE(reloads_applied(3.0));
  EXPECT_EQ(warnings(), 2u) << gw.log();
}

// Verifies SIGHUP with an invalid file is refused with the problem logged, the old
// configuration keeps serving, and connections survive.
TEST_F(gateway_ops, sighup_invalid_file_keeps_old_config) {
  gateway gw(config_with_limit(2), backend_.port());
  client c(gw.port());
  EXPECT_EQ(c.get("/api").status, 200u);
  client slow(gw.port());
  slow.send("GET", "/slow/800");

  gw.write_config(config_with_limit(2) + "    bogus_key: 1\n");
  gw.signal(SIGHUP);
  ASSERT_TRUE(gw.wait_for_log("reload refused", 5s)) << gw.log();
  EXPECT_NE(gw.log().find("routes.yaml:"), std::string::npos) << gw.log();
  EXPECT_NE(gw.log().find("bogus_key"), std::string::npos) << gw.log();

  EXPECT_EQ(slow.receive().status, 200u);
  auto r = c.get("/api");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("x-ratelimit-limit"), "2");
  EXPECT_EQ(c.get("/api").status, 429u);
  const auto metrics = c.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(floodgate_config_reloads_total{result="failure"})"), 1.0)
      << metrics;
}

// Verifies `watch: true`: a saved file applies without a signal, an invalid one is refused
// once (not at every poll) with the old configuration serving, and a file that turns
// watching off is applied and then leaves later changes to SIGHUP.
TEST_F(gateway_ops, watched_file_reloads_when_saved) {
  gateway gw("watch: true\n" + config_with_limit(1), backend_.port());
  client c(gw.port());
  EXPECT_EQ(c.get("/api").header("x-ratelimit-limit"), "1");
  const auto count = [&](const std::string& text) {
    std::size_t n = 0;
    const auto log = gw.log();
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  };
  const auto wait_for_count = [&](const std::string& text, std::size_t n) {
    for (int i = 0; i < 100 && count(text) < n; ++i) std::this_thread::sleep_for(50ms);
    return count(text) >= n;
  };

  gw.write_config("watch: true\n" + config_with_limit(3));
  ASSERT_TRUE(wait_for_count("reload: applied", 1)) << gw.log();
  EXPECT_EQ(count("changed: reloading"), 1u) << gw.log();
  EXPECT_EQ(c.get("/api").header("x-ratelimit-limit"), "3");

  gw.write_config("watch: true\n" + config_with_limit(3) + "    bogus_key: 1\n");
  ASSERT_TRUE(wait_for_count("reload refused", 1)) << gw.log();
  std::this_thread::sleep_for(1500ms);  // three more polls of the same invalid file
  EXPECT_EQ(count("bogus_key"), 1u) << gw.log();
  EXPECT_EQ(c.get("/api").header("x-ratelimit-limit"), "3");

  gw.write_config(config_with_limit(5));  // valid again, and watching off from now
  ASSERT_TRUE(wait_for_count("reload: applied", 2)) << gw.log();
  EXPECT_EQ(c.get("/api").header("x-ratelimit-limit"), "5");
  gw.write_config(config_with_limit(7));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(c.get("/api").header("x-ratelimit-limit"), "5");
  gw.signal(SIGHUP);
  ASSERT_TRUE(wait_for_count("reload: applied", 3)) << gw.log();
  EXPECT_EQ(c.get("/api").header("x-ratelimit-limit"), "7");
  const auto metrics = c.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(floodgate_config_reloads_total{result="success"})"), 3.0)
      << metrics;
  EXPECT_EQ(metric_value(metrics, R"(floodgate_config_reloads_total{result="failure"})"), 1.0)
      << metrics;
}

// Verifies SIGHUP with an emptied file (a truncated write, a bad mount) is refused and
// every route keeps serving: an empty file is not a config without routes.
TEST_F(gateway_ops, sighup_empty_file_keeps_old_config) {
  gateway gw(config_with_limit(2), backend_.port());
  client c(gw.port());
  EXPECT_EQ(c.get("/api").status, 200u);

  gw.write_config("# being rewritten\n");
  gw.signal(SIGHUP);
  ASSERT_TRUE(gw.wait_for_log("reload refused", 5s)) << gw.log();
  EXPECT_NE(gw.log().find("routes.yaml:1:1: file holds only comments"), std::string::npos)
      << gw.log();

  auto r = c.get("/api");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("x-ratelimit-limit"), "2");
  EXPECT_EQ(c.get("/api").status, 429u);
}

// Verifies SIGTERM lets an in-flight slow request finish with 200, then the process exits 0.
TEST_F(gateway_ops, sigterm_drains_in_flight_requests) {
  gateway gw(config_with_limit(5), backend_.port());
  client slow(gw.port());
  slow.send("GET", "/slow/1000");
  // Let the request reach the backend before the signal.
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (backend_.requests() == 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(backend_.requests(), 1u);
  const auto signalled = std::chrono::steady_clock::now();
  gw.signal(SIGTERM);

  const auto r = slow.receive();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "backend:/slow/1000");
  const int status = gw.wait(10s);
  ASSERT_NE(status, -1) << "did not exit\n" << gw.log();
  EXPECT_TRUE(WIFEXITED(status)) << gw.log();
  EXPECT_EQ(WEXITSTATUS(status), 0) << gw.log();
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s);
  // No new connections once draining.
  EXPECT_FALSE(test::wait_for_port(gw.port(), 200ms));
}

// Verifies the drain is bounded: past server.drain_timeout the remaining connections are
// closed and the process still exits 0; a second signal cuts the drain short.
TEST_F(gateway_ops, drain_timeout_and_second_signal) {
  for (const bool second_signal : {false, true}) {
    const std::string timeout = second_signal ? "30s" : "300ms";
    gateway gw(config_with_limit(5) + "server:\n  drain_timeout: " + timeout + "\n",
               backend_.port());
    client slow(gw.port());
    const auto before = backend_.requests();
    slow.send("GET", "/slow/5000");
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (backend_.requests() == before && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
    }
    const auto signalled = std::chrono::steady_clock::now();
    gw.signal(SIGTERM);
    if (second_signal) {
      ASSERT_TRUE(gw.wait_for_log("draining", 2s)) << gw.log();
      gw.signal(SIGTERM);
    }
    const int status = gw.wait(10s);
    ASSERT_NE(status, -1) << gw.log();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << gw.log();
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, 3s) << gw.log();
    EXPECT_THROW((void)slow.receive(), std::exception);  // cut off, not answered
    EXPECT_TRUE(gw.wait_for_log(second_signal ? "second signal: closing 1 connection"
                                              : "drain timeout: closing 1 connection",
                                1s))
        << gw.log();
  }
}

}  // namespace
}  // namespace floodgate::e2e
