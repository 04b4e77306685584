// The dashboard when PostgreSQL hangs instead of going down: backends frozen with SIGSTOP
// (always resumed with SIGCONT), a locked table, SIGTERM during a stuck query, SIGHUP,
// and the absolute request form. Each test runs its own dashboard on the shared cluster.
#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "dashboard_stack.hpp"
#include "http_get.hpp"

namespace floodgate::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A dashboard process of its own, so a test may freeze its connections.
struct own_dashboard {
  explicit own_dashboard(const std::string& uri) {
    port = free_port();
    const auto config = write_dashboard_config(dir.path(), uri, port);
    process =
        child_process({dashboard_binary(), "--config", config}, dir.path() + "/dashboard.log");
    if (!wait_for_port(port, 10s)) throw std::runtime_error("dashboard did not start");
  }
  [[nodiscard]] std::string log() const {
    std::ifstream in(dir.path() + "/dashboard.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  temp_dir dir;
  std::uint16_t port = 0;
  child_process process;
};

// Backends of the floodgate database other than `except`: the dashboard's connections.
std::vector<int> dashboard_backends(pqxx::connection& admin) {
  pqxx::work t(admin);
  std::vector<int> pids;
  for (const auto& row :
       t.exec("SELECT pid FROM pg_stat_activity WHERE datname = 'floodgate' "
              "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
    pids.push_back(row[0].as<int>());
  }
  return pids;
}

// What a test freezes: the dashboard's backends and the postmaster.
std::vector<int> postgres_processes(const std::string& uri) {
  pqxx::connection admin(uri);
  auto pids = dashboard_backends(admin);
  if (!pids.empty()) pids.push_back(parent_pid(pids.front()));
  return pids;
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

// Sends `stuck` API requests that cannot be answered, then SIGTERM: the dashboard must
// exit 0 within `within_s` seconds anyway.
void expect_sigterm_exits_with_requests_stuck(own_dashboard& d, int stuck, double within_s) {
  std::vector<std::future<void>> waiting;
  for (int i = 0; i < stuck; ++i) {
    waiting.push_back(std::async(std::launch::async, [&] {
      try {
        (void)http_request(d.port, "/api/summary", "GET", 30s);
      } catch (const std::exception&) {
      }
    }));
  }
  std::this_thread::sleep_for(500ms);
  const auto t = clock_type::now();
  d.process.signal(SIGTERM);
  const int status = d.process.wait(12s);
  ASSERT_NE(status, -1) << "still running 12 s after SIGTERM\n" << d.log();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(seconds_since(t), within_s) << d.log();
}

// Verifies a hung PostgreSQL (its postmaster and every dashboard backend stopped) holds no request
// that does not need it, /health answers 503 within about 2 s, and the API answers 503 within its
// bounds instead of hanging until TCP gives up.
TEST(dashboard_hung_postgres, page_404_and_health_still_answer) {
  auto& pg = dashboard_stack::get().postgres();
  own_dashboard d(pg.uri());
  // Open the API connections and the health one.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(http_request(d.port, "/api/summary").status, 200u);
  ASSERT_EQ(http_request(d.port, "/health").status, 200u);
  frozen_processes stopped(postgres_processes(pg.uri()));
  ASSERT_GT(stopped.pids.size(), 1u);

  // Four API calls occupy every worker on the frozen connections.
  std::vector<std::future<http_reply>> stuck;
  for (int i = 0; i < 4; ++i) {
    stuck.push_back(std::async(std::launch::async,
                               [&] { return http_request(d.port, "/api/summary", "GET", 30s); }));
  }
  std::this_thread::sleep_for(300ms);

  auto t = clock_type::now();
  EXPECT_EQ(http_request(d.port, "/").status, 200u);
  EXPECT_EQ(http_request(d.port, "/nope").status, 404u);
  EXPECT_EQ(http_request(d.port, "/api/summary", "POST").status, 405u);
  EXPECT_EQ(http_request(d.port, "/api/summary?window=banana").status, 400u);
  EXPECT_EQ(http_request(d.port, "/api/top-blocked?limit=0").status, 400u);
  EXPECT_LT(seconds_since(t), 1.0) << "requests without PostgreSQL waited for it";

  t = clock_type::now();
  const auto health = http_request(d.port, "/health");
  EXPECT_EQ(health.status, 503u) << health.body;
  EXPECT_LT(seconds_since(t), 2.9) << "/health must beat Docker's 3 s health check timeout";

  // A fifth API call: no worker free within 2 s (postgres_timeout), or one freed by a
  // connect timeout (3 s) whose own connect times out (postgres_unavailable): bounded.
  t = clock_type::now();
  const auto queued = http_request(d.port, "/api/summary", "GET", 30s);
  EXPECT_EQ(queued.status, 503u) << queued.body;
  EXPECT_LT(seconds_since(t), 6.5);

  // The stuck calls are cut by their client-side deadline (or connect timeout): 503,
  // not a 15 min hang.
  for (auto& f : stuck) {
    ASSERT_EQ(f.wait_for(25s), std::future_status::ready);
    EXPECT_EQ(f.get().status, 503u);
  }
}

// Verifies a statement timeout (a table locked by another session) is a 503
// postgres_timeout, not a 500.
TEST(dashboard_hung_postgres, statement_timeout_is_503) {
  auto& pg = dashboard_stack::get().postgres();
  own_dashboard d(pg.uri());
  pqxx::connection locker(pg.uri());
  pqxx::work lock(locker);
  lock.exec("LOCK TABLE decision_rollup_minute IN ACCESS EXCLUSIVE MODE");
  const auto r = http_request(d.port, "/api/summary", "GET", 30s);
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_NE(r.body.find("postgres_timeout"), std::string::npos) << r.body;
  lock.abort();
  EXPECT_EQ(http_request(d.port, "/api/summary", "GET", 30s).status, 200u);
}

// Verifies SIGTERM stops the dashboard within a few seconds, exit 0, while its queries
// are stuck on frozen backends.
TEST(dashboard_hung_postgres, sigterm_exits_while_queries_are_stuck) {
  auto& pg = dashboard_stack::get().postgres();
  own_dashboard d(pg.uri());
  for (int i = 0; i < 4; ++i) ASSERT_EQ(http_request(d.port, "/api/summary").status, 200u);
  frozen_processes stopped(postgres_processes(pg.uri()));
  ASSERT_GT(stopped.pids.size(), 1u);
  expect_sigterm_exits_with_requests_stuck(d, 4, 7.0);
}

// Verifies SIGTERM also stops the dashboard within its limit while a worker waits on a
// connection that is not being watched: a connect to a frozen postmaster, bounded only by
// the URI's own connect_timeout (20 s). The join's limit must be able to give up on it.
TEST(dashboard_hung_postgres, sigterm_exits_while_a_connect_hangs) {
  auto& pg = dashboard_stack::get().postgres();
  const auto base = pg.uri();
  own_dashboard d(base + (base.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=20");
  int postmaster = 0;
  {
    pqxx::connection admin(base);
    pqxx::work t(admin);
    postmaster = parent_pid(t.exec1("SELECT pg_backend_pid()")[0].as<int>());
  }
  ASSERT_GT(postmaster, 1);
  frozen_processes stopped({postmaster});
  expect_sigterm_exits_with_requests_stuck(d, 1, 9.0);
}

// Verifies SIGHUP is logged and ignored: the dashboard keeps serving.
TEST(dashboard_signals, sighup_is_logged_and_ignored) {
  own_dashboard d(dashboard_stack::get().postgres().uri());
  d.process.signal(SIGHUP);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(d.process.running()) << d.log();
  EXPECT_EQ(http_request(d.port, "/health").status, 200u);
  EXPECT_NE(d.log().find("nothing to reload"), std::string::npos) << d.log();
}

// Verifies the absolute request form (RFC 9112 §3.2.2) reaches the same resource.
TEST(dashboard_requests, absolute_form_target) {
  const auto port = dashboard_stack::get().port();
  EXPECT_EQ(http_request(port, "http://127.0.0.1/health").status, 200u);
  EXPECT_EQ(http_request(port, "http://127.0.0.1/api/summary?window=5m").status, 200u);
}

}  // namespace
}  // namespace floodgate::test
