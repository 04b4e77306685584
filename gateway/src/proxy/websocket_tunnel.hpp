#pragma once

#include <chrono>

#include <boost/beast/core/flat_buffer.hpp>

#include "proxy/async.hpp"

namespace floodgate::proxy {

/// Splices two connections byte for byte after a `101 Switching Protocols`
/// (WebSocket): bytes already buffered on either side are forwarded first, then
/// both directions are pumped at once until either side closes or fails, or no
/// byte has moved either way for `idle_timeout` (as NGINX's proxy_read_timeout
/// ends an idle tunnel: a peer that vanished without a FIN must not hold two
/// sockets forever; WebSocket pings count as traffic), and then both sockets are
/// closed. A drain's close_all also ends it. Completes on the streams' executor.
net::awaitable<void> tunnel(net::tcp_stream& client, boost::beast::flat_buffer& client_buffer,
                            net::tcp_stream& upstream, boost::beast::flat_buffer& upstream_buffer,
                            std::chrono::milliseconds idle_timeout);

}  // namespace floodgate::proxy
