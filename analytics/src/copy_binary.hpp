// decision_events rows in COPY's binary format: PostgreSQL stores the values as they come
// instead of parsing text (timestamps, numbers), and the writer formats nothing.
#pragma once

#include <chrono>
#include <cstddef>
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

/// Rows per COPY statement for a batch of `batch` events (the batch is sent as several
/// statements in its transaction). PostgreSQL 15 keeps up to 1,000 rows of a COPY in
/// slots that all pin the table's tuple descriptor, and its resource owner finds each pin
/// by probing past all the others: about 1.2 ms of CPU for a 1,000-row COPY, quadratic
/// in the rows of a statement up to 1,000, paid once per statement. Pieces of 200 rows
/// cut that to about 0.04 ms each against about 0.04 ms of other per-statement work;
/// from about 2,800 rows on, one statement (whose slots are reused after each 1,000) is
/// cheaper again (measured with analytics/bench/ingest_cpu.sh).
[[nodiscard]] constexpr std::size_t copy_statement_rows(std::size_t batch) noexcept {
  constexpr std::size_t piece = 200;
  constexpr std::size_t one_statement_from = 2800;
  return batch >= one_statement_from || batch == 0 ? batch : piece;
}

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
