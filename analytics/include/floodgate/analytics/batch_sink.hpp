// Where the recorder's writer thread puts batches: PostgreSQL in production, a fake in tests.
#pragma once

#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <floodgate/analytics/event.hpp>

namespace floodgate::analytics {

/// Thrown by batch_sink::write() for a batch that can never be written (the database
/// rejected its data). The recorder drops such a batch, counted as dropped, instead of
/// retrying it forever.
class poison_batch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Destination of event batches. Used from the recorder's writer thread only, so
/// implementations need not be thread safe. Calls may block.
class batch_sink {
 public:
  virtual ~batch_sink() = default;

  /// Writes `events` atomically: afterwards either all of them are stored or none is (so
  /// a failed batch can be retried without duplicates). `batch_id` is unique per batch
  /// and the same on every retry of it: a sink that cannot tell whether a failed attempt
  /// committed (connection lost during COMMIT) uses it to skip a batch already stored.
  /// Connects first when needed. Throws poison_batch for unwritable data, any other
  /// exception for a failure worth retrying (connection lost, database down).
  virtual void write(std::span<const decision_event> events, std::string_view batch_id) = 0;

  /// Periodic housekeeping (partitions ahead, retention). Connects first when needed.
  /// Throws on failure. A failure says nothing about writes (a role may write events but
  /// not drop partitions): the recorder logs it and keeps the connection.
  virtual void maintain() = 0;

  /// A cheap round trip (SELECT 1), so an idle writer notices the database going away or
  /// coming back. Connects first when needed. Throws on failure.
  virtual void ping() = 0;

  /// Forgets the connection after a failure; the next call reconnects.
  virtual void reset() noexcept = 0;

  /// Makes a call blocked on the database (now or later) fail at once; called from
  /// another thread when stopping must not wait for it any more. Thread safe.
  virtual void abort() noexcept {}
};

/// The PostgreSQL sink: COPY into decision_events and upsert of the minute rollups in one
/// transaction per batch (with a floodgate_batches marker row); maintain() calls
/// floodgate_ensure_partitions() and then floodgate_drop_partitions(), each in its own
/// transaction (a retention that cannot be applied must not undo the partitions ahead).
/// `postgres` is a libpq connection string or URI.
[[nodiscard]] std::unique_ptr<batch_sink> make_postgres_sink(std::string postgres);

}  // namespace floodgate::analytics
