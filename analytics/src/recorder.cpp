#include <floodgate/analytics/recorder.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "backoff.hpp"
#include "event_buffer.hpp"

namespace floodgate::analytics {

using clock = std::chrono::steady_clock;

struct recorder::impl {
  impl(recorder_options o, std::unique_ptr<batch_sink> s)
      : options(std::move(o)),
        sink(std::move(s)),
        buffer(options.buffer, options.batch_size, options.flush_interval),
        retry_delay(options.reconnect_min, options.reconnect_max),
        batch_prefix(random_prefix()) {
    writer = std::thread([this] { run(); });
  }

  static std::string random_prefix() {
    // Batch ids must be unique across gateways and restarts: a random prefix per recorder.
    std::random_device rd;
    const auto r = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(r));
    return buf;
  }

  // The writer thread: take the waiting chunks when a batch is due and write them one by
  // one (each holds at most batch_size events); retry a failed chunk (same id, so never
  // twice) until it is written or, after stop()'s deadline, it has failed once more.
  void run() {
    // Named so its CPU shows apart from the request threads (top -H, /proc/<pid>/task).
    ::pthread_setname_np(::pthread_self(), "fg-analytics");
    std::vector<event_buffer::chunk> chunks;
    std::size_t current = 0;  // index of the chunk to write next
    // First contact at start, so /health says "up" before any traffic.
    auto next_ping = clock::now();
    auto next_maintenance = clock::now();
    for (;;) {
      if (current == chunks.size()) {
        chunks.clear();
        current = 0;
        if (buffer.closed() && buffer.waiting() == 0) break;
        // Idle: housekeeping, but not while stopping (that time is the events').
        if (!buffer.closed()) {
          if (clock::now() >= next_ping) next_ping = ping();
          // Only against a database that answers: maintenance waiting for it runs as soon
          // as it is back (partitions ahead may be missing after a long outage).
          if (up.load() && clock::now() >= next_maintenance) next_maintenance = maintain();
        }
        buffer.take(chunks, up.load() ? std::min(next_ping, next_maintenance) : next_ping);
        continue;
      }
      auto& chunk = chunks[current];
      const auto n = chunk.size();
      try {
        if (chunk_id.empty()) chunk_id = batch_prefix + '-' + std::to_string(++chunk_seq);
        if (n > 0) sink->write(chunk, chunk_id);
        chunk_id.clear();
        written.fetch_add(n, std::memory_order_relaxed);
        buffer.release(n);
        buffer.recycle(std::move(chunk));
        ++current;
        retry_delay.reset();
        set_up(true, {});
        next_ping = clock::now() + options.ping_interval;  // a write is contact enough
      } catch (const poison_batch& e) {
        spdlog::error("analytics: PostgreSQL rejected a batch of {} events, dropped: {}", n,
                      e.what());
        chunk_id.clear();
        buffer.drop_taken(n);
        buffer.recycle(std::move(chunk));
        ++current;
      } catch (const std::exception& e) {
        sink->reset();
        set_up(false, e.what());
        // Checked after the attempt, not before: even stop(0) writes to a reachable
        // database; past the deadline a failed batch is not retried.
        if (past_deadline()) break;
        wait_for_retry(retry_delay.next());
      }
    }
    std::size_t unwritten = 0;
    for (; current < chunks.size(); ++current) unwritten += chunks[current].size();
    give_up(unwritten);
    std::lock_guard lock(stop_mutex);
    finished = true;
    stop_cv.notify_all();
  }

  // Without writes nothing else would notice the database going away (or coming back).
  clock::time_point ping() {
    try {
      sink->ping();
      set_up(true, {});
    } catch (const std::exception& e) {
      sink->reset();
      set_up(false, e.what());
    }
    return clock::now() + options.ping_interval;
  }

  // Partitions ahead and retention. A failure here says nothing about writes (they may
  // work, e.g. for a role without the right to drop partitions, or with a malformed
  // retention setting): it neither marks the database down nor drops the connection, and
  // is retried (and logged) on its own slow schedule.
  clock::time_point maintain() {
    try {
      sink->maintain();
      if (maintenance_failing) spdlog::info("analytics: partition maintenance succeeded again");
      maintenance_failing = false;
      return clock::now() + options.maintenance_interval;
    } catch (const std::exception& e) {
      maintenance_failing = true;
      spdlog::warn(
          "analytics: partition maintenance failed (event writes are not affected; next try in "
          "{}s): {}",
          std::chrono::duration_cast<std::chrono::seconds>(options.maintenance_retry).count(),
          e.what());
      return clock::now() + options.maintenance_retry;
    }
  }

