#pragma once

#include <cstddef>
#include <span>
#include <tuple>

#include <boost/asio/buffer.hpp>

#include "proxy/async.hpp"
#include "proxy/io_limit.hpp"

namespace floodgate::proxy {

/// Writes all of `buffers` to `stream`: as much as the socket takes at once
/// (timed_stream::write_now), then the rest, if any, with asio::async_write under
/// `limit` (set as the stream's deadline only then: a write the socket takes whole
/// needs no deadline and no clock read). Completes with (error, bytes written).
///
/// Why not async_write alone: its send is tried at once too, but even when it
/// succeeds the completion is posted through the scheduler and the coroutine resumed
/// from there, about 1,500 instructions per write; a proxied request makes two, and
/// they are almost always small enough for the socket to take whole.
net::awaitable<std::tuple<net::error_code, std::size_t>> write_all(
    net::tcp_stream& stream, std::span<const boost::asio::const_buffer> buffers, io_limit limit);

}  // namespace floodgate::proxy
