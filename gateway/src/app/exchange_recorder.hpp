#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "policy/exchange_log.hpp"

namespace floodgate::analytics {
class recorder;
}
namespace floodgate::metrics {
class registry;
}

namespace floodgate::app {

/// The gateway's exchange_log: every finished exchange becomes
///  - floodgate_requests_total{route,decision} and floodgate_request_duration_seconds{route}
///    (floodgate_unmatched_requests_total when no route matched),
///  - a decision_event for analytics (not for `unlimited` or unmatched requests), and
///  - an access log line for a sampled fraction of requests (`logging.access_log_sample`).
/// Decision time goes to floodgate_limiter_duration_seconds. Thread safe; never blocks.
class exchange_recorder final : public policy::exchange_log {
 public:
  /// Registers its series in `registry`. `events` may be null (analytics off). Both must
  /// outlive this object.
  exchange_recorder(metrics::registry& registry, analytics::recorder* events,
                    std::string gateway_id, double access_log_sample);
  ~exchange_recorder() override;

  void limiter_duration(std::chrono::steady_clock::duration d) override;
  void completed(const policy::exchange& e, unsigned status,
                 std::chrono::steady_clock::duration latency) override;

  /// Fraction of requests written to the access log, 0..1 (reload).
  void set_access_log_sample(double fraction) noexcept { sample_.store(fraction); }

 private:
  struct series;
  std::unique_ptr<series> series_;
  analytics::recorder* events_;
  std::string gateway_id_;
  std::atomic<double> sample_;
  std::uint64_t recorder_id_;  // unique per recorder: keys the per-thread series cache
};

}  // namespace floodgate::app
