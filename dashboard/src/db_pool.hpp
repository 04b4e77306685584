#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/connection>
#include <pqxx/except>

namespace floodgate::dashboard {

/// A fixed number of libpqxx connections shared by the worker threads.
///
/// libpqxx is blocking, so only worker threads (never the thread accepting
/// connections) call into it. Connections are opened lazily and dropped when they
/// break, so the pool recovers by itself once PostgreSQL is back: the next call
/// simply connects again. Every session is read only, in UTC, with a statement
/// timeout. Thread safe.
class db_pool {
 public:
  /// `uri` is a libpq connection string or URI; `size` connections at most.
  db_pool(std::string uri, std::size_t size);
  db_pool(const db_pool&) = delete;
  db_pool& operator=(const db_pool&) = delete;
  ~db_pool();

  /// Runs `f(pqxx::connection&)` on a pooled connection, blocking while all are in
  /// use. A connection that turns out to be broken is discarded; if it was an old
  /// one (PostgreSQL restarted since), `f` is retried once on a fresh connection,
  /// which is safe because the dashboard only reads.
  ///
  /// Throws pqxx::broken_connection when PostgreSQL cannot be reached, and whatever
  /// `f` throws otherwise.
  template <typename F>
  auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
    for (int attempt = 0;; ++attempt) {
      lease l(*this);
      const bool fresh = l.fresh();
      try {
        return f(l.get());
      } catch (const pqxx::broken_connection&) {
        l.discard();
        if (fresh || attempt > 0) throw;
      } catch (const pqxx::failure&) {
        // A server shutdown can surface as an SQL error; the connection tells the truth.
        if (l.get().is_open()) throw;
        l.discard();
        if (fresh || attempt > 0) throw;
      }
    }
  }

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
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t free_slots_;  // connections not lent out (idle ones included)
};

}  // namespace floodgate::dashboard
