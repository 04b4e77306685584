#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace floodgate::test {

struct redis_server_options {
  std::string password;      // non-empty: started with --requirepass
  bool unix_socket = false;  // also listen on <dir>/redis.sock
};

/// A throwaway redis-server on a free loopback port, in its own temp dir,
/// with persistence off (`--save "" --appendonly no`). Never assumes a running
/// Redis: the binary is found with find_program (FLOODGATE_REDIS_SERVER overrides).
///
/// stop()/start() restart it on the same port, so clients can test reconnection.
class redis_server {
 public:
  explicit redis_server(redis_server_options o = {});
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  /// Starts (again) and waits until it answers PING; throws on failure.
  void start();
  /// SIGKILL: an abrupt crash, like a Redis host going away.
  void kill();
  /// Graceful SIGTERM.
  void stop();
  [[nodiscard]] bool running();
  /// SIGSTOP / SIGCONT: Redis keeps its connections but answers nothing (a hang).
  void pause();
  void resume();

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string socket_path() const;
  /// redis://[:password@]127.0.0.1:port/<db>
  [[nodiscard]] std::string url(int db = 0) const;
  [[nodiscard]] std::string unix_url() const { return "unix://" + socket_path(); }

  /// Runs one command synchronously (hiredis) and returns the reply flattened to
  /// text: strings/status/errors as-is ("ERR ..." for errors), integers in
  /// decimal, arrays as elements joined with '\n'. Authenticates when needed.
  std::string command(const std::vector<std::string>& argv, int db = 0);

  /// The `calls` value of `cmdstat_<name>` in INFO commandstats (0 when absent).
  [[nodiscard]] std::uint64_t command_calls(const std::string& name);

 private:
  redis_server_options opts_;
  temp_dir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<child_process> proc_;
};

/// Path of the redis-server binary, or empty when it is not installed.
[[nodiscard]] std::string redis_server_binary();

}  // namespace floodgate::test
