#include "proxy/websocket_tunnel.hpp"

#include <array>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

namespace floodgate::proxy {

namespace {

using socket_type = net::tcp_stream::socket_type;

net::awaitable<void> pump(socket_type& from, socket_type& to, net::clock::time_point& last_byte) {
  std::array<char, 16 * 1024> chunk;
  for (;;) {
    auto [rec, n] = co_await from.async_read_some(boost::asio::buffer(chunk));
    if (rec) co_return;
    last_byte = net::clock::now();
    auto [wec, m] = co_await boost::asio::async_write(to, boost::asio::buffer(chunk.data(), n));
    if (wec) co_return;
  }
}

// Returns once no byte has moved for `idle` (or when cancelled). One timer per
// tunnel, re-armed only when it fires: traffic just moves `last_byte` forward.
net::awaitable<void> idle_watch(const net::clock::time_point& last_byte,
                                std::chrono::milliseconds idle) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    timer.expires_at(last_byte + idle);
    auto [ec] = co_await timer.async_wait(net::token{});
    if (ec) co_return;  // cancelled: a pump ended first
    if (net::clock::now() - last_byte >= idle) co_return;
  }
}

net::awaitable<bool> flush(boost::beast::flat_buffer& pending, socket_type& to) {
  if (pending.size() == 0) co_return true;
  auto [ec, n] = co_await boost::asio::async_write(to, pending.data());
  pending.consume(n);
  co_return !ec;
}

}  // namespace

net::awaitable<void> tunnel(net::tcp_stream& client, boost::beast::flat_buffer& client_buffer,
                            net::tcp_stream& upstream, boost::beast::flat_buffer& upstream_buffer,
                            std::chrono::milliseconds idle_timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  // The tunnel uses the raw sockets: Beast's per-stream timer must not fire.
  client.expires_never();
  upstream.expires_never();
  auto& a = client.socket();
  auto& b = upstream.socket();
  if (co_await flush(client_buffer, b) && co_await flush(upstream_buffer, a)) {
    // Whichever ends first (a direction closing, or idleness) cancels the others.
    auto last_byte = net::clock::now();
    co_await (pump(a, b, last_byte) || pump(b, a, last_byte) ||
              idle_watch(last_byte, idle_timeout));
  }
  net::error_code ignored;
  a.shutdown(net::tcp::socket::shutdown_both, ignored);
  a.close(ignored);
  b.close(ignored);
}

}  // namespace floodgate::proxy
