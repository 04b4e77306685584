#include "proxy/forward.hpp"

#include <cstring>
#include <optional>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

#include "proxy/error.hpp"
#include "proxy/relay.hpp"
#include "proxy/status_line.hpp"
#include "proxy/websocket_tunnel.hpp"

namespace floodgate::proxy {

namespace {

using beast_http::field;
using beast_http::verb;

constexpr std::size_t max_response_header_bytes = 64 * 1024;

bool idempotent(verb v) {
  return v == verb::get || v == verb::head || v == verb::options || v == verb::put ||
         v == verb::delete_ || v == verb::trace;
}

// An upstream read/write failure maps to 504 when it is our deadline, else 502.
net::error_code upstream_error(const net::error_code& ec) {
  return ec == boost::beast::error::timeout ? make_error_code(errc::upstream_timeout)
                                            : make_error_code(errc::upstream_protocol);
}

// A pooled connection that the server closed before answering fails like this:
// replaying the request on a fresh connection is safe.
bool stale_connection_error(const net::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == boost::asio::error::eof ||
         ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
         ec == beast_http::error::partial_message;
}

struct sent_request {
  net::error_code ec;
  bool failed_downstream = false;
  bool replayable_failure = false;
  bool upstream_closed = false;  // the upstream closed or reset the connection mid-request
};

// Sends the request (the rewritten header in d.request_head, then the streamed
// body, re-framed as it came) on `c`.
net::awaitable<sent_request> send_request(downstream& d, upstream_connection& c,
                                          const config::upstream_config& up) {
  const relay_side in{d.stream, d.buffer, io_limit{net::clock::time_point::max(), d.io_timeout},
                      d.max_framing_bytes};
  const relay_side out{c.stream, c.buffer, io_limit{net::clock::time_point::max(), up.timeout}};
  const bool had_body = !d.parser.is_done();
  auto r = co_await relay_message(d.parser, d.request_head, d.parser.chunked(), in, out, d.chunk);
  if (!r.ec) co_return sent_request{};
  if (r.failed_input) co_return sent_request{r.ec, true, false};
  // Only a request without a body can be replayed: a body is consumed as it streams.
  const bool closed = stale_connection_error(r.ec);
  co_return sent_request{upstream_error(r.ec), false, !had_body && c.reused && closed, closed};
}

bool holds_line_end(const boost::beast::flat_buffer& b) {
  const auto data = b.data();
  return data.size() != 0 && std::memchr(data.data(), '\n', data.size()) != nullptr;
}

struct read_response {
  net::error_code ec;
  bool replayable_failure = false;
};

// Reads the response header, skipping interim 1xx responses other than 101. A head
// that arrived whole in the buffer and is of the common form is parsed without Beast
// (upstream_response::parse_simple); everything else, a head still arriving
// included, is Beast's.
net::awaitable<read_response> read_response_header(std::optional<upstream_response>& rp,
                                                   std::string& response_head,
                                                   upstream_connection& c, bool head,
                                                   bool websocket, bool drop_rate_limit_fields,
                                                   net::clock::time_point deadline) {
  for (;;) {
    rp.emplace(response_head, websocket, head,
               static_cast<std::uint32_t>(max_response_header_bytes), drop_rate_limit_fields);
    c.stream.expires_at(deadline);
    // Enough of the status line to tell whether it lacks its reason's separator.
    while (c.buffer.size() < status_line_prefix_bytes && !holds_line_end(c.buffer)) {
      auto [ec, n] = co_await c.stream.async_read_some(
          c.buffer.prepare(boost::beast::read_size(c.buffer, max_response_header_bytes)));
      c.buffer.commit(n);
      if (ec) {
        co_return read_response{upstream_error(ec),
                                c.reused && c.buffer.size() == 0 && stale_connection_error(ec)};
      }
    }
    add_missing_reason_separator(c.buffer);
    const auto& data = c.buffer.data();
    if (const auto used = rp->parse_simple({static_cast<const char*>(data.data()), data.size()})) {
      c.buffer.consume(used);
      co_return read_response{};  // never a 1xx
    }
    auto [ec, n] = co_await beast_http::async_read_header(c.stream, c.buffer, rp->parser());
    if (ec) co_return read_response{upstream_error(ec), false};
    const auto status = rp->status();
    // 101 answers only an upgrade the gateway forwarded (a WebSocket handshake); to any
    // other request it would turn the client connection into a tunnel nobody asked for.
    if (status == 101 && !websocket)
      co_return read_response{make_error_code(errc::upstream_protocol), false};
    if (status / 100 != 1 || status == 101) co_return read_response{};
  }
}

net::awaitable<net::error_code> send_continue(downstream& d) {
  static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
  d.stream.expires_after(d.io_timeout);
  auto [ec, n] = co_await boost::asio::async_write(d.stream, boost::asio::buffer(interim));
  co_return ec;
}

}  // namespace

net::awaitable<forward_result> forward(upstream_pool& pool, downstream d,
                                       const config::upstream_config& up, header_list extra,
                                       std::size_t max_idle_per_server) {
  auto& req = d.parser.get();
  const bool has_body = !d.parser.is_done();
  const bool head = req.method() == verb::head;
  const bool websocket = is_websocket_upgrade(req);
  const bool client_http11 = req.version() >= 11;
  // An HTTP/1.0 client gets no 1xx (RFC 9110 §15.2) and its expectation is ignored.
  const bool expect_continue =
      has_body && client_http11 && boost::beast::iequals(req[field::expect], "100-continue");
  const bool replayable = !has_body && idempotent(req.method());
  d.request_head.clear();
  write_upstream_request_head(d.request_head, req, d.peer, websocket, up.name);

  forward_result result;
  connection_ptr conn;
  std::optional<upstream_response> rp;
  bool continue_sent = false;
  for (int attempt = 0;; ++attempt) {
    // A replayable request learns of a stale pooled connection by failing on it
    // and is resent on a fresh one: it need not probe the connection first.
    auto acquired = co_await pool.acquire(up, attempt == 0, !replayable);
    if (acquired.first) {
      result.ec = acquired.first;
      co_return result;
    }
    conn = std::move(acquired.second);
    if (expect_continue && !continue_sent) {
      continue_sent = true;
      if (auto ec = co_await send_continue(d)) {
        result.ec = ec;
        result.failed_downstream = true;
        co_return result;
      }
    }
    auto sent = co_await send_request(d, *conn, up);
    if (sent.ec && sent.replayable_failure && replayable && attempt == 0) continue;
    // An upstream that stopped reading the body and closed (a 413 for a body it will not
    // take) may have answered first: that answer goes to the client, not a 502. A
    // connection reset or closed has nothing more to wait for, so this read is quick.
    const bool cut_off = sent.ec && !sent.failed_downstream && sent.upstream_closed;
    if (sent.ec && !cut_off) {
      result.ec = sent.ec;
      result.failed_downstream = sent.failed_downstream;
      co_return result;
    }
    // The whole response must arrive within `timeout` of the request being sent.
    const auto deadline = net::clock::now() + up.timeout;
    auto got = co_await read_response_header(rp, d.response_head, *conn, head, websocket,
                                             !extra.empty(), deadline);
    if (got.ec) {
      if (!cut_off && got.replayable_failure && replayable && attempt == 0) continue;
      result.ec = cut_off ? sent.ec : got.ec;
      co_return result;
    }

    const bool upgraded = websocket && rp->status() == 101;
    const bool has_response_body = !rp->is_done();
    const bool until_eof = has_response_body && !rp->chunked() && !rp->has_content_length();
    const bool upstream_reusable = rp->keep_alive() && !until_eof && !upgraded && !cut_off;
    result.status = rp->status();
    // A drain that began while the upstream was working still gets Connection: close.
    const bool draining = d.draining != nullptr && *d.draining;
    // After an early answer the client's body is still coming: the session reads it away
    // (linger) and closes.
    result.keep_alive =
        d.keep_alive && !draining && !upgraded && !(until_eof && !client_http11) && !cut_off;
    // A body delimited by the upstream closing becomes chunked for an HTTP/1.1 client;
    // an HTTP/1.0 client cannot read chunks, so it gets a close-delimited body instead.
    response_framing framing;
    framing.chunked = client_http11 && (rp->chunked() || until_eof);
    if (!client_http11 && rp->chunked()) result.keep_alive = false;
    framing.keep_alive = result.keep_alive;
    framing.client_http10 = !client_http11;
    framing.upgrade = upgraded;
    finish_downstream_response_head(d.response_head, rp->transfer_encoding(), extra, framing);

    const relay_side client_side{d.stream, d.buffer,
                                 io_limit{net::clock::time_point::max(), d.io_timeout}};
    const relay_side upstream_side{conn->stream, conn->buffer, io_limit{deadline, up.timeout},
                                   max_response_header_bytes};
    result.response_started = true;
    auto r = co_await relay_message(*rp, d.response_head, framing.chunked, upstream_side,
                                    client_side, d.chunk);
    if (r.ec) {
      result.response_started = r.wrote;
      result.ec = r.failed_input ? upstream_error(r.ec) : r.ec;
      result.failed_downstream = !r.failed_input;
      result.keep_alive = false;
      co_return result;
    }
    if (upgraded) {
      co_await tunnel(d.stream, d.buffer, conn->stream, conn->buffer, d.io_timeout);
      result.keep_alive = false;
      co_return result;
    }
    if (upstream_reusable && rp->is_done() && conn->buffer.size() == 0)
      pool.release(std::move(conn), max_idle_per_server);
    co_return result;
  }
}

}  // namespace floodgate::proxy
