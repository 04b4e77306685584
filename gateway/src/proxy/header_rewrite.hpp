#pragma once

#include <span>
#include <string>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>

namespace floodgate::proxy {

namespace beast_http = boost::beast::http;

/// Extra response fields (name, value) appended to whatever goes back downstream.
using header_list = std::span<const std::pair<std::string, std::string>>;

/// True for a request asking to become a WebSocket (Upgrade: websocket and
/// Connection: upgrade); those keep their Upgrade/Connection fields end to end.
[[nodiscard]] bool is_websocket_upgrade(const beast_http::request_header<>& h);

/// Removes the hop-by-hop fields (RFC 9110 §7.6.1: Connection, Keep-Alive,
/// Proxy-Connection, TE, Trailer, Upgrade, Proxy-Authenticate, Proxy-Authorization)
/// and every field named in Connection. Content-Length and Transfer-Encoding stay:
/// the message is re-framed with the same framing. `keep_upgrade` keeps Upgrade
/// and Connection for a WebSocket handshake.
void remove_hop_by_hop(beast_http::fields& f, bool keep_upgrade);

/// Rewrites a downstream request header, in place, for the upstream: hop-by-hop
/// fields and Expect removed (the proxy answers 100-continue itself), HTTP/1.1,
/// X-Forwarded-For appended with `peer` (nginx $proxy_add_x_forwarded_for),
/// X-Forwarded-Proto: http, X-Forwarded-Host: the original Host, Host kept.
void prepare_upstream_request(beast_http::request_header<>& h, const boost::asio::ip::address& peer,
                              bool websocket);

/// Rewrites an upstream response header, in place, for the client: hop-by-hop
/// fields removed (except the handshake fields of a 101 to a WebSocket upgrade),
/// `extra` appended. Framing (Connection: close/keep-alive) is set by the caller.
void prepare_downstream_response(beast_http::response_header<>& h, header_list extra,
                                 bool websocket);

/// Appends `extra` to a header.
void append_fields(beast_http::fields& f, header_list extra);

}  // namespace floodgate::proxy