  // At the stop() deadline whatever is still held is lost: count it, say so once.
  void give_up(std::size_t unwritten_taken) {
    buffer.close();
    std::vector<event_buffer::chunk> rest;
    const auto still_waiting = buffer.take_if_due(rest, clock::now());
    const auto lost = unwritten_taken + still_waiting;
    buffer.drop_taken(lost);
    if (lost > 0) {
      spdlog::error("analytics: stopped with {} events not written to PostgreSQL (dropped)", lost);
    }
  }

  void set_up(bool now_up, const char* why) {
    if (up.exchange(now_up) == now_up && logged_state) return;
    logged_state = true;
    if (now_up) {
      spdlog::info("analytics: PostgreSQL is up");
    } else {
      spdlog::warn("analytics: PostgreSQL is down ({}); buffering up to {} events",
                   why != nullptr ? why : "unknown error", options.buffer);
    }
  }

  bool past_deadline() {
    std::lock_guard lock(stop_mutex);
    return deadline && clock::now() >= *deadline;
  }

  void wait_for_retry(std::chrono::milliseconds delay) {
    std::unique_lock lock(stop_mutex);
    auto until = clock::now() + delay;
    if (deadline) until = std::min(until, *deadline);
    stop_cv.wait_until(lock, until, [&] { return deadline && clock::now() >= *deadline; });
  }

  recorder_options options;
  std::unique_ptr<batch_sink> sink;
  event_buffer buffer;
  backoff retry_delay;
  const std::string batch_prefix;
  std::uint64_t chunk_seq = 0;
  std::string chunk_id;  // of the chunk being written; kept across its retries
  std::atomic<bool> up{false};
  bool logged_state = false;         // writer thread only
  bool maintenance_failing = false;  // writer thread only
  std::atomic<std::uint64_t> written{0};

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  std::optional<clock::time_point> deadline;  // set by stop()
  bool finished = false;                      // run() has returned
  std::mutex join_mutex;
  std::thread writer;
};

recorder::recorder(recorder_options o) : recorder(o, make_postgres_sink(o.postgres)) {}

recorder::recorder(recorder_options o, std::unique_ptr<batch_sink> sink)
    : impl_(std::make_unique<impl>(std::move(o), std::move(sink))) {}

recorder::~recorder() {
  stop();
}

void recorder::record(decision_event e) noexcept {
  const auto r = impl_->buffer.push(e, clock::now());
  if (!r.drop_state_changed) return;
  // Once per state change, not per event: a full buffer under load would flood the log.
  if (r.accepted) {
    spdlog::info("analytics: buffer has room again; {} events dropped so far",
                 impl_->buffer.dropped());
  } else if (!impl_->buffer.closed()) {
    spdlog::warn("analytics: buffer full ({} events), dropping decision events",
                 impl_->options.buffer);
  }
}

void recorder::stop(std::chrono::milliseconds timeout) {
  std::lock_guard join_lock(impl_->join_mutex);  // concurrent stop() calls join once
  {
    std::lock_guard lock(impl_->stop_mutex);
    if (!impl_->deadline) impl_->deadline = clock::now() + timeout;
  }
  impl_->stop_cv.notify_all();
  impl_->buffer.close();
  {
    // A call blocked on a database that does not answer (a hung server enforces no
    // statement_timeout) must not hold the stop past its deadline: a second after it, the
    // sink's calls are cut and the writer gives up what it holds.
    std::unique_lock lock(impl_->stop_mutex);
    if (!impl_->stop_cv.wait_until(lock, *impl_->deadline + std::chrono::seconds(1),
                                   [&] { return impl_->finished; }))
      impl_->sink->abort();
  }
  if (impl_->writer.joinable()) impl_->writer.join();
}

bool recorder::database_up() const noexcept {
  return impl_->up.load();
}

std::uint64_t recorder::written() const noexcept {
  return impl_->written.load(std::memory_order_relaxed);
}

std::uint64_t recorder::dropped() const noexcept {
  return impl_->buffer.dropped();
}

std::size_t recorder::buffered() const noexcept {
  return impl_->buffer.size();
}

}  // namespace floodgate::analytics
