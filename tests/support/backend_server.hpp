#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace floodgate::test {

/// An in-process HTTP/1.1 backend for proxy tests and the demo, on its own
/// thread and io_context, listening on 127.0.0.1 (a free port unless given).
/// Keep-alive and pipelining supported. Every response carries `X-Backend: <name>`.
///
/// Endpoints (query parameters in brackets):
///   /echo          200, text/plain, one item per line:
///                    "method GET", "target /echo?x=1", "version 11",
///                    "body_length N", "body_chunked 0|1", "body_fnv1a <hex>",
///                    "body_prefix <first 32 bytes>", then "header <lowercase-name>: <value>"
///                    for every request header, in order
///   /status/<code> that status, body "status <code>" (none for 1xx/204/304)
///   /slow?ms=N     waits N ms, then 200 "slow"
///   /chunked?n=N[&delay_ms=D]  chunked response of N chunks "chunk <i>\n", each
///                    after D ms (the header at once)
///   /bytes?n=N     N bytes ('a'..'z' repeating) with Content-Length
///   /eof?n=N       N bytes, no Content-Length, no chunking: the body ends when the
///                    backend closes the connection
///   /sink          reads the body streaming, counting (see sink_bytes()), replies
///                    "<count>"
///   /ws            WebSocket echo (text and binary) until the peer closes
///   /close         closes the connection without a response
///   /switch        101 Switching Protocols to any request, then closes
///   /refuse-body   413 "refused" from the header alone, then a close with the body unread
///   /own-limits?chunked=0|1  200 "own" with X-RateLimit-Limit/-Remaining/-Reset/
///                    -Strategy, RateLimit-Policy, RateLimit, Retry-After: 7, X-Other
///   /then-close    200 "ok" without "Connection: close", and the close in the same
///                    TCP segment
///   anything else  200 "ok"
///
/// Thread safety: the counters may be read from any thread.
class backend_server {
 public:
  /// `port` 0 picks a free one; `host` is the address to bind; `threads` run the
  /// io_context (each connection is one coroutine, so any number is safe).
  explicit backend_server(std::string name = "backend", std::uint16_t port = 0,
                          std::string host = "127.0.0.1", unsigned threads = 1);
  ~backend_server();
  backend_server(const backend_server&) = delete;
  backend_server& operator=(const backend_server&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] const std::string& name() const noexcept;

  /// Requests answered or started, and TCP connections accepted, since start.
  [[nodiscard]] std::uint64_t requests() const noexcept;
  [[nodiscard]] std::uint64_t connections() const noexcept;
  /// Connections open right now.
  [[nodiscard]] std::uint64_t open_connections() const noexcept;
  /// Body bytes received by /sink so far, updated while the upload streams.
  [[nodiscard]] std::uint64_t sink_bytes() const noexcept;

  /// Stops accepting, closes every connection and joins the threads (idempotent).
  void stop();

  struct counters;  // shared with the connection coroutines
  struct impl;

 private:
  std::shared_ptr<counters> counters_;
  std::unique_ptr<impl> impl_;
};

}  // namespace floodgate::test
