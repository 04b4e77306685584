#include "app/gateway_metrics.hpp"

#include <floodgate/analytics/recorder.hpp>
#include <floodgate/limit/limiter.hpp>
#include <floodgate/limit/memory_store.hpp>
#include <floodgate/redis/redis_store.hpp>

#include "http/server.hpp"
#include "metrics/registry.hpp"

namespace floodgate::app {

gateway_metrics::gateway_metrics(limit::limiter& limiter, analytics::recorder* events,
                                 redis::redis_store* redis)
    : registry_(std::make_unique<metrics::registry>()) {
  auto& r = *registry_;
  // Stats the parts already keep are read at scrape time, so the hot path pays nothing.
  r.callback_counter("floodgate_redis_errors_total",
                     "Store failures: Redis timeouts, connection and script errors.",
                     [&limiter] { return static_cast<double>(limiter.store_errors()); });
  r.callback_gauge("floodgate_circuit_state", "Circuit breaker: 0 closed, 1 open, 2 half-open.",
                   [&limiter] { return static_cast<double>(limiter.state()); });
  if (redis != nullptr) {
    r.callback_gauge("floodgate_redis_connected", "1 while at least one Redis connection is up.",
                     [redis] { return redis->connected() ? 1.0 : 0.0; });
  }
  // Always present (zero without analytics) so dashboards and alerts need no special case.
  r.callback_counter("floodgate_analytics_events_total", "Decision events by outcome.", {"outcome"},
                     {"written"},
                     [events] { return events ? static_cast<double>(events->written()) : 0.0; });
  r.callback_counter("floodgate_analytics_events_total", "Decision events by outcome.", {"outcome"},
                     {"dropped"},
                     [events] { return events ? static_cast<double>(events->dropped()) : 0.0; });
  if (events != nullptr) {
    r.callback_gauge("floodgate_analytics_buffered_events",
                     "Events held in memory, waiting for PostgreSQL.",
                     [events] { return static_cast<double>(events->buffered()); });
  }
  auto& reloads = r.counter(
      "floodgate_config_reloads_total",
      "Reloads of routes.yaml (SIGHUP, or a change with watch: true) by result.", {"result"});
  reload_success_ = &reloads.with({"success"});
  reload_failure_ = &reloads.with({"failure"});
}

gateway_metrics::~gateway_metrics() = default;

void gateway_metrics::watch_server(const http::server& server) {
  registry_->callback_gauge("floodgate_open_connections", "Downstream connections open now.",
                            [&server] { return static_cast<double>(server.active_sessions()); });
}

void gateway_metrics::watch_memory_store(const limit::memory_store& store) {
  registry_->callback_gauge("floodgate_limit_states", "Limit states held in process memory.",
                            [&store] { return static_cast<double>(store.size()); });
  registry_->callback_counter(
      "floodgate_limit_states_evicted_total",
      "Limit states evicted (nearest to fresh first) to stay within server.max_limit_states.",
      [&store] { return static_cast<double>(store.evicted()); });
}

void gateway_metrics::count_reload(bool success) {
  (success ? reload_success_ : reload_failure_)->inc();
}

std::string gateway_metrics::render() const {
  return registry_->render();
}

}  // namespace floodgate::app
