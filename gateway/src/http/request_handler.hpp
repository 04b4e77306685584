#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "config/config.hpp"
#include "proxy/header_block.hpp"

namespace floodgate::http {

namespace beast_http = boost::beast::http;

/// What the session knows about a request when its header has been read
/// (the body has not been read yet: it is streamed later, or discarded).
struct request_context {
  const beast_http::request_header<>& header;
  boost::asio::ip::address peer;                  // TCP peer of the downstream connection
  std::string_view peer_text;                     // its proxy::address_text(), or empty
  std::string_view path;                          // text::route_path() of the target
  std::chrono::steady_clock::time_point started;  // header fully read
};

/// The handler's answer for one request.
///
/// Either `local` is set (the session writes it: /health, /metrics, 429, 503, 404),
/// or `upstream` is set and the session forwards the request there, streaming
/// both bodies. `response_headers` are added to whichever response goes back.
/// `on_complete` is invoked exactly once when the exchange ends, with the status
/// sent downstream (including the session's own 502/504 or a status of 0 when
/// the client went away), on the session's executor.
struct plan {
  std::optional<beast_http::response<beast_http::string_body>> local;
  config::config_ptr snapshot;  // keeps *upstream alive for the exchange
  const config::upstream_config* upstream = nullptr;
  proxy::header_block response_headers;
  std::function<void(unsigned status)> on_complete;
};

/// The policy the HTTP session consults for every request (implemented in
/// src/policy: routing, client key, limiter, rate-limit headers, /health,
/// /metrics, analytics). Shared by all sessions and threads: thread safe.
class request_handler {
 public:
  virtual ~request_handler() = default;

  /// Decides what to do with one request. Runs on the session's executor.
  virtual boost::asio::awaitable<plan> handle(const request_context& ctx) = 0;

  /// What start() gives: the plan (`ready`), or the coroutine that will make it
  /// (`pending`, to be co_awaited while `ctx` is alive).
  struct started {
    std::optional<plan> ready;
    std::optional<boost::asio::awaitable<plan>> pending;
  };

  /// handle() in two steps: everything that needs no waiting is done here, on the
  /// caller's thread, and only a limiter that must wait (Redis) leaves a coroutine
  /// to await. Spares the in-memory case a coroutine frame and a suspension per
  /// request, and the Redis case nothing (no step is done twice).
  virtual started start(const request_context& ctx) { return {std::nullopt, handle(ctx)}; }

  /// The configuration snapshot in force now (limits and timeouts of the proxy).
  [[nodiscard]] virtual config::config_ptr current_config() const = 0;
};

}  // namespace floodgate::http
