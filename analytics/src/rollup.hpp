// Per-minute and per-hour aggregates of one batch, upserted in the batch's transaction.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>

#include <floodgate/analytics/event.hpp>
#include <floodgate/analytics/latency_buckets.hpp>

namespace floodgate::analytics {

/// Unix seconds of the start of the UTC minute holding `ts`.
[[nodiscard]] std::int64_t minute_of(std::chrono::system_clock::time_point ts) noexcept;

/// Unix seconds of the start of the UTC hour holding the minute `minute` (Unix seconds).
[[nodiscard]] constexpr std::int64_t hour_of(std::int64_t minute) noexcept {
  // Floor division: minutes before 1970 must not round towards zero.
  const std::int64_t q = minute / 3600 - (minute % 3600 < 0 ? 1 : 0);
  return q * 3600;
}

/// The latency that is stored: NaN and infinities (a broken clock) become 0 so that one
/// bad event cannot poison a rollup's sum.
[[nodiscard]] inline double finite_latency(double latency_ms) noexcept {
  return std::isfinite(latency_ms) ? latency_ms : 0.0;
}

/// One decision_rollup_minute row's increments.
struct decision_rollup {
  std::uint64_t requests = 0;
  double latency_sum_ms = 0;
  latency_histogram latency_buckets{};
};

/// Key order (time, route, decision) is the table's primary key order: upserting rows
/// sorted by it makes concurrent writers (several gateways) lock rows in the same order,
/// so they cannot deadlock each other.
/// The time is the minute's or the hour's start in Unix seconds.
using decision_rollup_key = std::tuple<std::int64_t, std::string, std::string>;
/// (time, route, client_key) of blocked_clients_minute / _hour.
using blocked_client_key = std::tuple<std::int64_t, std::string, std::string>;

struct batch_rollups {
  std::map<decision_rollup_key, decision_rollup> decisions;
  std::map<blocked_client_key, std::uint64_t> blocked_clients;  // decision "blocked" only
};

/// Aggregates a batch per minute. Keys are the text as stored (to_valid_utf8). Only decision
/// `blocked` counts towards blocked_clients: fail_closed is the limiter's failure, not the
/// client's.
[[nodiscard]] batch_rollups aggregate(std::span<const decision_event> events);

/// (minute, decision) of decision_series_minute: requests of all routes together.
using series_key = std::tuple<std::int64_t, std::string>;

/// A batch's minute rollups summed over routes, for decision_series_minute.
[[nodiscard]] std::map<series_key, std::uint64_t> series_of(const batch_rollups& minutes);

/// The same aggregates per hour: minute rollups folded into their hour, so the hourly
/// tables receive exactly the sums the minute tables do.
[[nodiscard]] batch_rollups by_hour(const batch_rollups& minutes);

}  // namespace floodgate::analytics
