// A throwaway PostgreSQL cluster for tests: initdb in a temp dir, loopback only, free port.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "process.hpp"

namespace floodgate::test {

/// Starts a fresh PostgreSQL cluster (initdb + pg_ctl from the newest
/// /usr/lib/postgresql/*/bin, or FLOODGATE_PG_BIN) in a temp dir, listening on 127.0.0.1 on
/// a free port with its unix socket inside the temp dir. As root, the server runs as the
/// `postgres` user (initdb refuses root). Creates role and database `floodgate`
/// (password `floodgate`) and applies schema/schema.sql. Stopped and removed by the
/// destructor, or by a watcher process within a second or two should this process die
/// without running it. Throws std::runtime_error when something fails, with the server log.
class postgres_server {
 public:
  postgres_server();
  ~postgres_server();
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  /// "Fast" shutdown (clients are disconnected), waiting until the server is gone.
  void stop();
  /// Starts the stopped cluster again: same data, same port.
  void start();
  [[nodiscard]] bool running() const noexcept { return running_; }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// libpq URI of the floodgate database as the floodgate role, over TCP.
  [[nodiscard]] std::string uri() const;

  /// Applies schema/schema.sql again (it is idempotent) with psql; throws on error.
  void apply_schema() const;
  /// Runs SQL (one or more statements) as floodgate; throws on error.
  void exec(const std::string& sql) const;
  /// Runs a query and returns the first column of its first row as text ("" for NULL,
  /// throws when there is no row).
  [[nodiscard]] std::string scalar(const std::string& sql) const;
  /// scalar() converted to an integer.
  [[nodiscard]] long long count(const std::string& sql) const;

 private:
  void start_watchdog() const;
  void pg_ctl(const std::string& args) const;
  [[nodiscard]] std::string as_postgres(const std::string& command) const;
  [[nodiscard]] std::string log_tail() const;

  temp_dir dir_;
  std::string bin_;
  std::string data_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace floodgate::test
