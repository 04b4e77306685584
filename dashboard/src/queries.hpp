#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <pqxx/connection>

#include "stats.hpp"

namespace floodgate::dashboard {

/// The read queries behind the API. Each function runs one read-only transaction on
/// `c` and throws pqxx exceptions on failure. They read only the rollups, never raw
/// events: the whole UTC hours of the window from the hourly tables (decision_rollup_hour,
/// blocked_clients_hour) and its edge minutes from the minute tables, so their cost grows
/// with hours + edge minutes (x routes), not with traffic.
///
/// A window of N minutes is the current (still filling) minute and the N-1 before it,
/// by PostgreSQL's clock, so every endpoint sees the same minutes.

/// Per-route counts and latency histograms over the window, ordered by route name.
[[nodiscard]] std::vector<route_stats> query_routes(pqxx::connection& c,
                                                    std::chrono::seconds window);

/// The `limit` (client, route) pairs with the most `blocked` decisions (fail_closed is
/// not a client's fault and not counted), most first; ties by client key, then route.
[[nodiscard]] std::vector<blocked_client> query_top_blocked(pqxx::connection& c,
                                                            std::chrono::seconds window,
                                                            std::size_t limit);

/// Counts per step over the window, oldest first. Steps are aligned to multiples of
/// `step` since the epoch (so a refresh does not shift them); every step from the
/// one holding the window's first minute to the one holding its last is present,
/// zeros included.
[[nodiscard]] std::vector<series_point> query_timeseries(pqxx::connection& c,
                                                         std::chrono::seconds window,
                                                         std::chrono::seconds step);

/// `SELECT 1`: true when PostgreSQL answers (throws when it cannot be reached).
[[nodiscard]] bool query_ping(pqxx::connection& c);

}  // namespace floodgate::dashboard
