#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/container/small_vector.hpp>

#include <floodgate/limit/store.hpp>

#include "redis/check_script.hpp"
#include "redis/denial_cache.hpp"
#include "redis/redis_url.hpp"

struct redisAsyncContext;
struct redisReply;

namespace floodgate::redis::detail {

/// What every connection of a store shares (immutable).
struct connection_settings {
  redis_endpoint endpoint;
  std::chrono::milliseconds timeout{50};
  std::string key_prefix;
  std::chrono::milliseconds min_backoff{50};
  std::chrono::milliseconds max_backoff{1000};  // <= a typical reset_timeout
  std::chrono::milliseconds connect_timeout{1000};
  /// No reply at all for this long while checks are in flight: the peer is gone
  /// without a FIN (host down, network partition); drop the connection and reconnect.
  std::chrono::milliseconds stall_timeout{2000};
  std::size_t denial_cache_size = 4096;
  /// Commands written at once when this many are queued (and the replies that have
  /// arrived read), rather than all at the end of the io_context's pass: a pass at
  /// saturation is ~1 ms of work, which every decision would otherwise wait for twice.
  std::size_t write_batch = 8;
};

/// Counters shared by all connections of a store (relaxed atomics).
struct connection_stats {
  std::atomic<std::uint64_t> evalsha{0};       // EVALSHA commands sent
  std::atomic<std::uint64_t> cache_hits{0};    // denials answered without Redis
  std::atomic<std::uint64_t> script_loads{0};  // SCRIPT LOAD sent (connect + NOSCRIPT)
  std::atomic<std::uint64_t> connects{0};      // handshakes completed
  std::atomic<int> ready_connections{0};
};

/// The plain io_context executor inside `ex` (itself, or inside an
/// any_io_executor as coroutines carry), or nullptr.
[[nodiscard]] const boost::asio::io_context::executor_type* plain_io_executor(
    const boost::asio::any_completion_executor& ex);

/// One check on its way through a connection.
struct pending_check {
  // Move-constructed only: Boost 1.81's any_completion_handler move assignment
  // copies through its converting constructor and recurses without end.
  explicit pending_check(boost::asio::any_completion_handler<limit::check_signature> h)
      : handler(std::move(h)) {}

  boost::asio::any_completion_handler<limit::check_signature> handler;
  std::string key;  // "route:client", copied from the caller
  // Copied: the caller's span may die on timeout. Inline up to 4 limits, so
  // the common route costs no allocation here.
  boost::container::small_vector<limit::limit_spec, 4> limits;
  [[nodiscard]] std::span<const limit::limit_spec> limit_span() const noexcept {
    return {limits.data(), limits.size()};
  }
  std::chrono::steady_clock::time_point sent_at{};
  std::chrono::steady_clock::time_point deadline{};
  bool done = false;         // handler consumed (reply, error or timeout)
  bool in_hiredis = false;   // hiredis holds a pointer to it (a reply callback will come)
  bool in_timeline = false;  // in the deadline queue
  bool in_waiting = false;   // queued until the connection is ready
  bool retried = false;      // NOSCRIPT already retried once
};

/// One pipelined hiredis connection, driven on one single-threaded executor.
///
/// Every member function except the constructor, start() and stop() must run on
/// that executor. Many checks are in flight at once; replies come back in send
/// order, so one timer on the oldest deadline bounds them all by `timeout`.
/// A handler never completes inside the submit() of its own check; a reply
/// completes it directly when it is read on the handler's own thread (in the
/// reactor's read handler, or in the submit() of a later check that writes a
/// batch), else through a post to its associated executor.
class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(boost::asio::any_io_executor ex, std::shared_ptr<const connection_settings> settings,
             std::shared_ptr<connection_stats> stats);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Posts the first connect. Thread safe.
  void start();
  /// Posts a shutdown: the context is freed, pending checks fail with redis_unavailable.
  void stop();

  /// Submits a check (on the executor). Answers from the denial cache when it can.
  void submit(std::unique_ptr<pending_check> check);

  /// The cached denial of this check as of now, or nullopt (on the executor).
  [[nodiscard]] std::optional<limit::verdict> cached_denial(
      std::string_view key, std::span<const limit::limit_spec> limits);

  [[nodiscard]] const boost::asio::any_io_executor& executor() const noexcept { return ex_; }
  [[nodiscard]] bool ready() const noexcept { return ready_.load(std::memory_order_relaxed); }

 private:
  enum class state : std::uint8_t { idle, connecting, ready, backoff, stopped };

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_handshake_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_script_loaded(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_check_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_ping_reply(redisAsyncContext* ac, void* reply, void* privdata);

  void do_connect();
  void open_context(const std::string& host_or_path);
  void send_handshake();
  void on_ready(std::string sha);
  void on_lost(const char* why);
  void schedule_reconnect();
  void shutdown();
  void log_handshake_error(std::string_view what, std::string_view detail);

  void send(pending_check* p);
  void send_script_load();
  void handle_reply(pending_check* p, const redisReply* reply);
  // How a handler is completed: `queued` through a post (from submit, which must
  // never complete inline, and from teardown); `from_reply` at once when we are
  // on the handler's own thread, else through a post.
  enum class completion : std::uint8_t { queued, from_reply };
  void complete(pending_check* p, boost::system::error_code ec, limit::verdict v = {},
                completion how = completion::queued);
  void release(pending_check* p);
  void fail_waiting(boost::system::error_code ec);

  void watch_deadline(pending_check* p);
  void arm_timer();
  void on_timer();
  void on_timer_front();
  void arm_heartbeat();
  void on_heartbeat();
  void drop_stalled();

  boost::asio::any_io_executor ex_;
  std::shared_ptr<const connection_settings> settings_;
  std::shared_ptr<connection_stats> stats_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::steady_timer reconnect_timer_;
  boost::asio::steady_timer heartbeat_timer_;  // an idle ready connection's PING
  bool deadline_armed_ = false;
  bool ping_outstanding_ = false;

  redisAsyncContext* ac_ = nullptr;
  state state_ = state::idle;
  std::atomic<bool> ready_{false};
  std::string sha_;  // of the check script, as SCRIPT LOAD returned it
  std::chrono::milliseconds backoff_;
  std::uint64_t generation_ = 0;  // bumped per context, so stale timers do nothing
  bool destroying_ = false;
  bool handshake_error_logged_ = false;
  bool handshake_refused_ = false;  // AUTH/SELECT refused on the context being opened
  std::chrono::steady_clock::time_point last_reply_{};  // last reply of any kind

  std::vector<pending_check*> waiting_;  // submitted while connecting
  std::deque<pending_check*> timeline_;  // in submit order = deadline order
  denial_cache denials_;
  check_command_formatter formatter_;
  std::string command_;    // reused buffer for formatting commands
  std::string cache_key_;  // reused buffer for denial cache lookups
};

}  // namespace floodgate::redis::detail
