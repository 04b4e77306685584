#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/connection>
#include <pqxx/except>

#include <floodgate/analytics/socket_watchdog.hpp>
#include "db_errors.hpp"

namespace floodgate::dashboard {

/// How long a pool may keep its callers waiting.
struct db_pool_limits {
  std::size_t size = 4;  ///< connections at most
  /// Waiting for a free connection longer than this is a db_timeout.
  std::chrono::milliseconds wait_for_connection{2000};
  /// Server side: `SET statement_timeout` on every session (PostgreSQL cancels, 57014).
  std::chrono::milliseconds statement_timeout{5000};
  /// Client side: a call still waiting for PostgreSQL after this gets its connection
  /// dropped and a db_timeout (socket_watchdog). Longer than statement_timeout, so a
  /// merely slow query is cancelled by the server first, cleanly.
  std::chrono::milliseconds call_deadline{6000};
};

/// A fixed number of libpqxx connections shared by the worker threads.
///
/// libpqxx is blocking, so only worker threads (never the thread accepting
/// connections) call into it. Connections are opened lazily and dropped when they
/// break, so the pool recovers by itself once PostgreSQL is back: the next call
/// simply connects again. Every session is read only, in UTC, with a statement
/// timeout; every call has a client-side deadline too (socket_watchdog), and libpq's TCP
/// keepalives and tcp_user_timeout are on unless the connection string sets them, so a
/// vanished host is noticed. Thread safe.
class db_pool {
 public:
  /// `uri` is a libpq connection string or URI.
  db_pool(const std::string& uri, db_pool_limits limits);
  db_pool(const db_pool&) = delete;
  db_pool& operator=(const db_pool&) = delete;
  ~db_pool();

  /// Runs `f(pqxx::connection&)` on a pooled connection, waiting (bounded) while all
  /// are in use. A connection that turns out to be broken is discarded; if it was an
  /// old one (PostgreSQL restarted since), `f` is retried once on a fresh connection,
  /// which is safe because the dashboard only reads.
  ///
  /// Throws db_timeout when no connection is free in time or `f` outlives the call
  /// deadline, pqxx::broken_connection when PostgreSQL cannot be reached (or the pool is
  /// shutting down), and whatever `f` throws otherwise.
  template <typename F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    for (int attempt = 0;; ++attempt) {
      lease l(*this);
      const bool fresh = l.fresh();
      analytics::socket_watchdog::guard deadline(watchdog_, l.get().sock(), limits_.call_deadline);
      try {
        auto result = f(l.get());
        // Cut just as it answered: the answer is good, the connection is not.
        if (deadline.release()) l.discard();
        return result;
      } catch (const pqxx::failure& e) {
        if (deadline.release()) {
          l.discard();
          throw db_timeout(std::string("no answer within the call deadline: ") + e.what());
        }
        // A server shutdown can surface as an SQL error; the connection tells the truth.
        const bool broken =
            dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr || !l.get().is_open();
        if (!broken) throw;
        l.discard();
        if (fresh || attempt > 0) throw;
      }
    }
  }

  /// For shutdown: cuts every connection in use (their calls fail at once) and makes
  /// every later call fail with pqxx::broken_connection. Callable from any thread.
  void shut_down();

 private:
  // Holds one connection for the duration of a call and hands it back.
  class lease {
   public:
    explicit lease(db_pool& pool);
    ~lease();
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    [[nodiscard]] pqxx::connection& get() { return *conn_; }
    [[nodiscard]] bool fresh() const noexcept { return fresh_; }
    void discard() noexcept { conn_.reset(); }

   private:
    db_pool& pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool fresh_ = false;
  };

  [[nodiscard]] std::unique_ptr<pqxx::connection> connect() const;
  void give_back(std::unique_ptr<pqxx::connection> c) noexcept;

  const std::string uri_;
  const db_pool_limits limits_;
  analytics::socket_watchdog watchdog_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t free_slots_;  // connections not lent out (idle ones included)
  bool shutting_down_ = false;
};

}  // namespace floodgate::dashboard
