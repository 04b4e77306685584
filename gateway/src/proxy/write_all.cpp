#include "proxy/write_all.hpp"

#include <array>

#include <boost/asio/write.hpp>

namespace floodgate::proxy {

net::awaitable<std::tuple<net::error_code, std::size_t>> write_all(
    net::tcp_stream& stream, std::span<const boost::asio::const_buffer> buffers, io_limit limit) {
  std::size_t sent = 0;
  std::array<boost::asio::const_buffer, net::tcp_stream::max_write_now_buffers> rest{};
  std::size_t rest_count = 0;
  if (buffers.size() <= rest.size()) {
    net::error_code ec;
    sent = stream.write_now(buffers, ec);
    if (ec) co_return std::tuple{ec, sent};
    // What the socket did not take: the buffers from the first one not written whole.
    std::size_t skip = sent;
    for (const auto& b : buffers) {
      if (skip >= b.size()) {
        skip -= b.size();
        continue;
      }
      rest[rest_count++] = b + skip;
      skip = 0;
    }
    if (rest_count == 0) co_return std::tuple{net::error_code{}, sent};
    buffers = std::span<const boost::asio::const_buffer>(rest.data(), rest_count);
  }
  stream.expires_at(limit.expiry());
  auto [ec, n] = co_await boost::asio::async_write(stream, buffers);
  co_return std::tuple{ec, sent + n};
}

}  // namespace floodgate::proxy
