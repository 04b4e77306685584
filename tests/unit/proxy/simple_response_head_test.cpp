#include "proxy/simple_response_head.hpp"

#include "proxy/response_parser.hpp"
#include "proxy/upstream_response.hpp"

#include <array>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/beast/http/error.hpp>

namespace floodgate::proxy {
namespace {

namespace bh = boost::beast::http;

// What Beast's path (upstream_response_parser, as forward() sets it up) makes of a head.
struct beast_result {
  bool ok = false;
  std::string head;
  unsigned status = 0;
  std::uint64_t content_length = 0;
  bool has_content_length = false;
  bool keep_alive = false;
  std::size_t used = 0;
};

beast_result parse_with_beast(std::string_view bytes) {
  beast_result r;
  upstream_response_parser p(r.head, false);
  p.body_limit(boost::none);
  p.header_limit(64 * 1024);
  boost::system::error_code ec;
  r.used = p.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  r.ok = !ec && p.is_header_done();
  if (!r.ok) return r;
  r.status = p.status();
  r.has_content_length = p.content_length().has_value();
  r.content_length = p.content_length().value_or(0);
  r.keep_alive = p.keep_alive();
  return r;
}

// The fast path may only accept what Beast accepts, and must then agree on every
// fact the proxy uses and on the text sent downstream.
void expect_same_as_beast(std::string_view bytes) {
  std::string head;
  const auto fast = parse_simple_response_head(bytes, head);
  ASSERT_TRUE(fast.has_value()) << bytes;
  const auto beast = parse_with_beast(bytes);
  ASSERT_TRUE(beast.ok) << "Beast refuses what the fast path took:\n" << bytes;
  EXPECT_EQ(head, beast.head) << bytes;
  EXPECT_EQ(fast->status, beast.status) << bytes;
  EXPECT_TRUE(beast.has_content_length) << bytes;
  EXPECT_EQ(fast->content_length, beast.content_length) << bytes;
  EXPECT_EQ(fast->keep_alive, beast.keep_alive) << bytes;
  EXPECT_EQ(fast->size, beast.used) << bytes;
}

// Verifies the common heads are taken, with Beast's meaning and text: hop-by-hop
// fields dropped, OWS trimmed, Connection close/keep-alive, any case of names.
TEST(simple_response_head, agrees_with_beast_on_common_heads) {
  for (std::string_view bytes : std::initializer_list<std::string_view>{
           std::string_view{"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 04 Dec 2026 "
                            "18:38:08 GMT\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
                            "Connection: keep-alive\r\n\r\nok\n"},
           "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
           "HTTP/1.1 503 Service Unavailable\r\nCONTENT-LENGTH:12\r\nConnection: close\r\n"
           "Retry-After: 5\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Pad: \t value with  spaces \t \r\nContent-Length: "
           "123456789012\r\n\r\n",
           "HTTP/1.1 200 \xe2\x9c\x93 ok\r\nX-Obs: caf\xc3\xa9\r\nContent-Length: 1\r\n\r\nx",
           "HTTP/1.1 302 Found\r\nLocation: /next\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n"
           "Trailer: X-T\r\nProxy-Authenticate: Basic\r\nProxy-Authorization: x\r\n"
           "Content-Length: 0\r\nConnection: KEEP-ALIVE\r\n\r\n",
           "HTTP/1.1 599 Odd\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n"
           "Connection: close\r\nConnection: keep-alive\r\n\r\n",
       }) {
    expect_same_as_beast(bytes);
  }
}

// Verifies every head outside the common form is left to Beast (nullopt), the
// incomplete ones included, whether Beast would accept, refuse or wait.
TEST(simple_response_head, declines_the_rest) {
  for (std::string_view bytes : std::initializer_list<std::string_view>{
           std::string_view{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"},  // incomplete
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r",
           "HTTP/1.1 200 OK\r\nContent-Length: 3",
           "HTTP/1.1 200",
           "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n",
           "HTTP/2.0 200 OK\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 100 Continue\r\n\r\n",
           "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
           "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
           "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
           "HTTP/1.1 200 \r\nContent-Length: 3\r\n\r\n",  // empty reason
           "HTTP/1.1 200 OK\r\n\r\n",                     // close-delimited
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 0x3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: upgrade\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nProxy-Connection: close\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nUpgrade: h2c\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Fold: a\r\n b\r\nContent-Length: 3\r\n\r\n",  // obs-fold
           "HTTP/1.1 200 OK\nContent-Length: 3\n\n",                           // bare LF
           "HTTP/1.1 200 OK\r\nContent-Length : 3\r\n\r\n",                    // space before colon
           "HTTP/1.1 200 OK\r\nX(bad): 1\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\n: empty name\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Ctl: a\x01z\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Del: a\x7fz\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Cr: a\rz\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 2x0 OK\r\nContent-Length: 3\r\n\r\n",
           "HTTP/1.1 200OK\r\nContent-Length: 3\r\n\r\n",
           "\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n",
       }) {
    std::string head;
    EXPECT_FALSE(parse_simple_response_head(bytes, head).has_value()) << bytes;
  }
  // Longer than the fast path's 8 KiB: Beast's, whose limit is 64 KiB.
  const std::string big =
      "HTTP/1.1 200 OK\r\nX-Big: " + std::string(9000, 'a') + "\r\nContent-Length: 0\r\n\r\n";
  std::string head;
  EXPECT_FALSE(parse_simple_response_head(big, head).has_value());
  EXPECT_TRUE(parse_with_beast(big).ok);
}

// Verifies, over many single-byte edits of common heads, that whatever the fast
// path accepts Beast accepts with the same meaning (a fixed seed: reproducible).
TEST(simple_response_head, never_accepts_what_beast_reads_differently) {
  const std::array<std::string, 2> bases = {
      "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 12\r\nConnection: keep-alive\r\n"
      "X-A: b c\r\n\r\n",
      "HTTP/1.1 404 Nope\r\nTE: t\r\ncontent-length: 7\r\nConnection: close\r\n\r\n"};
  const std::string alphabet{"\r\n \t:,;0159aAzZ-\x7f\x80\xff\x01\"(", 24};
  std::mt19937 rng(20261204);
  int accepted = 0;
  int declined = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = bases[static_cast<std::size_t>(i) % bases.size()];
    for (int edits = 1 + static_cast<int>(rng() % 2); edits > 0; --edits) {
      const auto at = rng() % bytes.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          bytes[at] = c;
          break;
        case 1:
          bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          bytes.erase(at, 1);
          break;
      }
    }
    std::string head;
    if (!parse_simple_response_head(bytes, head)) {
      ++declined;
      continue;
    }
    ++accepted;
    expect_same_as_beast(bytes);
    if (HasFailure()) return;
  }
  // Both outcomes must occur, or the test proves nothing.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(declined, 1000);
}

// Reads `bytes` as forward() does: the simple path first, Beast's otherwise; then
// the body in pieces of four bytes through the relay's interface.
struct read_back {
  bool simple = false;
  std::string head;
  std::string body;
  bool done = false;
};

read_back read_response(std::string_view bytes, bool head_request) {
  read_back r;
  upstream_response resp(r.head, false, head_request, 64 * 1024);
  std::size_t used = resp.parse_simple(bytes);
  r.simple = used > 0;
  boost::system::error_code ec;
  if (!r.simple) {
    used = resp.parser().put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  std::array<char, 4> chunk{};
  for (int i = 0; i < 40 && !resp.is_done(); ++i) {
    resp.body().data = chunk.data();
    resp.body().size = chunk.size();
    used += resp.put(boost::asio::buffer(bytes.substr(used)), ec);
    EXPECT_TRUE(!ec || ec == bh::error::need_buffer) << ec.message();
    r.body.append(chunk.data(), chunk.size() - resp.body().size);
  }
  r.done = resp.is_done();
  return r;
}

// Verifies both paths deliver the body alike, and a HEAD's response has none.
TEST(upstream_response, delivers_body_on_both_paths) {
  const auto simple =
      read_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", false);
  EXPECT_TRUE(simple.simple);
  EXPECT_TRUE(simple.done);
  EXPECT_EQ(simple.body, "0123456789");
  EXPECT_EQ(simple.head, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n");

  const auto chunked = read_response(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n",
      false);
  EXPECT_FALSE(chunked.simple);
  EXPECT_TRUE(chunked.done);
  EXPECT_EQ(chunked.body, "0123456789");

  const auto head = read_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true);
  EXPECT_TRUE(head.simple);
  EXPECT_TRUE(head.done);
  EXPECT_EQ(head.body, "");
}

// Verifies a Content-Length body cut short by the connection closing is an error.
TEST(upstream_response, short_body_is_partial) {
  std::string text;
  upstream_response resp(text, false, false, 64 * 1024);
  constexpr std::string_view bytes = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
  const auto used = resp.parse_simple(bytes);
  ASSERT_GT(used, 0u);
  std::array<char, 16> chunk{};
  resp.body().data = chunk.data();
  resp.body().size = chunk.size();
  boost::system::error_code ec;
  EXPECT_EQ(resp.put(boost::asio::buffer(bytes.substr(used)), ec), 5u);
  EXPECT_FALSE(resp.is_done());
  EXPECT_FALSE(resp.need_eof());
  resp.put_eof(ec);
  EXPECT_EQ(ec, bh::error::partial_message);
}

}  // namespace
}  // namespace floodgate::proxy
