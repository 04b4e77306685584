#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>

#include "proxy/header_block.hpp"

namespace floodgate::proxy {

namespace beast_http = boost::beast::http;

/// Extra response fields appended to whatever goes back downstream.
using header_list = const header_block&;

/// True for a request asking to become a WebSocket (Upgrade: websocket and
/// Connection: upgrade); those keep their Upgrade/Connection fields end to end.
[[nodiscard]] bool is_websocket_upgrade(const beast_http::request_header<>& h);

// The forwarded headers are written as text straight from the parsed header,
// never by editing Beast's field list and serializing it again: the parsed
// fields are only read, and each outgoing header is one contiguous buffer that
// goes out in one write (with the first piece of body when there is one).
//
// Both writers drop the hop-by-hop fields (RFC 9110 §7.6.1: Connection,
// Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, Proxy-Authenticate,
// Proxy-Authorization) and every field named in Connection, except that
// Connection can never remove Content-Length, Transfer-Encoding or Host.

/// Appends to `out` the request header sent upstream: the request line as
/// HTTP/1.1; the fields without the hop-by-hop ones and Expect (the proxy
/// answers 100-continue itself); X-Forwarded-For with every value the client
/// sent followed by `peer` (nginx's $proxy_add_x_forwarded_for);
/// X-Forwarded-Proto: http; X-Forwarded-Host: the original Host; Host kept, or
/// `Host: <host_if_missing>` for a request without one (HTTP/1.0 allows that; the
/// caller passes the upstream's name, as NGINX sends its upstream block's name).
/// Content-Length and Transfer-Encoding pass unchanged: the body is re-framed
/// the same way. A WebSocket handshake keeps Upgrade and gets Connection: Upgrade.
void write_upstream_request_head(std::string& out, const beast_http::request_header<>& h,
                                 std::string_view peer, bool websocket,
                                 std::string_view host_if_missing);

/// How the response travels to the client (decided by forward()).
struct response_framing {
  bool chunked = false;    // the body goes out chunked (upstream chunked, or close-delimited
                           // to an HTTP/1.1 client)
  bool keep_alive = true;  // the client connection stays open afterwards
  bool client_http10 = false;
  bool upgrade = false;  // a 101 to a WebSocket handshake: Upgrade and Connection: Upgrade kept
};

/// Completes the response header sent downstream, whose status line and
/// forwarded fields upstream_response_parser already wrote into `out`:
/// Transfer-Encoding made to match `f.chunked` (the upstream's codings, given as
/// `upstream_te`, kept), Connection: close (or keep-alive for an HTTP/1.0 client,
/// Upgrade for a WebSocket handshake) as `f` says, then `extra` and the blank line.
void finish_downstream_response_head(std::string& out, std::string_view upstream_te,
                                     header_list extra, const response_framing& f);

/// Appends `extra` to a header (the gateway's own responses).
void append_fields(beast_http::fields& f, header_list extra);

}  // namespace floodgate::proxy
