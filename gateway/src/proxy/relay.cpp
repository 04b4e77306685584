#include "proxy/relay.hpp"

#include <array>
#include <charconv>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "proxy/write_all.hpp"

namespace floodgate::proxy {

namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view last_chunk = "0\r\n\r\n";

struct body_piece {
  net::error_code ec;
  std::size_t size = 0;  // bytes placed at the start of the chunk
};

// Where a parser delivers body bytes (both follow buffer_body's contract).
beast_http::buffer_body::value_type& body_of(request_body_parser& p) {
  return p.get().body();
}
beast_http::buffer_body::value_type& body_of(upstream_response& p) {
  return p.body();
}

// The next bytes of the body that `p` frames, decoded (no chunk framing), into
// `chunk`: what is buffered first, reading `in` only when the buffer holds no
// complete piece. size 0 without error means the body has ended (p.is_done()).
template <class Parser>
net::awaitable<body_piece> next_body_piece(Parser& p, relay_side& in, std::span<char> chunk) {
  auto& body = body_of(p);
  body.data = chunk.data();
  body.size = chunk.size();
  const auto placed = [&] { return chunk.size() - body.size; };
  for (;;) {
    if (p.is_done()) co_return body_piece{{}, placed()};
    if (in.buffer.size() > 0) {
      net::error_code ec;
      const auto used = p.put(in.buffer.data(), ec);
      in.buffer.consume(used);
      // need_buffer: the chunk is full, which is progress.
      if (ec == beast_http::error::need_buffer) co_return body_piece{{}, placed()};
      if (ec && ec != beast_http::error::need_more) co_return body_piece{ec, placed()};
      if (placed() > 0 || p.is_done()) co_return body_piece{{}, placed()};
      // Only framing was consumed (a chunk header): parse on if more is buffered.
      if (!ec && used > 0 && in.buffer.size() > 0) continue;
    }
    // Nothing placed and the parser wants more: what is buffered is framing.
    if (in.buffer.size() >= in.max_framing)
      co_return body_piece{beast_http::error::header_limit, placed()};
    in.stream.expires_at(in.limit.expiry());
    auto [ec, n] = co_await in.stream.async_read_some(in.buffer.prepare(chunk.size()));
    in.buffer.commit(n);
    if (ec == boost::asio::error::eof) {
      // A close-delimited body ends here; any other body was cut short.
      if (!p.need_eof()) co_return body_piece{beast_http::error::partial_message, placed()};
      net::error_code eof_ec;
      p.put_eof(eof_ec);
      co_return body_piece{eof_ec, placed()};
    }
    if (ec) co_return body_piece{ec, placed()};
  }
}

}  // namespace

template <class Parser>
net::awaitable<relay_result> relay_message(Parser& p, std::string_view head, bool chunked_out,
                                           relay_side in, relay_side out, std::span<char> chunk) {
  relay_result result;
  std::string_view pending_head = head;
  std::array<char, 2 * sizeof(std::size_t) + 2> size_line{};
  bool ended = p.is_done();
  const bool has_body = !ended;  // HEAD, 204, 304, Content-Length: 0: nothing after the header
  do {
    std::size_t n = 0;
    // No body byte is here yet: the header goes now, alone, rather than with the
    // first piece.
    const bool head_alone = !pending_head.empty() && in.buffer.size() == 0;
    if (!ended && !head_alone) {
      auto piece = co_await next_body_piece(p, in, chunk);
      if (piece.ec) {
        result.ec = piece.ec;
        result.failed_input = true;
        co_return result;
      }
      n = piece.size;
      ended = p.is_done();
    }
    result.bytes += n;
    // header (first time) | [size CRLF] data [CRLF] | [last chunk]: one gather write.
    std::array<boost::asio::const_buffer, 5> parts{};
    std::size_t count = 0;
    if (!pending_head.empty()) parts[count++] = boost::asio::buffer(pending_head);
    if (n > 0 && chunked_out) {
      auto* end =
          std::to_chars(size_line.data(), size_line.data() + size_line.size() - 2, n, 16).ptr;
      *end++ = '\r';
      *end++ = '\n';
      parts[count++] =
          boost::asio::buffer(size_line.data(), static_cast<std::size_t>(end - size_line.data()));
    }
    if (n > 0) parts[count++] = boost::asio::buffer(chunk.data(), n);
    if (n > 0 && chunked_out) parts[count++] = boost::asio::buffer(crlf);
    if (ended && chunked_out && has_body) parts[count++] = boost::asio::buffer(last_chunk);
    if (count == 0) continue;
    result.wrote = true;
    auto [ec, written] = co_await write_all(
        out.stream, std::span<const boost::asio::const_buffer>(parts.data(), count), out.limit);
    if (ec) {
      result.ec = ec;
      co_return result;
    }
    pending_head = {};
  } while (!ended);
  co_return result;
}

template net::awaitable<relay_result> relay_message(request_body_parser&, std::string_view, bool,
                                                    relay_side, relay_side, std::span<char>);
template net::awaitable<relay_result> relay_message(upstream_response&, std::string_view, bool,
                                                    relay_side, relay_side, std::span<char>);

net::awaitable<bool> discard_body(request_body_parser& p, relay_side in, std::span<char> chunk,
                                  std::uint64_t max_bytes) {
  std::uint64_t total = 0;
  while (!p.is_done()) {
    auto piece = co_await next_body_piece(p, in, chunk);
    if (piece.ec) co_return false;
    total += piece.size;
    if (total > max_bytes) co_return false;
  }
  co_return true;
}

}  // namespace floodgate::proxy
