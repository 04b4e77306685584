#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <floodgate/analytics/event.hpp>

namespace floodgate::analytics {

struct recorder_options {
  std::string postgres;  // libpq URI
  std::size_t batch_size = 1000;
  std::chrono::milliseconds flush_interval{1000};
  std::size_t buffer = 100000;  // events held while PostgreSQL is slow or down
};

/// Takes decision events from the request path and writes them to PostgreSQL
/// in batches (COPY) on its own thread.
///
/// record() never blocks and never does I/O: it enqueues into a bounded buffer,
/// or counts the event as dropped when the buffer is full. Thread safe.
class recorder {
 public:
  explicit recorder(recorder_options o);
  ~recorder();  // stop(): flushes what is buffered (bounded wait), joins the writer
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;

  void record(decision_event e) noexcept;

  /// Flushes everything buffered, waiting at most `timeout`; stops the writer.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  [[nodiscard]] bool database_up() const noexcept;
  [[nodiscard]] std::uint64_t written() const noexcept;
  [[nodiscard]] std::uint64_t dropped() const noexcept;
  [[nodiscard]] std::size_t buffered() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace floodgate::analytics
