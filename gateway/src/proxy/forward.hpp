#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "config/config.hpp"
#include "proxy/async.hpp"
#include "proxy/header_rewrite.hpp"
#include "proxy/upstream_pool.hpp"

namespace floodgate::proxy {

/// The client side of one exchange, owned by the HTTP session.
struct downstream {
  net::tcp_stream& stream;
  boost::beast::flat_buffer& buffer;
  beast_http::request_parser<beast_http::buffer_body>& parser;  // header read, body not yet
  std::string_view peer;                        // the TCP peer's address as text (X-Forwarded-For)
  std::span<char> chunk;                        // relay buffer (both directions, one at a time)
  std::string& request_head;                    // reused per exchange: the rewritten headers
  std::string& response_head;                   //   (kept apart: a replay resends the request)
  bool keep_alive = true;                       // the client may send another request afterwards
  std::chrono::milliseconds io_timeout{30000};  // per client read/write
  const bool* draining = nullptr;               // read when the response header goes out
  std::size_t max_framing_bytes = 0;            // chunk lines and trailers (relay_side)
};

/// What happened, for the session's status mapping and its next request.
struct forward_result {
  net::error_code ec;              // the exchange failed (see failed_downstream)
  bool failed_downstream = false;  // ec is the client's fault (parse error, body too large, gone)
  bool response_started = false;   // bytes went downstream: no error response may follow
  unsigned status = 0;             // status sent downstream; 0 when none
  bool keep_alive = false;         // the client connection may serve another request
};

/// Forwards one request to `up` and its response back, streaming both bodies:
/// picks a connection from `pool` (retrying once on a fresh one when a pooled
/// connection turns out stale and the request can be replayed), rewrites the
/// headers (hop-by-hop, X-Forwarded-*, `extra` added to the response), answers
/// `Expect: 100-continue` itself, tunnels a WebSocket upgrade, and returns the
/// connection to the pool when both sides framed their messages. Upstream
/// failures before the response started come back as errc::upstream_connect /
/// upstream_timeout / upstream_protocol for the session to answer 502/504.
/// Completes on the streams' executor (the pool's io_context).
net::awaitable<forward_result> forward(upstream_pool& pool, downstream d,
                                       const config::upstream_config& up, header_list extra,
                                       std::size_t max_idle_per_server);

}  // namespace floodgate::proxy
