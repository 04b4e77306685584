#include "app/gateway_app.hpp"

#include <algorithm>
#include <csignal>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <floodgate/analytics/recorder.hpp>
#include <floodgate/limit/limiter.hpp>
#include <floodgate/limit/memory_store.hpp>
#include <floodgate/redis/redis_store.hpp>

#include "app/exchange_recorder.hpp"
#include "app/gateway_metrics.hpp"
#include "app/logging.hpp"
#include "app/reload.hpp"
#include "app/store_factory.hpp"
#include "http/server.hpp"
#include "policy/gateway_policy.hpp"

namespace floodgate::app {

namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

/// How long SIGTERM's analytics flush may retry a failing write. Its own budget, not
/// server.drain_timeout: a drain of 0 ("do not wait for requests") must not mean "throw the
/// buffered events away". Every batch gets at least one attempt whatever this says.
constexpr std::chrono::milliseconds analytics_flush_budget = 5s;

unsigned worker_count(const config::config& cfg) {
  if (cfg.threads != 0) return cfg.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

/// A lifecycle coroutine that throws is a bug; log it instead of terminating mid-drain.
auto log_failure(const char* what) {
  return [what](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("{}: unexpected exception: {}", what, ex.what());
    }
  };
}

}  // namespace

gateway_app::gateway_app(config::config_ptr cfg, std::string config_path)
    : config_path_(std::move(config_path)), file_watch_(config_path_), startup_config_(cfg) {
  const auto threads = worker_count(*cfg);
  for (unsigned i = 0; i < threads; ++i) {
    // Each context is run by exactly one thread (http::server), and every socket
    // of a context (clients, upstreams, Redis) is only touched from that thread:
    // the reactor's per-descriptor locks can go. Other threads still post to a
    // context (signals, drain), so the scheduler keeps its lock.
    contexts_.push_back(std::make_unique<net::io_context>(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO));
    work_.push_back(net::make_work_guard(*contexts_.back()));
  }

  std::vector<net::any_io_executor> executors;
  for (auto& ctx : contexts_) executors.emplace_back(ctx->get_executor());
  auto made = make_store(*cfg, executors);
  store_ = std::move(made.store);
  redis_ = made.redis;
  memory_ = made.memory;

  limiter_ = std::make_unique<limit::limiter>(store_, cfg->circuit_breaker);
  if (cfg->analytics) {
    const auto& a = *cfg->analytics;
    recorder_ = std::make_unique<analytics::recorder>(analytics::recorder_options{
        .postgres = a.postgres,
        .batch_size = a.batch_size,
        .flush_interval = a.flush_interval,
        .buffer = a.buffer,
    });
  }
  metrics_ = std::make_unique<gateway_metrics>(*limiter_, recorder_.get(), redis_);
  exchange_log_ = std::make_unique<exchange_recorder>(
      metrics_->registry(), recorder_.get(), cfg->gateway_id, cfg->logging.access_log_sample);

  policy::policy_services services;
  services.limiter = limiter_.get();
  services.log = exchange_log_.get();
  if (redis_ != nullptr) services.redis_up = [r = redis_] { return r->connected(); };
  if (recorder_) services.analytics_up = [r = recorder_.get()] { return r->database_up(); };
  services.render_metrics = [m = metrics_.get()] { return m->render(); };
  policy_ = std::make_shared<policy::gateway_policy>(cfg, std::move(services));

  std::vector<net::io_context*> raw;
  for (auto& ctx : contexts_) raw.push_back(ctx.get());
  server_ = std::make_unique<http::server>(std::move(raw), policy_);
  metrics_->watch_server(*server_);
  if (memory_ != nullptr) metrics_->watch_memory_store(*memory_);
  reload_signals_ = std::make_unique<net::signal_set>(*contexts_.front(), SIGHUP);
  stop_signals_ = std::make_unique<net::signal_set>(*contexts_.front(), SIGTERM, SIGINT);
  server_->listen(cfg->listen);

  spdlog::info("floodgate {} listening on {} threads={} store={} analytics={} routes={}",
               FLOODGATE_VERSION, cfg->listen.to_string(), threads,
               redis_ != nullptr ? "redis" : "memory", recorder_ ? "postgres" : "off",
               cfg->routes.size());
}

gateway_app::~gateway_app() {
  // Sessions and their coroutine frames refer to the policy, limiter and store: destroy
  // the server, then the contexts (which destroy pending frames), then the rest.
  if (redis_ != nullptr) redis_->stop();
  server_.reset();
  reload_signals_.reset();
  stop_signals_.reset();
  work_.clear();
  contexts_.clear();
  policy_.reset();
}

int gateway_app::run() {
  auto& main_ctx = *contexts_.front();
  net::co_spawn(main_ctx, handle_reloads(), log_failure("reload"));
  net::co_spawn(main_ctx, watch_config_file(), log_failure("config watch"));
  if (memory_ != nullptr) net::co_spawn(main_ctx, report_evictions(), log_failure("evictions"));
  net::co_spawn(main_ctx, handle_stop(), log_failure("shutdown"));

  std::vector<std::jthread> workers;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    workers.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
  }
  main_ctx.run();
  workers.clear();  // joins

  // Only now, with no request in flight, flush analytics: stop() blocks, so it must not
  // run on a worker.
  if (recorder_) {
    recorder_->stop(analytics_flush_budget);
    spdlog::info("analytics flushed: written={} dropped={}", recorder_->written(),
                 recorder_->dropped());
  }
  spdlog::info("stopped");
  return 0;
}

