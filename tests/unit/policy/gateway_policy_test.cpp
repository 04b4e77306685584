#include "policy/gateway_policy.hpp"

#include <future>
#include <thread>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <floodgate/limit/error.hpp>

namespace floodgate::policy {
namespace {

namespace net = boost::asio;
namespace beast_http = boost::beast::http;
using namespace std::chrono_literals;
using limit::decision;

/// A store answering from a script: allow while `budget` lasts, then deny with `retry`;
/// or fail every call with `error`. Completes via post, never inline (store contract).
class scripted_store final : public limit::store {
 public:
  explicit scripted_store(net::io_context::executor_type ex) : ex_(ex) {}
  std::uint64_t budget = 2;
  std::chrono::milliseconds retry = 1500ms;
  boost::system::error_code error;
  std::vector<std::string> keys;

 private:
  net::io_context::executor_type ex_;
  void do_check(std::string_view key, std::span<const limit::limit_spec> limits,
                net::any_completion_handler<limit::check_signature> handler) override {
    keys.emplace_back(key);
    limit::verdict v;
    v.decided_at = std::chrono::system_clock::time_point{1000s};
    for (const auto& spec : limits) {
      const bool ok = budget > 0;
      v.limits.push_back({spec.limit, ok ? budget - 1 : 0, 10s, ok ? 0ms : retry, ok});
    }
    limit::finalize(v);
    if (v.allowed) --budget;
    net::post(ex_, [h = std::move(handler), ec = error, v = std::move(v)]() mutable {
      std::move(h)(ec, std::move(v));
    });
  }
};

struct captured_log final : exchange_log {
  std::vector<std::pair<exchange, unsigned>> done;
  int limiter_calls = 0;
  void limiter_duration(std::chrono::steady_clock::duration) override { ++limiter_calls; }
  void completed(const exchange& e, unsigned status, std::chrono::steady_clock::duration) override {
    done.emplace_back(e, status);
  }
};

config::config_ptr make_config(bool shadow = false,
                               limit::failure_mode mode = limit::failure_mode::open) {
  auto c = std::make_shared<config::config>();
  c->trusted_proxies = {config::parse_cidr("10.0.0.0/8").value()};
  config::upstream_config up;
  up.name = "backend";
  up.servers = {{"127.0.0.1", 9001}};
  c->upstreams["backend"] = up;
  config::route_config data;
  data.name = "data";
  data.path = "/api/data";
  data.upstream = "backend";
  data.key = {{config::key_source::kind::header, "X-API-Key"}, {config::key_source::kind::ip, {}}};
  data.limits = {{limit::algorithm::fixed_window, 2, 60s}};
  data.shadow = shadow;
  data.failure_mode = mode;
  config::route_config open;
  open.name = "open";
  open.path = "/";
  open.upstream = "backend";
  c->routes = {data, open};
  return c;
}

class gateway_policy_test : public ::testing::Test {
 protected:
  void make_policy(config::config_ptr cfg) {
    policy_ = std::make_unique<gateway_policy>(
        std::move(cfg), policy_services{.limiter = &limiter_,
                                        .log = &log_,
                                        .redis_up = {},
                                        .analytics_up = {},
                                        .render_metrics = [] { return std::string("m 1\n"); }});
  }

  http::plan run(std::string_view target, std::string_view peer = "203.0.113.5",
                 std::initializer_list<std::pair<std::string, std::string>> fields = {}) {
    beast_http::request_header<> header;
    header.method(beast_http::verb::get);
    header.target(target);
    for (const auto& [n, v] : fields) header.set(n, v);
    const auto q = target.find('?');
    http::request_context ctx{header,
                              net::ip::make_address(peer),
                              {},
                              target.substr(0, q),
                              std::chrono::steady_clock::now()};
    std::optional<http::plan> out;
    net::co_spawn(ioc_, policy_->handle(ctx), [&](std::exception_ptr e, http::plan p) {
      if (e) std::rethrow_exception(e);
      out = std::move(p);
    });
    ioc_.restart();
    ioc_.run();
    EXPECT_TRUE(out.has_value());
    return std::move(*out);
  }

  static std::string field(const http::plan& p, std::string_view name) {
    const auto v = p.response_headers.find(name);
    return v ? std::string(*v) : "<absent>";
  }

