#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>

#include "config/config.hpp"
#include "proxy/async.hpp"
#include "proxy/name_lookup.hpp"
#include "proxy/resolve_cache.hpp"
#include "proxy/server_key.hpp"

namespace floodgate::proxy {

/// One connection to one upstream server, with its own read buffer.
struct upstream_connection {
  explicit upstream_connection(net::executor ex) : stream(std::move(ex)) {}

  net::tcp_stream stream;
  boost::beast::flat_buffer buffer;
  std::string server_key;  // host:port, the pool key
  net::clock::time_point idle_since;
  bool reused = false;  // taken from the idle list (may be stale)
};

using connection_ptr = std::unique_ptr<upstream_connection>;

/// Keep-alive connections to upstream servers, with round-robin and passive
/// health checks. One per io_context (per worker thread), so there is no lock on
/// the hot path; not thread safe. Everything completes on the pool's executor.
class upstream_pool {
 public:
  struct options {
    std::chrono::milliseconds fail_timeout{5000};     // a server that refused is skipped this long
    std::chrono::milliseconds idle_keepalive{30000};  // idle connections older are closed
    // A connection idle this long is probed even for a replayable request: a server
    // that closes idle connections (or answers them with an unsolicited 408 first)
    // does so after seconds, and a probe at that rate costs nothing.
    std::chrono::milliseconds probe_after_idle{1000};
  };

  explicit upstream_pool(net::executor ex, options opts);
  explicit upstream_pool(net::executor ex) : upstream_pool(std::move(ex), options{}) {}
  /// With its own DNS (tests: a resolver that hangs, answers late, or fails).
  upstream_pool(net::executor ex, options opts, resolve_cache::options dns, name_lookup lookup);

  /// A connection to the next server of `up` in round-robin order, skipping
  /// servers that failed recently (unless all did). An idle pooled connection to
  /// that server is preferred when `allow_pooled`; with `probe_idle`, or when it
  /// has been idle for `probe_after_idle`, it is first checked for a close (or
  /// unsolicited bytes) from the server with one non-blocking recv. A caller that
  /// can replay its request on a fresh connection when a pooled one turns out stale
  /// skips the probe for connections idle a moment only: under load, no syscall. A server whose
  /// name does not resolve and accept within `up.connect_timeout`, both together, is marked down
  /// and the next one is tried. Fails with errc::upstream_connect when no server accepted.
  net::awaitable<std::pair<net::error_code, connection_ptr>> acquire(
      const config::upstream_config& up, bool allow_pooled = true, bool probe_idle = true);

  /// Returns a connection whose last exchange ended cleanly; keeps at most
  /// `max_idle` idle connections per server (the oldest is closed beyond that).
  void release(connection_ptr c, std::size_t max_idle);

  /// Idle connections held, all servers together.
  [[nodiscard]] std::size_t idle_connections() const noexcept;

  /// Closes every idle connection (drain, shutdown).
  void clear() noexcept;

 private:
  connection_ptr take_idle(const std::string& key, bool probe);
  net::awaitable<std::pair<net::error_code, connection_ptr>> connect(
      const config::endpoint& server, std::string key, std::chrono::milliseconds timeout);
  [[nodiscard]] bool is_down(const std::string& key) const;

  net::executor ex_;
  options opts_;
  resolve_cache resolver_;
  std::unordered_map<std::string, std::vector<connection_ptr>> idle_;   // key: host:port
  std::unordered_map<std::string, std::size_t> next_;                   // key: upstream name
  std::unordered_map<std::string, net::clock::time_point> down_until_;  // key: host:port
};

}  // namespace floodgate::proxy
