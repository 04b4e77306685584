#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "proxy/async.hpp"
#include "proxy/io_limit.hpp"
#include "proxy/upstream_response.hpp"

namespace floodgate::proxy {

namespace beast_http = boost::beast::http;

/// One side of a relay: the stream, its read buffer and its time limit.
struct relay_side {
  net::tcp_stream& stream;
  boost::beast::flat_buffer& buffer;  // unused on the output side
  io_limit limit;
  /// The most framing bytes (a chunk-size line with its extensions, or the trailer
  /// section) buffered while waiting for the rest: Beast 1.81 bounds neither, so a
  /// peer could grow the buffer without end. Past it the input fails with
  /// header_limit. Unused on the output side.
  std::size_t max_framing = 0;
};

/// The outcome of a relay; `failed_input` says which side `ec` came from.
struct relay_result {
  net::error_code ec;
  bool failed_input = false;
  std::uint64_t bytes = 0;  // body bytes relayed
  bool wrote = false;       // a write to the output started (its header may be out)
};

/// The parsers a body is relayed from: the client's request, the upstream's response.
using request_body_parser = beast_http::request_parser<beast_http::buffer_body>;

/// Writes `head` (a header already rewritten as text) and then streams the body
/// that `p` (header parsed, body not yet read; a request_body_parser or an
/// upstream_response) frames on `in`, through `chunk`,
/// without buffering the whole body. The header goes out with the first piece of
/// body in one write. Bytes already in `in.buffer` are used before the socket is
/// read, so a small message costs one write and no read. The body is written as
/// it came (`chunked_out` false: Content-Length or close-delimited) or re-framed
/// as chunks (`chunked_out` true; trailers are not forwarded). A message without
/// a body (p.is_done()) writes `head` alone, and so does one whose body has not
/// begun to arrive: the header is not held back waiting for it (a server-sent event
/// stream, a long poll). Completes on the streams' executor.
template <class Parser>
net::awaitable<relay_result> relay_message(Parser& p, std::string_view head, bool chunked_out,
                                           relay_side in, relay_side out, std::span<char> chunk);

/// Reads and throws away the rest of a request body (at most `max_bytes`);
/// false when the body is longer or the read fails (the connection must close).
net::awaitable<bool> discard_body(request_body_parser& p, relay_side in, std::span<char> chunk,
                                  std::uint64_t max_bytes);

}  // namespace floodgate::proxy