  net::io_context ioc_;
  std::shared_ptr<scripted_store> store_ = std::make_shared<scripted_store>(ioc_.get_executor());
  limit::limiter limiter_{store_, limit::breaker_options{}};
  captured_log log_;
  std::unique_ptr<gateway_policy> policy_;
};

// Verifies allowed requests are forwarded with rate-limit headers, then denied with the SPEC 429.
TEST_F(gateway_policy_test, allows_then_denies) {
  make_policy(make_config());
  for (int i = 0; i < 2; ++i) {
    auto p = run("/api/data/x?y=1");
    ASSERT_FALSE(p.local);
    ASSERT_NE(p.upstream, nullptr);
    EXPECT_EQ(p.upstream->name, "backend");
    EXPECT_EQ(field(p, "X-RateLimit-Limit"), "2");
    EXPECT_EQ(field(p, "X-RateLimit-Remaining"), std::to_string(1 - i));
    p.on_complete(200);
  }
  auto denied = run("/api/data");
  ASSERT_TRUE(denied.local);
  EXPECT_EQ(denied.local->result_int(), 429u);
  EXPECT_EQ((*denied.local)[beast_http::field::retry_after], "2");  // 1.5 s rounded up
  EXPECT_EQ((*denied.local)["X-RateLimit-Remaining"], "0");
  EXPECT_EQ((*denied.local)["RateLimit"], R"("data-0";r=0;t=10)");
  EXPECT_EQ(denied.local->body(),
            R"({"error": "rate_limited", "route": "data", "retry_after": 2})");
  denied.on_complete(429);

  ASSERT_EQ(log_.done.size(), 3u);
  EXPECT_EQ(log_.done[2].first.decision, decision::blocked);
  EXPECT_EQ(log_.done[2].first.algorithm, "fixed_window");
  EXPECT_EQ(log_.done[2].first.client_key, "203.0.113.5");
  EXPECT_EQ(log_.done[2].first.path, "/api/data");
  EXPECT_EQ(log_.done[2].second, 429u);
  EXPECT_EQ(log_.limiter_calls, 3);
  EXPECT_EQ(store_->keys[0], "data:ip:203.0.113.5");
}

// Verifies the key list and trusted proxies reach the store key.
TEST_F(gateway_policy_test, client_key_in_store_key) {
  make_policy(make_config());
  (void)run("/api/data", "203.0.113.5", {{"X-API-Key", "k1"}});
  (void)run("/api/data", "10.1.1.1", {{"X-Forwarded-For", "6.6.6.6, 198.51.100.2"}});
  (void)run("/api/data", "203.0.113.5", {{"X-Forwarded-For", "198.51.100.2"}});
  EXPECT_EQ(store_->keys, (std::vector<std::string>{"data:hdr:k1", "data:ip:198.51.100.2",
                                                    "data:ip:203.0.113.5"}));
}

// Verifies a shadow route forwards what it would deny, as shadow_blocked.
TEST_F(gateway_policy_test, shadow_forwards) {
  make_policy(make_config(/*shadow=*/true));
  store_->budget = 0;
  auto p = run("/api/data");
  EXPECT_FALSE(p.local);
  ASSERT_NE(p.upstream, nullptr);
  EXPECT_EQ(field(p, "X-RateLimit-Remaining"), "0");
  p.on_complete(200);
  EXPECT_EQ(log_.done.at(0).first.decision, decision::shadow_blocked);
}

// Verifies store failures: fail_open forwards without rate-limit headers, fail_closed is 503.
TEST_F(gateway_policy_test, failure_modes) {
  store_->error = limit::errc::redis_unavailable;
  make_policy(make_config(false, limit::failure_mode::open));
  auto open = run("/api/data");
  EXPECT_FALSE(open.local);
  EXPECT_TRUE(open.response_headers.empty());
  open.on_complete(200);

  make_policy(make_config(false, limit::failure_mode::closed));
  auto closed = run("/api/data");
  ASSERT_TRUE(closed.local);
  EXPECT_EQ(closed.local->result_int(), 503u);
  EXPECT_EQ(closed.local->body(), R"({"error": "limiter_unavailable", "route": "data"})");
  closed.on_complete(503);
  EXPECT_EQ(log_.done.at(0).first.decision, decision::fail_open);
  EXPECT_EQ(log_.done.at(1).first.decision, decision::fail_closed);
}

// Verifies a route without limits passes through with no store call and no headers.
TEST_F(gateway_policy_test, unlimited) {
  make_policy(make_config());
  auto p = run("/elsewhere");
  EXPECT_FALSE(p.local);
  EXPECT_TRUE(p.response_headers.empty());
  EXPECT_TRUE(store_->keys.empty());
  p.on_complete(200);
  EXPECT_EQ(log_.done.at(0).first.decision, decision::unlimited);
  EXPECT_EQ(log_.done.at(0).first.route, "open");
}

// Verifies unmatched paths get a JSON 404, reported with an empty route.
TEST_F(gateway_policy_test, not_found) {
  auto cfg = std::make_shared<config::config>(*make_config());
  cfg->routes.pop_back();
  make_policy(cfg);
  auto p = run("/nope");
  ASSERT_TRUE(p.local);
  EXPECT_EQ(p.local->result_int(), 404u);
  p.on_complete(404);
  EXPECT_EQ(log_.done.at(0).first.route, "");
}

// Verifies /health and /metrics are served before routing, and /health turns 503 on drain.
TEST_F(gateway_policy_test, operations_endpoints) {
  make_policy(make_config());
  auto health = run("/health");
  ASSERT_TRUE(health.local);
  EXPECT_EQ(health.local->result_int(), 200u);
  EXPECT_EQ(
      health.local->body(),
      R"({"status": "ok", "redis": "disabled", "circuit": "closed", "analytics": "disabled"})");
  auto metrics = run("/metrics");
  ASSERT_TRUE(metrics.local);
  EXPECT_EQ(metrics.local->body(), "m 1\n");
  policy_->begin_drain();
  EXPECT_EQ(run("/health").local->result_int(), 503u);
  EXPECT_TRUE(log_.done.empty());
}

// Verifies a reload swaps the snapshot for new requests while old snapshots stay valid.
TEST_F(gateway_policy_test, reload_keeps_old_snapshot_alive) {
  make_policy(make_config());
  auto before = run("/api/data");
  auto next = std::make_shared<config::config>(*make_config());
  next->routes[0].limits[0].limit = 50;
  policy_->replace_config(next);
  EXPECT_EQ(policy_->current_config(), next);
  ASSERT_NE(before.snapshot, next);
  EXPECT_EQ(before.upstream->name, "backend");  // still points into the old snapshot
  auto after = run("/api/data");
  EXPECT_EQ(field(after, "X-RateLimit-Limit"), "50");
}

// Verifies each route sends the header text of its own limits and `headers:` choice
// (the text is prepared per route when the configuration is loaded).
TEST_F(gateway_policy_test, each_route_sends_its_own_headers) {
  auto c = std::make_shared<config::config>(*make_config());
  c->routes[1].name = "open";
  c->routes[1].limits = {{limit::algorithm::gcra, 7, 2s}, {limit::algorithm::token_bucket, 9, 1s}};
  c->routes[1].send_ietf = false;
  make_policy(c);
  store_->budget = 100;
  const auto data = run("/api/data");
  EXPECT_EQ(field(data, "X-RateLimit-Limit"), "2");
  EXPECT_EQ(field(data, "X-RateLimit-Strategy"), "fixed_window");
  EXPECT_EQ(field(data, "RateLimit-Policy"), R"("data-0";q=2;w=60)");
  const auto open = run("/other");
  EXPECT_EQ(field(open, "X-RateLimit-Limit"), "7");
  EXPECT_EQ(field(open, "X-RateLimit-Strategy"), "gcra");
  EXPECT_EQ(field(open, "RateLimit-Policy"), "<absent>");
  EXPECT_EQ(field(open, "RateLimit"), "<absent>");
}

// Verifies a worker thread that already holds a snapshot sees a reload made from
// another thread at its next request (each thread keeps its own reference).
TEST_F(gateway_policy_test, reload_is_seen_by_a_thread_holding_the_old_snapshot) {
  const auto initial = make_config();
  make_policy(initial);
  auto next = std::make_shared<config::config>(*initial);
  config::config_ptr first, second;
  std::promise<void> took_first, reloaded;
  std::thread worker([&] {
    first = policy_->current_config();
    took_first.set_value();
    reloaded.get_future().wait();
    second = policy_->current_config();
  });
  took_first.get_future().wait();
  policy_->replace_config(next);
  reloaded.set_value();
  worker.join();
  EXPECT_EQ(first, initial);
  EXPECT_EQ(second, next);
  EXPECT_EQ(policy_->current_config(), next);
}

}  // namespace
}  // namespace floodgate::policy
