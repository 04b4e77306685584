#pragma once

// Shared by the gateway_* e2e tests: the real build/bin/floodgate started on a free
// loopback port with a routes.yaml in a temp dir, a small loopback HTTP backend, and a
// blocking HTTP/1.1 client with keep-alive.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "process.hpp"

namespace floodgate::e2e {

/// One response as the client saw it; header names are lower-cased.
struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  [[nodiscard]] std::string header(const std::string& lower_name) const;
  [[nodiscard]] bool has(const std::string& lower_name) const;
};

using field_list = std::vector<std::pair<std::string, std::string>>;

/// A keep-alive HTTP/1.1 connection to 127.0.0.1:port (blocking, 10 s timeout per call).
class client {
 public:
  explicit client(std::uint16_t port);
  ~client();
  reply request(const std::string& method, const std::string& target,
                const field_list& fields = {});
  reply get(const std::string& target, const field_list& fields = {}) {
    return request("GET", target, fields);
  }
  /// Sends a request without reading the answer (for in-flight tests).
  void send(const std::string& method, const std::string& target, const field_list& fields = {});
  /// Reads the answer of an earlier send().
  reply receive();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// One request on a fresh connection.
reply get_once(std::uint16_t port, const std::string& target, const field_list& fields = {});

/// A loopback backend: answers 200 "backend:<target>" with an X-Backend header; a target
/// starting with /slow/<ms> waits that many milliseconds first. Counts requests.
class backend {
 public:
  backend();
  ~backend();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::size_t requests() const noexcept;

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::shared_ptr<std::atomic<std::size_t>> count_;
  std::thread thread_;
};

/// build/bin/floodgate with `yaml` written to <tmp>/routes.yaml; "@LISTEN@" and "@BACKEND@"
/// in the text are replaced by the gateway's and the backend's host:port.
class gateway {
 public:
  gateway(const std::string& yaml, std::uint16_t backend_port);
  ~gateway();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const std::string& config_path() const noexcept { return config_path_; }
  /// Replaces routes.yaml (same substitutions); SIGHUP it to apply.
  void write_config(const std::string& yaml);
  void signal(int sig) { process_.signal(sig); }
  [[nodiscard]] pid_t pid() const noexcept { return process_.pid(); }
  /// Waits for exit; the waitpid status or -1.
  int wait(std::chrono::milliseconds timeout) { return process_.wait(timeout); }
  /// The gateway's stderr so far.
  [[nodiscard]] std::string log() const;
  /// Polls the log until it contains `text` or `deadline` passes.
  bool wait_for_log(const std::string& text, std::chrono::milliseconds deadline) const;

 private:
  test::temp_dir dir_;
  std::string config_path_;
  std::string log_path_;
  std::uint16_t port_ = 0;
  std::uint16_t backend_port_ = 0;
  test::child_process process_;
};

/// The floodgate binary under test.
std::string floodgate_binary();

/// The value of a Prometheus sample line "name{labels} value" in `text`, or nullopt.
std::optional<double> metric_value(const std::string& text, const std::string& series);

}  // namespace floodgate::e2e
