#include "proxy/header_rewrite.hpp"

#include "proxy/address_text.hpp"

#include <gtest/gtest.h>
#include <boost/asio/ip/address.hpp>

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
  prepare_upstream_request(h, peer, false);
  for (auto name : {"Connection", "X-Secret-Hop", "X-Other", "Keep-Alive", "Proxy-Connection", "TE",
                    "Trailer", "Upgrade", "Proxy-Authorization", "Expect"})
    EXPECT_EQ(h.count(name), 0u) << name;
  EXPECT_EQ(h["X-Kept"], "yes");
}

// Verifies Connection cannot be used to strip the framing or Host.
TEST(header_rewrite, connection_cannot_remove_framing) {
  auto h = request();
  h.set(bh::field::connection, "Content-Length, Host, Transfer-Encoding");
  h.set(bh::field::content_length, "3");
  prepare_upstream_request(h, peer, false);
  EXPECT_EQ(h[bh::field::content_length], "3");
  EXPECT_EQ(h[bh::field::host], "api.example.com");
}

// Verifies the X-Forwarded-* fields and that Host is passed through.
TEST(header_rewrite, sets_forwarded_fields) {
  auto h = request();
  prepare_upstream_request(h, peer, false);
  EXPECT_EQ(h["X-Forwarded-For"], "192.0.2.7");
  EXPECT_EQ(h["X-Forwarded-Proto"], "http");
  EXPECT_EQ(h["X-Forwarded-Host"], "api.example.com");
  EXPECT_EQ(h[bh::field::host], "api.example.com");

  auto chained = request();
  chained.set("X-Forwarded-For", "203.0.113.1, 198.51.100.2");
  chained.set("X-Forwarded-Proto", "https");
  prepare_upstream_request(chained, peer, false);
  EXPECT_EQ(chained["X-Forwarded-For"], "203.0.113.1, 198.51.100.2, 192.0.2.7");
  EXPECT_EQ(chained["X-Forwarded-Proto"], "http");
}

// Verifies a WebSocket handshake keeps Upgrade and Connection: Upgrade.
TEST(header_rewrite, websocket_keeps_upgrade) {
  auto h = request();
  h.set(bh::field::connection, "Upgrade");
  h.set(bh::field::upgrade, "websocket");
  h.set(bh::field::sec_websocket_version, "13");
  h.set(bh::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  ASSERT_TRUE(is_websocket_upgrade(h));
  prepare_upstream_request(h, peer, true);
  EXPECT_EQ(h[bh::field::upgrade], "websocket");
  EXPECT_EQ(h[bh::field::connection], "Upgrade");
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
  const std::vector<std::pair<std::string, std::string>> extra{{"X-RateLimit-Limit", "10"}};
  prepare_downstream_response(h, extra, false);
  EXPECT_EQ(h.count("X-Hop"), 0u);
  EXPECT_EQ(h.count(bh::field::connection), 0u);
  EXPECT_EQ(h.count(bh::field::keep_alive), 0u);
  EXPECT_EQ(h.count(bh::field::proxy_authenticate), 0u);
  EXPECT_EQ(h[bh::field::transfer_encoding], "chunked");
  EXPECT_EQ(h["X-RateLimit-Limit"], "10");
  EXPECT_EQ(h.version(), 11u);
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
