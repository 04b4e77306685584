#include "dashboard_stack.hpp"

#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include <floodgate/analytics/recorder.hpp>

namespace floodgate::test {
namespace {

using namespace std::chrono_literals;
using analytics::decision_event;

std::unique_ptr<dashboard_stack>& instance() {
  static std::unique_ptr<dashboard_stack> stack;
  return stack;
}

// Stops the stack after the last test, while gtest still reports failures.
class stack_environment : public ::testing::Environment {
 public:
  void TearDown() override { dashboard_stack::shut_down(); }
};
[[maybe_unused]] auto* const environment =
    ::testing::AddGlobalTestEnvironment(new stack_environment);

}  // namespace

std::string dashboard_binary() {
  return FLOODGATE_BINARY_DIR "/bin/floodgate-dashboard";
}

std::string write_dashboard_config(const std::string& dir, const std::string& postgres,
                                   std::uint16_t port) {
  const std::string path = dir + "/routes.yaml";
  std::ofstream out(path);
  out << "analytics:\n  postgres: \"" << postgres << "\"\n"
      << "dashboard:\n  listen: \"127.0.0.1:" << port << "\"\n"
      << "upstreams:\n  backend:\n    servers: [\"127.0.0.1:9\"]\n"
      << "routes:\n  - name: all\n    path: /\n    upstream: backend\n";
  if (!out) throw std::runtime_error("cannot write " + path);
  return path;
}

dashboard_stack& dashboard_stack::get() {
  auto& s = instance();
  if (!s) s.reset(new dashboard_stack());
  return *s;
}

void dashboard_stack::shut_down() {
  instance().reset();
}

dashboard_stack::dashboard_stack() : pg_(std::make_unique<postgres_server>()) {
  seed();
  start_dashboard();
}

void dashboard_stack::seed() {
  const auto now = std::chrono::system_clock::now();
  const auto add = [&](std::chrono::seconds age, std::string route, std::string client,
                       std::string decision, double latency_ms, int count) {
    for (int i = 0; i < count; ++i) {
      decision_event e;
      e.ts = now - age;
      e.gateway_id = "gw-test";
      e.route = route;
      e.client_key = client;
      e.method = "GET";
      e.path = "/" + route;
      e.decision = decision;
      e.algorithm = "sliding_window";
      e.status = decision == "blocked" ? 429 : decision == "fail_closed" ? 503 : 200;
      e.latency_ms = latency_ms;
      events_.push_back({std::move(e), age});
    }
  };
  // Recent traffic (inside every window): all five decisions.
  add(10s, "data", "10.0.0.1", "allowed", 3.0, 40);
  add(10s, "data", "alice", "blocked", 0.2, 8);
  add(10s, "data", "bob", "blocked", 0.2, 4);
  add(10s, "data", "carol", "shadow_blocked", 3.0, 3);
  add(10s, "data", "10.0.0.2", "fail_open", 3.0, 2);
  // User-controlled strings must come back escaped, in JSON and in the page.
  add(10s, "<script>alert(\"r\")</script>", "<img src=x onerror=alert(1)>", "blocked", 0.2, 1);
  // 20..39 minutes ago: in the last hour but not in the last 15 minutes.
  for (int m = 20; m < 40; ++m)
    add(std::chrono::minutes(m), "search", "10.0.0.3", "allowed", 60.0, 1);
  add(30min, "search", "alice", "blocked", 0.2, 5);
  add(30min, "search", "dave", "fail_closed", 0.2, 2);
  // Three hours ago: only in the 6h and 24h windows.
  add(3h, "old", "10.0.0.4", "allowed", 700.0, 10);
  // Just inside and just outside the 6h and 24h windows. Those windows start inside a UTC
  // hour (unless run in an hour's first minutes), so the dashboard must read that hour's
  // edge minutes, not its hourly row, or the outside events would count too; the outside
  // clients are blocked most, so counting them would change the top-blocked ranking.
  for (const auto window : {6h, 24h}) {
    add(window - 3min, "edge", "edge-in", "blocked", 0.2, 2);
    add(window - 2min, "edge", "10.0.0.5", "allowed", 30.0, 3);
    add(window + 3min, "edge", "edge-out", "blocked", 0.2, 20);
    add(window + 2min, "edge", "10.0.0.6", "fail_open", 30.0, 4);
  }
  add(12h, "old", "frank", "blocked", 0.2, 6);

  analytics::recorder_options o;
  o.postgres = pg_->uri();
  o.batch_size = 50;
  o.flush_interval = 50ms;
  analytics::recorder rec(o);
  for (const auto& s : events_) rec.record(s.event);
  rec.stop(30s);
  if (rec.written() != events_.size()) {
    throw std::runtime_error("recorder wrote " + std::to_string(rec.written()) + " of " +
                             std::to_string(events_.size()) + " events");
  }
}

void dashboard_stack::start_dashboard() {
  port_ = free_port();
  const auto config = write_dashboard_config(dir(), pg_->uri(), port_);
  dashboard_ = child_process({dashboard_binary(), "--config", config}, dir() + "/dashboard.log");
  if (!wait_for_port(port_, 10s)) {
    throw std::runtime_error("floodgate-dashboard did not start; see " + dir() + "/dashboard.log");
  }
}

std::vector<decision_event> dashboard_stack::in_window(std::chrono::seconds window) const {
  std::vector<decision_event> out;
  for (const auto& s : events_) {
    if (s.age < window) out.push_back(s.event);
  }
  return out;
}

}  // namespace floodgate::test
