#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <floodgate/analytics/latency_buckets.hpp>

namespace floodgate::dashboard {

/// Request counts per decision (SPEC: allowed, blocked, shadow_blocked, fail_open,
/// fail_closed; anything else is counted in `other`).
///
/// The dashboard groups them by what happened to the request:
///  - allowed = allowed + shadow_blocked + fail_open   (forwarded upstream)
///  - blocked = blocked + fail_closed                  (refused by the gateway)
/// so allowed + blocked + other == total.
struct decision_counts {
  std::uint64_t allowed = 0;
  std::uint64_t blocked = 0;
  std::uint64_t shadow_blocked = 0;
  std::uint64_t fail_open = 0;
  std::uint64_t fail_closed = 0;
  std::uint64_t other = 0;

  /// Adds `n` requests of the decision named `decision`.
  void add(std::string_view decision, std::uint64_t n) noexcept;
  void add(const decision_counts& o) noexcept;

  [[nodiscard]] std::uint64_t total() const noexcept;
  [[nodiscard]] std::uint64_t forwarded() const noexcept;  // the dashboard's "allowed"
  [[nodiscard]] std::uint64_t refused() const noexcept;    // the dashboard's "blocked"
  /// refused / total; 0 when there were no requests.
  [[nodiscard]] double block_rate() const noexcept;
};

/// Counts plus latency of a set of requests (one route, or all of them).
struct traffic_stats {
  decision_counts counts;
  double latency_sum_ms = 0;
  analytics::latency_histogram latency{};

  void add(const traffic_stats& o) noexcept;
  /// Percentile estimate from the histogram (q in 0..1); empty when no requests.
  [[nodiscard]] std::optional<double> percentile_ms(double q) const noexcept;
  /// Mean latency; empty when no requests.
  [[nodiscard]] std::optional<double> mean_ms() const noexcept;
};

struct route_stats {
  std::string route;
  traffic_stats stats;
};

/// One row of the top blocked list: a client on one route.
struct blocked_client {
  std::string client_key;
  std::string route;
  std::uint64_t blocked = 0;
};

/// One step of a timeseries; `ts` is the step's start in Unix epoch seconds.
struct series_point {
  std::int64_t ts = 0;
  decision_counts counts;
};

}  // namespace floodgate::dashboard
