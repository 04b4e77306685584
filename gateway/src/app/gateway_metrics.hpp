#pragma once

#include <memory>
#include <string>

namespace floodgate::limit {
class limiter;
class memory_store;
}  // namespace floodgate::limit
namespace floodgate::analytics {
class recorder;
}
namespace floodgate::redis {
class redis_store;
}
namespace floodgate::http {
class server;
}
namespace floodgate::metrics {
class registry;
class counter;
}  // namespace floodgate::metrics

namespace floodgate::app {

/// The gateway's metrics registry and its process-level series, read at scrape time from
/// the parts' own accessors: floodgate_redis_errors_total, floodgate_circuit_state,
/// floodgate_analytics_events_total{outcome}, floodgate_analytics_buffered_events,
/// floodgate_redis_connected, floodgate_open_connections, floodgate_limit_states and
/// floodgate_limit_states_evicted_total (memory store), and
/// floodgate_config_reloads_total{result} (counted here). Request series are registered
/// by policy::exchange_recorder in the same registry. Thread safe.
class gateway_metrics {
 public:
  /// `events` and `redis` may be null (feature off). All must outlive this object.
  gateway_metrics(limit::limiter& limiter, analytics::recorder* events, redis::redis_store* redis);
  ~gateway_metrics();

  [[nodiscard]] metrics::registry& registry() noexcept { return *registry_; }
  /// Adds floodgate_open_connections (after the server exists).
  void watch_server(const http::server& server);
  /// Adds floodgate_limit_states and floodgate_limit_states_evicted_total.
  void watch_memory_store(const limit::memory_store& store);
  void count_reload(bool success);
  /// Prometheus text exposition of every series.
  [[nodiscard]] std::string render() const;

 private:
  std::unique_ptr<metrics::registry> registry_;
  metrics::counter* reload_success_ = nullptr;
  metrics::counter* reload_failure_ = nullptr;
};

}  // namespace floodgate::app
