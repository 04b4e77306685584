#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <floodgate/limit/store.hpp>

namespace floodgate::redis {

struct redis_options {
  std::string url =
      "redis://127.0.0.1:6379/0";         // redis://[:password@]host:port[/db] | unix:///path
  std::chrono::milliseconds timeout{50};  // one decision's budget
  std::string key_prefix = "floodgate:";
  /// Denials remembered per connection (answered without Redis until their
  /// Retry-After has passed); 0 disables the cache.
  std::size_t denial_cache_size = 4096;
  /// A connection that has heard nothing for this long while checks time out, or
  /// whose idle PING went unanswered for this long, is dropped and reconnects.
  std::chrono::milliseconds stall_timeout{2000};
};

/// Counters since construction (all connections). Thread safe, relaxed.
struct redis_store_stats {
  std::uint64_t evalsha = 0;     // EVALSHA commands sent (one per decision, plus NOSCRIPT retries)
  std::uint64_t cache_hits = 0;  // denials answered from the local cache, no Redis call
  std::uint64_t script_loads = 0;  // SCRIPT LOAD commands sent
  std::uint64_t connects = 0;      // successful handshakes (AUTH, SELECT, SCRIPT LOAD)
};

/// Limits kept in Redis: every check is one EVALSHA of the embedded check script.
///
/// Holds one pipelined hiredis connection per executor it is given (one per
/// gateway worker thread), driven by Asio on that executor (no extra thread).
/// A check runs on the connection of the calling handler's executor when it has
/// one (same io_context), else round-robin. Reconnects with exponential backoff
/// (50 ms doubling to 1 s) by itself; a check with no usable connection fails at once
/// with limit::errc::redis_unavailable, one with no reply within `timeout` with
/// limit::errc::redis_timeout. Completion runs on the handler's associated
/// executor (the connection's executor when it has none), never inline from its
/// own async_check; an async_check made on a connection's thread may complete
/// earlier checks whose replies have arrived (it reads them before writing a
/// batch of pipelined commands).
/// Thread safe.
class redis_store : public limit::store {
 public:
  /// One connection per executor in `executors` (each must be a single-threaded
  /// io_context executor or a strand). Throws std::invalid_argument when the URL
  /// does not parse or `executors` is empty.
  redis_store(redis_options o, std::vector<boost::asio::any_io_executor> executors);
  /// Calls stop().
  ~redis_store() override;

  /// Starts connecting (non-blocking). Checks submitted before the first
  /// connection is ready wait for it, bounded by `timeout`.
  void start();
  /// Closes connections (on their executors); pending checks fail with redis_unavailable.
  void stop();

  /// At least one connection has completed its handshake and is usable.
  [[nodiscard]] bool connected() const noexcept;
  [[nodiscard]] redis_store_stats stats() const noexcept;

  /// Answers at once, on the caller's thread, when the caller runs on the
  /// io_context of one of the store's connections and that connection has the
  /// check's denial cached (so a blocked client costs no Redis call and no
  /// queueing); nullopt otherwise (then async_check talks to Redis).
  [[nodiscard]] std::optional<limit::immediate_check> try_check_now(
      std::string_view key, std::span<const limit::limit_spec> limits) override;

 private:
  void do_check(std::string_view key, std::span<const limit::limit_spec> limits,
                boost::asio::any_completion_handler<limit::check_signature> handler) override;

  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace floodgate::redis
