#pragma once

#include <boost/beast/core/flat_buffer.hpp>

#include "proxy/async.hpp"

namespace floodgate::proxy {

/// Splices two connections byte for byte after a `101 Switching Protocols`
/// (WebSocket): bytes already buffered on either side are forwarded first, then
/// both directions are pumped at once until either side closes or fails, and
/// then both sockets are closed. No timeout: a tunnel lives as long as its peers
/// (a drain's close_all ends it). Completes on the streams' executor.
net::awaitable<void> tunnel(net::tcp_stream& client, boost::beast::flat_buffer& client_buffer,
                            net::tcp_stream& upstream, boost::beast::flat_buffer& upstream_buffer);

}  // namespace floodgate::proxy
