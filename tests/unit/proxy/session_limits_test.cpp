// The downstream session over real sockets: malformed and ambiguous requests,
// size limits, timeouts and the drain.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <poll.h>

#include "backend_server.hpp"
#include "gateway_harness.hpp"
#include "http_client.hpp"

namespace floodgate::test {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<config::config> limited_config(std::uint16_t backend_port) {
  auto cfg = make_config({backend_port});
  cfg->server.max_header_bytes = 2048;
  cfg->server.max_body_bytes = 1000;
  cfg->server.header_timeout = 300ms;
  cfg->server.idle_timeout = 400ms;
  return cfg;
}

class session_limits : public ::testing::Test {
 protected:
  backend_server backend{"b"};
  gateway_harness gw{limited_config(backend.port())};

  // Sends raw bytes, expects `status` and then the connection closed.
  void expect_rejected(const std::string& raw, unsigned status) {
    http_connection c(gw.port());
    c.send(raw);
    auto r = c.read_response();
    ASSERT_TRUE(r) << raw;
    EXPECT_EQ(r->status, status) << raw;
    EXPECT_FALSE(r->keep_alive) << raw;
    EXPECT_TRUE(c.wait_closed(2s)) << raw;
  }
};

// Verifies request-smuggling shapes get 400 and never reach the backend.
TEST_F(session_limits, rejects_ambiguous_framing) {
  const std::vector<std::string> attempts{
      // Content-Length and Transfer-Encoding, both orders.
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
      "0\r\n\r\n",
      // A non-chunked coding before the length (Beast alone lets it through).
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 4\r\n\r\n"
      "abcd",
      // chunked not last / not alone / repeated.
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      // Two different lengths.
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 5\r\n\r\nabcde",
      // obs-fold line continuation.
      "GET /echo HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
      // No Host in HTTP/1.1, and two of them.
      "GET /echo HTTP/1.1\r\n\r\n",
      "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      // Garbage.
      "GET\r\n\r\n",
      "GET /echo HTTP/1.1\r\nHost x\r\n\r\n",
  };
  for (const auto& raw : attempts) expect_rejected(raw, 400);
  EXPECT_EQ(backend.requests(), 0u);
}

// Verifies a bad chunk size found while streaming the body still gives 400.
TEST_F(session_limits, rejects_bad_chunk_size) {
  expect_rejected(
      "POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "zz\r\nhello\r\n0\r\n\r\n",
      400);
}

// Verifies 431 for a header over max_header_bytes.
TEST_F(session_limits, rejects_large_header) {
  expect_rejected("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n",
                  431);
  EXPECT_EQ(backend.requests(), 0u);
}

// Verifies 413 from Content-Length up front, before any body byte is sent.
TEST_F(session_limits, rejects_large_content_length_up_front) {
  expect_rejected("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 413);
  EXPECT_EQ(backend.requests(), 0u);
}

// Verifies 413 when a chunked body grows past the limit while it streams.
TEST_F(session_limits, rejects_large_chunked_body) {
  const std::string chunk = "258\r\n" + std::string(600, 'c') + "\r\n";  // 0x258 = 600
  expect_rejected(
      "POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk, 413);
}

// Verifies slowloris: a header dribbled byte by byte is cut off at header_timeout.
TEST_F(session_limits, header_timeout_cuts_slow_header) {
  http_connection c(gw.port());
  const auto start = std::chrono::steady_clock::now();
  c.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  pollfd p{c.native_handle(), POLLIN, 0};
  // One byte every 50 ms keeps every single read fast; only the whole-header
  // deadline can stop it.
  while (::poll(&p, 1, 50) == 0 && std::chrono::steady_clock::now() - start < 5s) {
    try {
      c.send("a");
    } catch (const std::exception&) {
      break;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
  auto r = c.read_response();
  if (r) {
    EXPECT_EQ(r->status, 408u);
    EXPECT_FALSE(r->keep_alive);
  }
  EXPECT_TRUE(c.wait_closed(2s));
}

// Verifies an idle keep-alive connection is closed after idle_timeout.
TEST_F(session_limits, idle_timeout_closes_keep_alive_connection) {
  http_connection c(gw.port());
  ASSERT_TRUE(c.request("GET", "/echo"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.wait_closed(3s));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 2s);
}

// Verifies the drain: the request in flight completes with Connection: close,
// idle connections close at once, new connections are refused, sessions reach 0.
TEST_F(session_limits, drain_finishes_in_flight_and_closes_idle) {
  auto cfg = make_config({backend.port()});
  cfg->server.idle_timeout = 30s;
  gateway_harness drained{cfg};
  http_connection idle(drained.port());
  ASSERT_TRUE(idle.request("GET", "/echo"));
  http_connection busy(drained.port());
  busy.send(format_request("GET", "/slow?ms=300", drained.port()));
  ASSERT_TRUE(eventually([&] { return backend.requests() == 2; }));
  EXPECT_EQ(drained.server().active_sessions(), 2u);

  drained.server().begin_drain();
  EXPECT_TRUE(idle.wait_closed(1s));
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "slow");
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(busy.wait_closed(1s));
  EXPECT_TRUE(eventually([&] { return drained.server().active_sessions() == 0; }));
  EXPECT_THROW(http_connection{drained.port()}, std::runtime_error);
}

// Verifies close_all ends a session that waits on its upstream, with on_complete(0).
TEST_F(session_limits, close_all_cancels_waiting_sessions) {
  auto cfg = make_config({backend.port()});
  gateway_harness gw2{cfg};
  http_connection busy(gw2.port());
  busy.send(format_request("GET", "/slow?ms=5000", gw2.port()));
  ASSERT_TRUE(eventually([&] { return backend.requests() == 1; }));
  gw2.server().close_all();
  EXPECT_TRUE(busy.wait_closed(1s));
  EXPECT_TRUE(eventually([&] { return gw2.server().active_sessions() == 0; }));
  ASSERT_TRUE(eventually([&] { return gw2.handler().statuses().size() == 1; }));
  EXPECT_EQ(gw2.handler().statuses()[0], 0u);
}

// Verifies listen() names the address when binding fails.
TEST(server_listen, reports_bind_failure) {
  boost::asio::io_context ioc;
  auto handler = std::make_shared<forwarding_handler>(make_config({1}));
  boost::asio::ip::tcp::acceptor taken(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = taken.local_endpoint().port();
  http::server s({&ioc}, handler);
  try {
    s.listen({"127.0.0.1", port});
    FAIL() << "listen succeeded on a taken port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace floodgate::test
