#include "proxy/relay.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace floodgate::proxy {

template <bool IsRequest>
net::awaitable<relay_result> relay_body(
    beast_http::parser<IsRequest, beast_http::buffer_body>& p,
    beast_http::serializer<IsRequest, beast_http::buffer_body>& sr, relay_side in, relay_side out,
    std::span<char> chunk) {
  relay_result result;
  auto& body = p.get().body();
  do {
    if (!p.is_done()) {
      body.data = chunk.data();
      body.size = chunk.size();
      in.stream.expires_at(in.limit.expiry());
      auto [ec, n] = co_await beast_http::async_read(in.stream, in.buffer, p);
      // need_buffer means "chunk is full": progress, not failure.
      if (ec == beast_http::error::need_buffer) ec = {};
      if (ec) {
        result.ec = ec;
        result.failed_input = true;
        co_return result;
      }
      body.size = chunk.size() - body.size;
      body.data = chunk.data();
      body.more = !p.is_done();
      result.bytes += body.size;
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    out.stream.expires_at(out.limit.expiry());
    result.wrote = true;
    auto [ec, n] = co_await beast_http::async_write(out.stream, sr);
    if (ec == beast_http::error::need_buffer) ec = {};
    if (ec) {
      result.ec = ec;
      co_return result;
    }
  } while (!p.is_done() && !sr.is_done());
  co_return result;
}

template net::awaitable<relay_result> relay_body<true>(
    beast_http::parser<true, beast_http::buffer_body>&,
    beast_http::serializer<true, beast_http::buffer_body>&, relay_side, relay_side,
    std::span<char>);
template net::awaitable<relay_result> relay_body<false>(
    beast_http::parser<false, beast_http::buffer_body>&,
    beast_http::serializer<false, beast_http::buffer_body>&, relay_side, relay_side,
    std::span<char>);

net::awaitable<bool> discard_body(beast_http::request_parser<beast_http::buffer_body>& p,
                                  relay_side in, std::span<char> chunk, std::uint64_t max_bytes) {
  std::uint64_t total = 0;
  auto& body = p.get().body();
  while (!p.is_done()) {
    body.data = chunk.data();
    body.size = chunk.size();
    in.stream.expires_at(in.limit.expiry());
    auto [ec, n] = co_await beast_http::async_read(in.stream, in.buffer, p);
    if (ec == beast_http::error::need_buffer) ec = {};
    if (ec) co_return false;
    total += chunk.size() - body.size;
    if (total > max_bytes) co_return false;
  }
  co_return true;
}

}  // namespace floodgate::proxy
