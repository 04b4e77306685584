// decision_events rows in COPY's binary format: PostgreSQL stores the values as they come
// instead of parsing text (timestamps, numbers), and the writer formats nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <floodgate/analytics/event.hpp>

namespace floodgate::analytics {

/// The columns, in the order copy_binary_rows writes them.
inline constexpr std::string_view copy_columns =
    "ts, gateway_id, route, client_key, method, path, decision, algorithm, status, latency_ms";

/// A timestamptz as PostgreSQL stores it: microseconds since 2000-01-01 00:00:00 UTC
/// (sub-microsecond parts dropped towards the past, as the text format did).
[[nodiscard]] std::int64_t postgres_timestamp(std::chrono::system_clock::time_point ts) noexcept;

/// The data of `COPY decision_events (copy_columns) FROM STDIN (FORMAT binary)`: the
/// signature header, one tuple per event, the trailer. Text fields are cleaned to valid
/// UTF-8 without NUL (to_valid_utf8) as the database requires; an empty algorithm is
/// NULL (a route without limits); a non-finite latency is stored as 0 (finite_latency).
class copy_binary_rows {
 public:
  /// Replaces the content with `events`' rows; the result stays valid until the next call.
  std::string_view encode(std::span<const decision_event> events);

 private:
  void append_row(const decision_event& e);
  std::string data_;  // reused: no allocation per batch once grown
};

}  // namespace floodgate::analytics
