#pragma once

// The async vocabulary shared by the data plane (src/proxy and src/http): every
// I/O object defaults to `as_tuple(use_awaitable)`, so `auto [ec, n] = co_await
// stream.async_read_some(...)` keeps errors as values (STYLE.md §4; Boost 1.81's
// advanced_server_flex_awaitable.cpp uses the same executor_with_default trick).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace floodgate::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;

/// `co_await op` yields a tuple (error_code, results...) instead of throwing.
using token = asio::as_tuple_t<asio::use_awaitable_t<>>;
/// The sockets' executor is the io_context's own, not the type-erased
/// any_io_executor: every operation copies and `prefer`s its I/O executor, which
/// through the type erasure costs an allocation-free but long indirect call chain.
using executor = token::executor_with_default<asio::io_context::executor_type>;

/// A TCP socket on the default token (the raw socket under net::tcp_stream).
using tcp_socket = asio::basic_stream_socket<tcp, executor>;
using tcp_acceptor = asio::basic_socket_acceptor<tcp, executor>;
using tcp_resolver = asio::ip::basic_resolver<tcp, executor>;

template <class T>
using awaitable = asio::awaitable<T>;

using clock = std::chrono::steady_clock;

}  // namespace floodgate::net

// net::tcp_stream, the timed socket every connection of the data plane uses.
#include "proxy/timed_stream.hpp"
