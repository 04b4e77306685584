// floodgate_analytics: decision events -> bounded buffer -> PostgreSQL (COPY) on a writer thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <floodgate/analytics/batch_sink.hpp>
#include <floodgate/analytics/event.hpp>

namespace floodgate::analytics {

struct recorder_options {
  std::string postgres;  // libpq URI
  std::size_t batch_size = 1000;
  std::chrono::milliseconds flush_interval{1000};
  std::size_t buffer = 100000;  // events held while PostgreSQL is slow or down
  /// Reconnect backoff after a failed write: doubles from min to max.
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{5000};
  /// How often partitions ahead are created and retention is applied (also at start).
  std::chrono::milliseconds maintenance_interval{std::chrono::hours(1)};
  /// After a failed maintenance: when to try again (and log again). Its own slow schedule:
  /// maintenance failing never marks the database down while writes succeed.
  std::chrono::milliseconds maintenance_retry{std::chrono::minutes(1)};
  /// With no batch written for this long, the writer pings the database (SELECT 1, reconnecting
  /// when needed), so database_up() follows the database also without traffic.
  std::chrono::milliseconds ping_interval{std::chrono::seconds(5)};
};

/// Takes decision events from the request path and writes them to PostgreSQL
/// in batches (COPY) on its own thread.
///
/// record() never blocks on I/O: it moves the event into a bounded buffer (one short
/// mutex hold), or counts it as dropped when `buffer` events are already held (the
/// batch being written or retried counts towards it). The writer thread sends a batch
/// when `batch_size` events are waiting or the oldest has waited `flush_interval`; a
/// failed batch is kept and retried (with reconnect backoff) until it is written
/// exactly once. Thread safe.
class recorder {
 public:
  /// Starts the writer thread; connecting happens there, so a database that is down
  /// at start only delays writes.
  explicit recorder(recorder_options o);
  /// Same, writing to `sink` instead of `o.postgres` (tests, other stores).
  recorder(recorder_options o, std::unique_ptr<batch_sink> sink);
  ~recorder();  // stop(): flushes what is buffered (bounded wait), joins the writer
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;

  /// Queues one event; counts it as dropped when the buffer is full or after stop().
  void record(decision_event e) noexcept;

  /// Flushes everything buffered, retrying for at most `timeout`, then stops the writer.
  /// Every waiting batch gets at least one write attempt, even with a timeout of 0 (a
  /// reachable database gets all of them); after the deadline a failed batch is not retried,
  /// and what is still unwritten is counted as dropped. Idempotent.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// True once the database answered (a ping or a write); false from a failed one until
  /// the next successful one. An idle writer pings every ping_interval.
  [[nodiscard]] bool database_up() const noexcept;
  /// Events stored in the database so far.
  [[nodiscard]] std::uint64_t written() const noexcept;
  /// Events lost: buffer full, recorded after stop(), unwritable data, or unwritten at
  /// the stop() deadline.
  [[nodiscard]] std::uint64_t dropped() const noexcept;
  /// Events held in memory now (waiting or being written).
  [[nodiscard]] std::size_t buffered() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace floodgate::analytics
