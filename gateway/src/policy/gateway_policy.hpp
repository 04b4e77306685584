#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <floodgate/limit/limiter.hpp>

#include "config/config.hpp"
#include "http/request_handler.hpp"
#include "policy/exchange_log.hpp"
#include "policy/local_responses.hpp"

namespace floodgate::policy {

/// Collaborators of the policy, chosen by the composition root (src/app).
struct policy_services {
  limit::limiter* limiter = nullptr;  // required
  exchange_log* log = nullptr;        // required: metrics, analytics, access log
  /// Redis connectivity for /health; empty when limits live in process memory.
  std::function<bool()> redis_up;
  /// PostgreSQL connectivity for /health; empty when analytics is off.
  std::function<bool()> analytics_up;
  /// Prometheus text for /metrics.
  std::function<std::string()> render_metrics;
};

/// The gateway's request policy (http::request_handler): /health and /metrics, routing,
/// client key, the limiter decision, rate-limit headers, 429/503/404 and the record of
/// every exchange.
///
/// /health and /metrics are answered before routing, so no route can shadow them.
/// The configuration is an atomically swapped snapshot: every request keeps the one it
/// started with to its end, so a reload never changes a request in flight. Thread safe.
class gateway_policy final : public http::request_handler {
 public:
  gateway_policy(config::config_ptr initial, policy_services services);

  boost::asio::awaitable<http::plan> handle(const http::request_context& ctx) override;
  /// /health, /metrics, 404, unlimited routes and decisions of a store that answers at
  /// once (the memory store, a cached Redis denial) are ready at once; otherwise the
  /// pending coroutine awaits the limiter.
  started start(const http::request_context& ctx) override;
  [[nodiscard]] config::config_ptr current_config() const override;

  /// Installs a new snapshot (reload). Requests in flight keep theirs.
  void replace_config(config::config_ptr next);
  /// From now on /health answers 503 (load balancers stop sending traffic).
  void begin_drain() noexcept { draining_.store(true); }
  [[nodiscard]] health_status health() const;

 private:
  struct loaded_config;  // a configuration and what the policy derives from it once
  struct routed;         // a request matched to a route, its limiter key and its exchange record

  /// The loaded configuration in force now (each request keeps the one it started with).
  [[nodiscard]] std::shared_ptr<const loaded_config> current() const;
  /// Routes the request: a finished plan (operations endpoint, 404) or the routed request.
  std::variant<http::plan, routed> route(const http::request_context& ctx) const;
  /// Awaits the limiter's decision for a routed request, then concludes.
  boost::asio::awaitable<http::plan> finish(const http::request_context& ctx, routed r);
  /// The plan for a routed request once the limiter has decided.
  http::plan conclude(const http::request_context& ctx, routed r,
                      limit::decision_result result) const;
  http::plan operations_endpoint(const http::request_context& ctx) const;

  std::atomic<std::shared_ptr<const loaded_config>> loaded_;
  // The same as a plain pointer: compared (never dereferenced) by every request, so
  // that a thread sees a reload without touching loaded_'s lock and reference count.
  std::atomic<const loaded_config*> loaded_identity_{nullptr};
  policy_services services_;
  std::atomic<bool> draining_{false};
};

}  // namespace floodgate::policy
