// floodgate-dashboard: the page and JSON API over the analytics in PostgreSQL.
// Composition root: command line, configuration, the pool, the server, signals.
#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "command_line.hpp"
#include "config/loader.hpp"
#include "db_pool.hpp"
#include "http_server.hpp"
#include "router.hpp"

namespace {

namespace net = boost::asio;
using namespace floodgate;

// API requests are served by this many worker threads, each with at most one PostgreSQL
// connection in use: queries are short, so a few are plenty for a dashboard.
constexpr std::size_t worker_threads = 4;

// /health: its own thread and connection with short limits, so it answers 503 within
// about 2 s (router.cpp) however the API lane is doing. Two threads: one may be stuck
// connecting while the next check runs.
constexpr std::size_t health_threads = 2;
constexpr dashboard::db_pool_limits health_limits{1, std::chrono::milliseconds(500),
                                                  std::chrono::milliseconds(1000),
                                                  std::chrono::milliseconds(1500)};

// On SIGTERM every query is cut at once; a worker still connecting (3 s connect timeout)
// gets this long before the process exits without it.
constexpr std::chrono::seconds shutdown_deadline{5};

// Joins `pool` unless that takes longer than `limit`. The dashboard only reads, so a
// worker abandoned at exit loses nothing.
// The join runs on a detached thread that signals a promise: a std::async future would
// wait for the join in its destructor, so the limit could never cut it short.
bool join_within(net::thread_pool& pool, std::chrono::seconds limit) {
  pool.stop();  // queued requests are not started
  auto done = std::make_shared<std::promise<void>>();
  auto joined = done->get_future();
  std::thread([&pool, done] {
    pool.join();
    done->set_value();
  }).detach();
  return joined.wait_for(limit) == std::future_status::ready;
}

int run(const std::string& config_path) {
  config::config_ptr cfg;
  try {
    cfg = config::load_file(config_path);
  } catch (const config::config_error& e) {
    for (const auto& p : e.problems()) std::cerr << p.to_string() << '\n';
    return EXIT_FAILURE;
  }
  if (!cfg->analytics || cfg->analytics->postgres.empty()) {
    std::cerr << config_path
              << ": analytics.postgres is not set: the dashboard has no database to read\n";
    return EXIT_FAILURE;
  }

  // Bound the wait for an unreachable server (the URI may still set its own).
  ::setenv("PGCONNECT_TIMEOUT", "3", 0);

  net::io_context io(1);
  const auto& listen = cfg->dashboard.listen;
  boost::system::error_code ec;
  // A host name is allowed (e.g. "localhost"): listen on its first address.
  std::string host = listen.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto resolved = net::ip::tcp::resolver(io).resolve(
      host, std::to_string(listen.port),
      net::ip::tcp::resolver::passive | net::ip::tcp::resolver::numeric_service, ec);
  if (ec || resolved.empty()) {
    std::cerr << config_path << ": dashboard.listen: cannot resolve '" << listen.host
              << "': " << ec.message() << '\n';
    return EXIT_FAILURE;
  }
  net::thread_pool workers(worker_threads);
  net::thread_pool health_workers(health_threads);
  dashboard::db_pool pool(cfg->analytics->postgres, {.size = worker_threads});
  dashboard::db_pool health_pool(cfg->analytics->postgres, health_limits);
  dashboard::router routes(pool, health_pool);
  std::unique_ptr<dashboard::http_server> server;
  try {
    server = std::make_unique<dashboard::http_server>(
        io, workers, health_workers, resolved.begin()->endpoint(),
        [&routes](std::string_view method, std::string_view target) {
          return routes.route(method, target);
        });
  } catch (const boost::system::system_error& e) {
    spdlog::error("cannot listen on {}: {}", listen.to_string(), e.code().message());
    return EXIT_FAILURE;
  }
  server->start();
  spdlog::info("floodgate-dashboard {} listening on http://{}", FLOODGATE_VERSION,
               listen.to_string());

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& e, int sig) {
    if (e) return;
    spdlog::info("signal {}: stopping", sig);
    server->stop();
    // Queries in flight are cut, so no worker stays blocked on a stuck PostgreSQL.
    pool.shut_down();
    health_pool.shut_down();
    io.stop();
  });
  // Operators send SIGHUP to the gateways to reload routes.yaml, and may send it here
  // too; its default action would kill the process. The dashboard reads only
  // analytics.postgres and dashboard.listen, at start, so there is nothing to reload.
  net::signal_set hangup(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& e, int) {
        if (e) return;
        spdlog::info("SIGHUP: nothing to reload (the dashboard reads routes.yaml at start only)");
        hangup.async_wait(on_hangup);
      };
  hangup.async_wait(on_hangup);
  io.run();
  const bool joined = join_within(workers, shutdown_deadline) &&
                      join_within(health_workers, std::chrono::seconds(1));
  if (!joined) {
    spdlog::warn("a worker still waits for PostgreSQL after {} s; exiting without it",
                 shutdown_deadline.count());
    spdlog::shutdown();
    std::_Exit(EXIT_SUCCESS);  // destructors would wait for that worker
  }
  return EXIT_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  const auto opts = dashboard::parse_command_line(args);
  if (!opts) {
    std::cerr << "floodgate-dashboard: " << opts.error() << "\n\n" << dashboard::usage();
    return EXIT_FAILURE;
  }
  switch (opts->what) {
    case dashboard::options::action::help:
      std::cout << dashboard::usage();
      return EXIT_SUCCESS;
    case dashboard::options::action::version:
      std::cout << "floodgate-dashboard " << FLOODGATE_VERSION << '\n';
      return EXIT_SUCCESS;
    case dashboard::options::action::run:
      break;
  }
  try {
    return run(opts->config_path);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return EXIT_FAILURE;
  }
}
