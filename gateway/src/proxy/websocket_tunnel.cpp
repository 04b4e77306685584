#include "proxy/websocket_tunnel.hpp"

#include <array>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

namespace floodgate::proxy {

namespace {

using socket_type = net::tcp_stream::socket_type;

net::awaitable<void> pump(socket_type& from, socket_type& to) {
  std::array<char, 16 * 1024> chunk;
  for (;;) {
    auto [rec, n] = co_await from.async_read_some(boost::asio::buffer(chunk));
    if (rec) co_return;
    auto [wec, m] = co_await boost::asio::async_write(to, boost::asio::buffer(chunk.data(), n));
    if (wec) co_return;
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
                            net::tcp_stream& upstream, boost::beast::flat_buffer& upstream_buffer) {
  using namespace boost::asio::experimental::awaitable_operators;
  // The tunnel uses the raw sockets: Beast's per-stream timer must not fire.
  client.expires_never();
  upstream.expires_never();
  auto& a = client.socket();
  auto& b = upstream.socket();
  if (co_await flush(client_buffer, b) && co_await flush(upstream_buffer, a)) {
    // Whichever direction ends first cancels the other.
    co_await (pump(a, b) || pump(b, a));
  }
  net::error_code ignored;
  a.shutdown(net::tcp::socket::shutdown_both, ignored);
  a.close(ignored);
  b.close(ignored);
}

}  // namespace floodgate::proxy
