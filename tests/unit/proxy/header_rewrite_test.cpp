#include "proxy/header_rewrite.hpp"

#include "proxy/address_text.hpp"
#include "proxy/response_parser.hpp"

#include <array>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>

namespace floodgate::proxy {
namespace {

namespace bh = boost::beast::http;
const auto peer = boost::asio::ip::make_address("192.0.2.7");

bh::request_header<> request() {
  bh::request_header<> h;
  h.method(bh::verb::get);
  h.target("/x");
  h.version(11);
  h.set(bh::field::host, "api.example.com");
  return h;
}

// The rewritten request as the upstream reads it: the text parsed back by Beast.
bh::request_header<> forwarded(const bh::request_header<>& h, bool websocket = false) {
  std::string text;
  write_upstream_request_head(text, h, address_text(peer), websocket, "backend");
  bh::request_parser<bh::empty_body> p;
  p.eager(false);
  boost::system::error_code ec;
  p.put(boost::asio::buffer(text), ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << text;
  EXPECT_TRUE(p.is_header_done()) << text;
  return p.release().base();
}

// The upstream's response text run through upstream_response_parser and
// finish_downstream_response_head: what the client receives.
std::string rewritten(std::string_view upstream, header_list extra, const response_framing& f,
                      bool websocket_request = false) {
  std::string text;
  upstream_response_parser p(text, websocket_request);
  boost::system::error_code ec;
  p.put(boost::asio::buffer(upstream.data(), upstream.size()), ec);
  EXPECT_TRUE(!ec || ec == bh::error::need_buffer) << ec.message() << "\n" << upstream;
  EXPECT_TRUE(p.is_header_done()) << upstream;
  finish_downstream_response_head(text, p.transfer_encoding(), extra, f);
  return text;
}

// The rewritten response as the client reads it.
bh::response_header<> returned(const bh::response_header<>& h, header_list extra,
                               const response_framing& f, bool head_request = false) {
  std::ostringstream upstream;
  upstream << h;
  const auto text = rewritten(upstream.str(), extra, f);
  bh::response_parser<bh::empty_body> p;
  p.skip(head_request);
  boost::system::error_code ec;
  p.put(boost::asio::buffer(text), ec);
  EXPECT_TRUE(!ec || ec == bh::error::need_more) << ec.message() << "\n" << text;
  EXPECT_TRUE(p.is_header_done()) << text;
  return p.get().base();
}

// Verifies every hop-by-hop field, and those named in Connection, are removed.
TEST(header_rewrite, removes_hop_by_hop_from_request) {
  auto h = request();
  h.set(bh::field::connection, "keep-alive, X-Secret-Hop, x-other");
  h.set("X-Secret-Hop", "1");
  h.set("X-Other", "2");
  h.set(bh::field::keep_alive, "timeout=5");
  h.set(bh::field::proxy_connection, "keep-alive");
  h.set(bh::field::te, "trailers");
  h.set(bh::field::trailer, "X-T");
  h.set(bh::field::upgrade, "h2c");
  h.set(bh::field::proxy_authorization, "Basic Zm9v");
  h.set(bh::field::expect, "100-continue");
  h.set("X-Kept", "yes");
  const auto out = forwarded(h);
  for (auto name : {"Connection", "X-Secret-Hop", "X-Other", "Keep-Alive", "Proxy-Connection", "TE",
                    "Trailer", "Upgrade", "Proxy-Authorization", "Expect"})
    EXPECT_EQ(out.count(name), 0u) << name;
  EXPECT_EQ(out["X-Kept"], "yes");
  EXPECT_EQ(out.method(), bh::verb::get);
  EXPECT_EQ(out.target(), "/x");
  EXPECT_EQ(out.version(), 11u);
}

// Verifies Connection cannot be used to strip the framing or Host.
TEST(header_rewrite, connection_cannot_remove_framing) {
  auto h = request();
  h.set(bh::field::connection, "Content-Length, Host, Transfer-Encoding");
  h.set(bh::field::content_length, "3");
  const auto out = forwarded(h);
  EXPECT_EQ(out[bh::field::content_length], "3");
  EXPECT_EQ(out[bh::field::host], "api.example.com");
}

// Verifies the X-Forwarded-* fields and that Host is passed through.
TEST(header_rewrite, sets_forwarded_fields) {
  const auto out = forwarded(request());
  EXPECT_EQ(out["X-Forwarded-For"], "192.0.2.7");
  EXPECT_EQ(out["X-Forwarded-Proto"], "http");
  EXPECT_EQ(out["X-Forwarded-Host"], "api.example.com");
  EXPECT_EQ(out[bh::field::host], "api.example.com");

  auto chained = request();
  chained.set("X-Forwarded-For", "203.0.113.1, 198.51.100.2");
  chained.insert("x-forwarded-for", "198.51.100.3");
  chained.set("X-Forwarded-Proto", "https");
  chained.set("X-Forwarded-Host", "spoofed.example");
  const auto out2 = forwarded(chained);
  EXPECT_EQ(out2.count("X-Forwarded-For"), 1u);
  EXPECT_EQ(out2["X-Forwarded-For"], "203.0.113.1, 198.51.100.2, 198.51.100.3, 192.0.2.7");
  EXPECT_EQ(out2["X-Forwarded-Proto"], "http");
  EXPECT_EQ(out2.count("X-Forwarded-Host"), 1u);
  EXPECT_EQ(out2["X-Forwarded-Host"], "api.example.com");
}

// Verifies that a request without Host (HTTP/1.0 allows it) reaches the upstream with
// one: an HTTP/1.1 request without Host is one the upstream must answer with 400.
TEST(header_rewrite, gives_a_request_without_host_the_upstream_name) {
  bh::request_header<> h;
  h.method(bh::verb::get);
  h.target("/x");
  h.version(10);
  const auto out = forwarded(h);
  EXPECT_EQ(out.count(bh::field::host), 1u);
  EXPECT_EQ(out[bh::field::host], "backend");
  EXPECT_EQ(out.count("X-Forwarded-Host"), 0u);
}

// Verifies a WebSocket handshake keeps Upgrade and Connection: Upgrade.
TEST(header_rewrite, websocket_keeps_upgrade) {
  auto h = request();
  h.set(bh::field::connection, "Upgrade");
  h.set(bh::field::upgrade, "websocket");
  h.set(bh::field::sec_websocket_version, "13");
  h.set(bh::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  ASSERT_TRUE(is_websocket_upgrade(h));
  const auto out = forwarded(h, true);
  EXPECT_EQ(out[bh::field::upgrade], "websocket");
  EXPECT_EQ(out[bh::field::connection], "Upgrade");
  EXPECT_EQ(out[bh::field::sec_websocket_key], "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_FALSE(is_websocket_upgrade(request()));
}

// Verifies the response side: hop-by-hop removed, extra fields added, framing kept.
TEST(header_rewrite, prepares_response) {
  bh::response_header<> h;
  h.result(bh::status::ok);
  h.version(10);
  h.set(bh::field::connection, "close, X-Hop");
  h.set("X-Hop", "1");
  h.set(bh::field::keep_alive, "timeout=5");
  h.set(bh::field::proxy_authenticate, "Basic");
  h.set(bh::field::transfer_encoding, "chunked");
  h.set(bh::field::server, "backend");
  header_block extra;
  extra.add("X-RateLimit-Limit", "10");
  const auto out = returned(h, extra, {.chunked = true, .keep_alive = true});
  EXPECT_EQ(out.count("X-Hop"), 0u);
  EXPECT_EQ(out.count(bh::field::connection), 0u);
  EXPECT_EQ(out.count(bh::field::keep_alive), 0u);
  EXPECT_EQ(out.count(bh::field::proxy_authenticate), 0u);
  EXPECT_EQ(out[bh::field::transfer_encoding], "chunked");
  EXPECT_EQ(out[bh::field::server], "backend");
  EXPECT_EQ(out["X-RateLimit-Limit"], "10");
  EXPECT_EQ(out.version(), 11u);
  EXPECT_EQ(out.reason(), "OK");
}

// Verifies Transfer-Encoding follows the framing the relay writes, and Connection
// says what happens to the client connection.
TEST(header_rewrite, response_framing) {
  bh::response_header<> h;
  h.result(bh::status::ok);
  h.version(11);
  // A close-delimited body to an HTTP/1.1 client goes out chunked.
  auto out = returned(h, {}, {.chunked = true, .keep_alive = true});
  EXPECT_EQ(out[bh::field::transfer_encoding], "chunked");
  EXPECT_EQ(out.count(bh::field::connection), 0u);
  // Chunked to an HTTP/1.0 client: decoded, close-delimited, and no Transfer-Encoding at
  // all (RFC 9112 §6.1: never to a 1.0 request).
  h.set(bh::field::transfer_encoding, "gzip, chunked");
  out = returned(h, {}, {.chunked = false, .keep_alive = false, .client_http10 = true});
  EXPECT_EQ(out.count(bh::field::transfer_encoding), 0u);
  EXPECT_EQ(out[bh::field::connection], "close");
  // To an HTTP/1.1 client the list is rebuilt clean: no empty elements, "chunked" (with
  // or without parameters) only once, last.
  for (const char* te :
       {"chunked,", "gzip, chunked", " , gzip ,, chunked", "gzip,chunked;foo=bar"}) {
    h.set(bh::field::transfer_encoding, te);
    const auto text = rewritten(
        [&] {
          std::ostringstream upstream;
          upstream << h;
          return upstream.str();
        }(),
        {}, {.chunked = true, .keep_alive = true});
    const bool gzip = std::string_view(te).find("gzip") != std::string_view::npos;
    EXPECT_NE(text.find(gzip ? "\r\nTransfer-Encoding: gzip, chunked\r\n"
                             : "\r\nTransfer-Encoding: chunked\r\n"),
              std::string::npos)
        << te << "\n"
        << text;
  }
  // Content-Length passes; an HTTP/1.0 client that keeps the connection is told so.
  h.erase(bh::field::transfer_encoding);
  h.set(bh::field::content_length, "5");
  out = returned(h, {}, {.chunked = false, .keep_alive = true, .client_http10 = true});
  EXPECT_EQ(out[bh::field::content_length], "5");
  EXPECT_EQ(out[bh::field::connection], "keep-alive");
  // The upstream's reason phrase is kept.
  h.reason("Fine Thanks");
  out = returned(h, {}, {.chunked = false, .keep_alive = true});
  EXPECT_EQ(out.reason(), "Fine Thanks");
}

// Verifies a field named in a Connection header that comes after it is still
// removed, that only a 101 to a WebSocket handshake keeps Upgrade, and that an
// empty reason gets the standard one.
TEST(header_rewrite, response_connection_after_named_fields) {
  const auto text = rewritten(
      "HTTP/1.1 200 \r\nX-Hop: 1\r\nServer: b\r\nx-other: 2\r\nUpgrade: h2c\r\n"
      "Connection: keep-alive, x-hop\r\nConnection: X-Other\r\nContent-Length: 0\r\n\r\n",
      {}, {.chunked = false, .keep_alive = true});
  EXPECT_EQ(text, "HTTP/1.1 200 OK\r\nServer: b\r\nContent-Length: 0\r\n\r\n");

  const auto switching = rewritten(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
      {}, {.chunked = false, .keep_alive = false, .upgrade = true}, true);
  EXPECT_EQ(switching,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nConnection: Upgrade\r\n\r\n");
  const auto refused = rewritten(
      "HTTP/1.1 400 Bad Request\r\nUpgrade: websocket\r\n"
      "Content-Length: 0\r\n\r\n",
      {}, {.chunked = false, .keep_alive = true}, true);
  EXPECT_EQ(refused.find("Upgrade"), std::string::npos) << refused;
}

// Verifies the body goes into the buffer the relay offers, in pieces when it is
// smaller than the body, for both framings; the header text is left alone.
TEST(header_rewrite, response_parser_delivers_body) {
  for (std::string_view upstream :
       {std::string_view{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"},
        std::string_view{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n"}}) {
    std::string head;
    upstream_response_parser p(head, false);
    boost::system::error_code ec;
    auto used = p.put(boost::asio::buffer(upstream.data(), upstream.size()), ec);
    ASSERT_FALSE(ec) << ec.message();
    const std::string head_after_header = head;
    std::string body;
    std::array<char, 4> chunk{};
    for (int i = 0; i < 20 && !p.is_done(); ++i) {
      p.body().data = chunk.data();
      p.body().size = chunk.size();
      used += p.put(boost::asio::buffer(upstream.substr(used)), ec);
      ASSERT_TRUE(!ec || ec == bh::error::need_buffer) << ec.message();
      body.append(chunk.data(), chunk.size() - p.body().size);
    }
    EXPECT_TRUE(p.is_done()) << upstream;
    EXPECT_EQ(body, "0123456789") << upstream;
    EXPECT_EQ(head, head_after_header);
    EXPECT_EQ(p.chunked(), upstream.find("chunked") != std::string_view::npos);
  }
}

// The hand-written IPv4 text must equal Boost's to_string for every shape of
// address (one to three digits per byte, zeroes), and IPv6 stays Boost's.
TEST(address_text, matches_boost_to_string) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "192.0.2.7", "10.0.100.1", "1.22.0.255",
                           "127.0.0.1", "::1", "2001:db8::7", "::ffff:192.0.2.7"}) {
    const auto a = boost::asio::ip::make_address(text);
    EXPECT_EQ(address_text(a), a.to_string()) << text;
  }
  for (unsigned b = 0; b < 256; ++b) {
    const boost::asio::ip::address_v4 a(
        {static_cast<unsigned char>(b), 0, 9, static_cast<unsigned char>(255 - b)});
    EXPECT_EQ(address_text(boost::asio::ip::address(a)), a.to_string());
  }
}

}  // namespace
}  // namespace floodgate::proxy
