#include "db_pool.hpp"

#include <floodgate/analytics/connection_string.hpp>
#include <pqxx/nontransaction>

namespace floodgate::dashboard {

db_pool::db_pool(const std::string& uri, db_pool_limits limits)
    : uri_(analytics::with_client_timeouts(uri)), limits_(limits), free_slots_(limits.size) {}

db_pool::~db_pool() = default;

std::unique_ptr<pqxx::connection> db_pool::connect() const {
  auto c = std::make_unique<pqxx::connection>(uri_);
  // Read only: a bug in a handler can never change analytics data. The statement
  // timeout bounds how long a worker thread can be held by one slow query; a server
  // that does not answer at all is the call deadline's job.
  pqxx::nontransaction setup(*c);
  setup.exec0("SET default_transaction_read_only = on; SET statement_timeout = " +
              std::to_string(limits_.statement_timeout.count()) + "; SET TIME ZONE 'UTC'");
  return c;
}

void db_pool::give_back(std::unique_ptr<pqxx::connection> c) noexcept {
  {
    std::lock_guard lock(mutex_);
    if (c && c->is_open() && !shutting_down_) idle_.push_back(std::move(c));
    ++free_slots_;
  }
  available_.notify_one();
}

void db_pool::shut_down() {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
  }
  available_.notify_all();
  watchdog_.abort_all();
}

db_pool::lease::lease(db_pool& pool) : pool_(pool) {
  {
    std::unique_lock lock(pool_.mutex_);
    const bool got = pool_.available_.wait_for(lock, pool_.limits_.wait_for_connection, [&] {
      return pool_.free_slots_ > 0 || pool_.shutting_down_;
    });
    if (pool_.shutting_down_) throw pqxx::broken_connection("the dashboard is stopping");
    if (!got) throw db_timeout("no PostgreSQL connection became free in time");
    --pool_.free_slots_;
    if (!pool_.idle_.empty()) {
      conn_ = std::move(pool_.idle_.back());
      pool_.idle_.pop_back();
    }
  }
  if (conn_) return;
  // Connect outside the lock: with PostgreSQL down this waits for the connect timeout.
  try {
    conn_ = pool_.connect();
    fresh_ = true;
  } catch (...) {
    pool_.give_back(nullptr);
    throw;
  }
}

db_pool::lease::~lease() {
  pool_.give_back(std::move(conn_));
}

}  // namespace floodgate::dashboard
