#pragma once

// An in-process gateway for the proxy tests: http::server on its own io_context
// threads with a trivial request_handler that forwards everything to the
// upstream "backend" (except /local, answered locally), in front of
// test::backend_server instances on loopback.

#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "http/request_handler.hpp"
#include "http/server.hpp"

namespace floodgate::test {

namespace bh = boost::beast::http;

class forwarding_handler final : public http::request_handler {
 public:
  explicit forwarding_handler(config::config_ptr cfg) : cfg_(std::move(cfg)) {}

  boost::asio::awaitable<http::plan> handle(const http::request_context& ctx) override {
    http::plan p;
    if (ctx.path == "/local") {
      bh::response<bh::string_body> res{bh::status::ok, 11};
      res.body() = "local";
      p.local = std::move(res);
    } else {
      p.snapshot = cfg_;
      p.upstream = &cfg_->upstreams.at("backend");
    }
    p.response_headers.add("X-Gateway", "test");
    p.on_complete = [this](unsigned status) {
      std::lock_guard lock(mutex_);
      statuses_.push_back(status);
    };
    co_return p;
  }

  [[nodiscard]] config::config_ptr current_config() const override { return cfg_; }

  [[nodiscard]] std::vector<unsigned> statuses() const {
    std::lock_guard lock(mutex_);
    return statuses_;
  }

 private:
  config::config_ptr cfg_;
  mutable std::mutex mutex_;
  std::vector<unsigned> statuses_;
};

/// A config whose upstream "backend" has one server per port.
inline std::shared_ptr<config::config> make_config(const std::vector<std::uint16_t>& ports) {
  auto cfg = std::make_shared<config::config>();
  config::upstream_config up;
  up.name = "backend";
  for (auto port : ports) up.servers.push_back({"127.0.0.1", port});
  up.connect_timeout = std::chrono::milliseconds(1000);
  up.timeout = std::chrono::milliseconds(10000);
  cfg->upstreams.emplace("backend", std::move(up));
  return cfg;
}

class gateway_harness {
 public:
  explicit gateway_harness(std::shared_ptr<config::config> cfg, unsigned threads = 1) {
    std::vector<boost::asio::io_context*> raw;
    for (unsigned i = 0; i < threads; ++i) {
      contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
      raw.push_back(contexts_.back().get());
      guards_.emplace_back(contexts_.back()->get_executor());
    }
    handler_ = std::make_shared<forwarding_handler>(std::move(cfg));
    server_ = std::make_unique<http::server>(raw, handler_);
    server_->listen({"127.0.0.1", 0});
    for (auto& ctx : contexts_) threads_.emplace_back([&ctx] { ctx->run(); });
  }

  ~gateway_harness() {
    server_->close_all();
    guards_.clear();
    for (auto& ctx : contexts_) ctx->stop();
    for (auto& t : threads_) t.join();
    server_.reset();
  }

  [[nodiscard]] std::uint16_t port() const { return server_->local_endpoint().port(); }
  http::server& server() { return *server_; }
  forwarding_handler& handler() { return *handler_; }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::shared_ptr<forwarding_handler> handler_;
  std::unique_ptr<http::server> server_;
  std::vector<std::thread> threads_;
};

/// Polls `done` every few milliseconds until it holds or `deadline` passes.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

}  // namespace floodgate::test
