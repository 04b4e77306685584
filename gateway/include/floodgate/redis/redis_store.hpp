#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include <floodgate/limit/store.hpp>

namespace floodgate::redis {

struct redis_options {
  std::string url = "redis://127.0.0.1:6379/0";  // redis://[:password@]host:port[/db] | unix:///path
  std::chrono::milliseconds timeout{50};          // one decision's budget
  std::string key_prefix = "floodgate:";
};

/// Limits kept in Redis: every check is one EVALSHA of the embedded check script.
///
/// Holds one pipelined hiredis connection per executor it is given (one per
/// gateway worker thread); a check runs on the connection of the calling
/// handler's executor when it has one, else round-robin. Reconnects with
/// backoff by itself; a check with no usable connection, or no reply within
/// `timeout`, completes with limit::errc. Thread safe.
class redis_store : public limit::store {
 public:
  /// One connection per executor in `executors` (each must be a single-threaded context/strand).
  redis_store(redis_options o, std::vector<boost::asio::any_io_executor> executors);
  ~redis_store() override;

  /// Starts connecting (non-blocking).
  void start();
  /// Closes connections; pending checks fail with redis_unavailable.
  void stop();

  [[nodiscard]] bool connected() const noexcept;  // at least one connection is ready

 private:
  void do_check(std::string_view key, std::span<const limit::limit_spec> limits,
                boost::asio::any_completion_handler<limit::check_signature> handler) override;

  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace floodgate::redis