net::awaitable<void> gateway_app::handle_reloads() {
  while (!stopping_.load()) {
    auto [ec, sig] = co_await reload_signals_->async_wait(net::as_tuple(net::use_awaitable));
    if (ec || stopping_.load()) break;
    reload();
  }
}

net::awaitable<void> gateway_app::watch_config_file() {
  // Twice a second: a saved file applies within about a second (it must look the same
  // at two polls), and a stat(2) per poll costs nothing. Polled even while `watch` is
  // off, so that a reload can turn it on.
  net::steady_timer timer(co_await net::this_coro::executor);
  while (!stopping_.load()) {
    timer.expires_after(500ms);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (stopping_.load() || !policy_->current_config()->watch) continue;
    if (file_watch_.changed_and_settled()) {
      spdlog::info("{} changed: reloading", config_path_);
      reload();
    }
  }
}

net::awaitable<void> gateway_app::report_evictions() {
  // A full memory store forgets keys early: say so in the log, where operators look
  // first, at most once a minute (the counter is in /metrics).
  net::steady_timer timer(co_await net::this_coro::executor);
  std::uint64_t reported = memory_->evicted();
  while (!stopping_.load()) {
    timer.expires_after(60s);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    const auto evicted = memory_->evicted();
    if (evicted == reported || stopping_.load()) continue;
    spdlog::warn(
        "memory store full: {} limit states evicted in the last minute (server.max_limit_states "
        "= {}); their keys start afresh. Raise it, or key on something clients cannot choose",
        evicted - reported, policy_->current_config()->server.max_limit_states);
    reported = evicted;
  }
}

void gateway_app::reload() {
  // Reading a small YAML file takes a millisecond or two; it runs on the first worker
  // rather than a thread of its own because reloads are rare and operator-driven.
  // Restart-only settings are compared with the start's: those are the ones in effect.
  // The file as read now is the one the watch compares with from here on.
  file_watch_.accept_current();
  auto r = reload_config(config_path_, *startup_config_);
  if (!r.next) {
    for (const auto& p : r.problems) spdlog::error("reload refused: {}", p);
    spdlog::error("reload refused: {} problem(s) in {}; the running configuration stays",
                  r.problems.size(), config_path_);
    metrics_->count_reload(false);
    return;
  }
  for (const auto& name : r.ignored) {
    spdlog::warn("reload: '{}' changed but needs a restart; ignored until then", name);
  }
  apply_log_level(r.next->logging);
  if (memory_ != nullptr) memory_->set_max_states(r.next->server.max_limit_states);
  exchange_log_->set_access_log_sample(r.next->logging.access_log_sample);
  policy_->replace_config(r.next);
  metrics_->count_reload(true);
  spdlog::info("reload: applied {} routes={} upstreams={}", config_path_, r.next->routes.size(),
               r.next->upstreams.size());
}

net::awaitable<void> gateway_app::handle_stop() {
  auto executor = co_await net::this_coro::executor;
  auto& stop = *stop_signals_;
  auto [ec, sig] = co_await stop.async_wait(net::as_tuple(net::use_awaitable));
  if (ec) co_return;
  stopping_.store(true);
  const auto timeout = policy_->current_config()->server.drain_timeout;
  spdlog::info("signal {}: draining (timeout {} ms, {} open connections)", sig, timeout.count(),
               server_->active_sessions());
  policy_->begin_drain();
  server_->begin_drain();

  // A second signal means "now": an operator who presses Ctrl-C twice does not want to wait
  // for the drain timeout.
  auto forced = std::make_shared<std::atomic<bool>>(false);
  stop.async_wait([forced](const boost::system::error_code& e, int) {
    if (!e) forced->store(true);
  });

  // The server exposes a count, not a completion: poll it. 20 ms is invisible next to the
  // drain timeout and costs nothing while idle.
  net::steady_timer timer(executor);
  const auto wait_idle =
      [&](std::chrono::steady_clock::time_point deadline) -> net::awaitable<void> {
    while (server_->active_sessions() != 0 && !forced->load() &&
           std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(20ms);
      co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    }
  };
  co_await wait_idle(std::chrono::steady_clock::now() + timeout);
  if (const auto left = server_->active_sessions(); left != 0) {
    spdlog::warn("{}: closing {} connection(s) still open",
                 forced->load() ? "second signal" : "drain timeout", left);
    server_->close_all();
    // Closed sessions still report their exchange (status 0) to metrics and analytics;
    // give them a moment to unwind before the contexts stop.
    co_await wait_idle(std::chrono::steady_clock::now() + 200ms);
  }
  server_->close_all();  // also the idle pooled upstream connections
  finish();
}

void gateway_app::finish() {
  if (redis_ != nullptr) redis_->stop();
  // Nothing is served any more: let every context run out of work, and stop them in case
  // a pooled connection or timer would keep one alive. The stop is posted, so it runs
  // after the Redis connections' shutdown that stop() just posted to the same context
  // (a context runs posted handlers in order): stopped at once, a context would drop
  // that shutdown, and the connection would only be torn down by its destructor.
  work_.clear();
  for (auto& ctx : contexts_) net::post(*ctx, [c = ctx.get()] { c->stop(); });
}

}  // namespace floodgate::app
