#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "config/config.hpp"
#include "proxy/async.hpp"

namespace floodgate::http {

namespace beast_http = boost::beast::http;

using request_parser = beast_http::request_parser<beast_http::buffer_body>;

/// The outcome of reading one request header.
struct header_read {
  net::error_code ec;         // parse/framing error (400/413/431), timeout, or closed
  bool received_any = false;  // false: the client sent nothing (close quietly)
};

/// Applies the configured limits to a fresh parser: max_header_bytes (431),
/// max_body_bytes (413, checked against Content-Length up front and while chunks stream).
void apply_limits(request_parser& p, const config::server_config& limits);

/// Reads one request header into `p` (already limited by apply_limits).
///
/// Waits up to `idle` for the first byte (the keep-alive idle timeout, or the
/// header timeout for the first request of a connection), then the whole header
/// must arrive within `limits.header_timeout` (slowloris). Besides Beast's own
/// checks, rejects what Beast 1.81 lets through but a proxy must not forward
/// (request smuggling): obs-fold line continuations, a Transfer-Encoding other
/// than exactly `chunked` (or repeated), Transfer-Encoding with Content-Length,
/// and an HTTP/1.1 request without exactly one Host; then applies
/// take_request_target. Bytes past the header (body, pipelined requests) stay in
/// `buffer`. `*idle_flag`, when given, is cleared when the first byte is there (a
/// drain closes only idle connections). Completes on the stream's executor.
net::awaitable<header_read> read_request_header(
    net::tcp_stream& stream, boost::beast::flat_buffer& buffer, request_parser& p,
    const config::server_config& limits, std::chrono::milliseconds idle, bool* idle_flag = nullptr);

/// The framing checks of read_request_header, on a parsed header (unit tested).
[[nodiscard]] net::error_code check_framing(const beast_http::request_header<>& h);

/// What Beast's bad_version for the request starting `header_text` is: Beast refuses
/// every version but 1.0 and 1.1 with that one code. A well-formed version of another
/// major (`HTTP/2.0`, `HTTP/0.9`) is unsupported_version (505, RFC 9110 §15.6.6; NGINX
/// answers HTTP/2.0 so); anything else, `HTTP/1.9` included, stays bad_version (400).
[[nodiscard]] net::error_code version_error(std::string_view header_text) noexcept;

/// RFC 9112 §3.2.2: a server must accept a request target in absolute form
/// (`GET http://api.example.com/v1?q HTTP/1.1`, what clients send to a forward proxy)
/// and take the host from it rather than from Host. Routes match paths and the
/// upstream is sent the origin form, so such a header is rewritten in place, once:
/// target `/v1?q`, Host `api.example.com`. An origin form (`/...`) is left alone. An
/// absolute form whose authority is empty, has userinfo (`http://user@host/`) or
/// characters a Host cannot have is `bad_target` (400), and so is every other form:
/// `OPTIONS *` and CONNECT's `host:port` (NGINX answers both with 400 too).
[[nodiscard]] net::error_code take_request_target(beast_http::request_header<>& h);

/// True when the header block at the start of `text` contains an obs-fold (a line
/// starting with space or tab), which RFC 9112 §5.2 lets a proxy reject.
[[nodiscard]] bool has_obs_fold(std::string_view text) noexcept;

}  // namespace floodgate::http
