#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "app/config_file_watch.hpp"
#include "config/config.hpp"

namespace floodgate::limit {
class limiter;
class memory_store;
class store;
}  // namespace floodgate::limit
namespace floodgate::redis {
class redis_store;
}
namespace floodgate::analytics {
class recorder;
}
namespace floodgate::http {
class server;
}
namespace floodgate::policy {
class gateway_policy;
}

namespace floodgate::app {

class gateway_metrics;
class exchange_recorder;

/// The composition root (STYLE §1): the one place that picks the store (Redis or memory),
/// the analytics recorder, the metrics, the policy and the HTTP server, wires them and
/// runs the worker threads. Also owns the process lifecycle: SIGHUP (or, with `watch: true`, a
/// change to the file) reloads routes.yaml, SIGTERM/SIGINT drain and stop.
class gateway_app {
 public:
  /// Builds every part from `cfg` (read from `config_path`, which SIGHUP reads again).
  /// Throws std::runtime_error when a part cannot start (e.g. the port is in use).
  gateway_app(config::config_ptr cfg, std::string config_path);
  ~gateway_app();
  gateway_app(const gateway_app&) = delete;
  gateway_app& operator=(const gateway_app&) = delete;

  /// Serves until SIGTERM/SIGINT and the drain that follows; returns the exit status.
  int run();

 private:
  boost::asio::awaitable<void> handle_reloads();
  boost::asio::awaitable<void> watch_config_file();
  boost::asio::awaitable<void> report_evictions();
  boost::asio::awaitable<void> handle_stop();
  void reload();
  void finish();

  std::string config_path_;
  config_file_watch file_watch_;  // `watch: true`: reload when the file changes
  config::config_ptr startup_config_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<limit::store> store_;
  redis::redis_store* redis_ = nullptr;    // store_ when limits live in Redis
  limit::memory_store* memory_ = nullptr;  // store_ when they live in this process
  std::unique_ptr<limit::limiter> limiter_;
  std::unique_ptr<analytics::recorder> recorder_;
  std::unique_ptr<gateway_metrics> metrics_;
  std::unique_ptr<exchange_recorder> exchange_log_;
  std::shared_ptr<policy::gateway_policy> policy_;
  std::unique_ptr<http::server> server_;
  // Installed before the listener opens: a signal that arrives as soon as the port accepts
  // must find its handler, not the default action (which would kill the process).
  std::unique_ptr<boost::asio::signal_set> reload_signals_;
  std::unique_ptr<boost::asio::signal_set> stop_signals_;
  std::atomic<bool> stopping_{false};
};

}  // namespace floodgate::app
