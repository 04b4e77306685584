#include "db_pool.hpp"

#include <pqxx/nontransaction>

namespace floodgate::dashboard {

db_pool::db_pool(std::string uri, std::size_t size) : uri_(std::move(uri)), free_slots_(size) {}

db_pool::~db_pool() = default;

std::unique_ptr<pqxx::connection> db_pool::connect() const {
  auto c = std::make_unique<pqxx::connection>(uri_);
  // Read only: a bug in a handler can never change analytics data. The statement
  // timeout bounds how long a worker thread can be held by one query.
  pqxx::nontransaction setup(*c);
  setup.exec0(
      "SET default_transaction_read_only = on; SET statement_timeout = '5s'; "
      "SET TIME ZONE 'UTC'");
  return c;
}

void db_pool::give_back(std::unique_ptr<pqxx::connection> c) noexcept {
  {
    std::lock_guard lock(mutex_);
    if (c && c->is_open()) idle_.push_back(std::move(c));
    ++free_slots_;
  }
  available_.notify_one();
}

db_pool::lease::lease(db_pool& pool) : pool_(pool) {
  {
    std::unique_lock lock(pool_.mutex_);
    pool_.available_.wait(lock, [&] { return pool_.free_slots_ > 0; });
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
