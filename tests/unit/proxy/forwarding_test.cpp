// The in-process gateway (http::server + proxy) in front of real loopback
// backends: what is forwarded, how, and to whom.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "backend_server.hpp"
#include "gateway_harness.hpp"
#include "http_client.hpp"
#include "process.hpp"

namespace floodgate::test {
namespace {

bool has_echo_header(const std::string& body, const std::string& name) {
  for (const auto& [n, v] : echo_headers(body))
    if (n == name) return true;
  return false;
}

std::string echo_header(const std::string& body, const std::string& name) {
  for (const auto& [n, v] : echo_headers(body))
    if (n == name) return v;
  return {};
}

class forwarding : public ::testing::Test {
 protected:
  backend_server backend{"b1"};
  gateway_harness gw{make_config({backend.port()})};
};

// Verifies a simple GET goes through with X-Forwarded-*, Host kept and the
// handler's response headers added; on_complete sees the status.
TEST_F(forwarding, forwards_with_forwarded_headers) {
  http_connection c(gw.port());
  auto r = c.request("GET", "/echo?q=1", {{"Host", "api.example.com"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->header("X-Backend"), "b1");
  EXPECT_EQ(r->header("X-Gateway"), "test");
  EXPECT_EQ(echo_item(r->body, "target"), "/echo?q=1");
  EXPECT_EQ(echo_header(r->body, "host"), "api.example.com");
  EXPECT_EQ(echo_header(r->body, "x-forwarded-host"), "api.example.com");
  EXPECT_EQ(echo_header(r->body, "x-forwarded-for"), "127.0.0.1");
  EXPECT_EQ(echo_header(r->body, "x-forwarded-proto"), "http");
  ASSERT_TRUE(eventually([&] { return gw.handler().statuses().size() == 1; }));
  EXPECT_EQ(gw.handler().statuses()[0], 200u);
}

// Verifies an existing X-Forwarded-For is appended to (nginx $proxy_add_x_forwarded_for).
TEST_F(forwarding, appends_to_x_forwarded_for) {
  auto r = http_get(gw.port(), "/echo", {{"X-Forwarded-For", "203.0.113.9"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(echo_header(r->body, "x-forwarded-for"), "203.0.113.9, 127.0.0.1");
}

// Verifies hop-by-hop request fields, including those named in Connection, stay behind.
TEST_F(forwarding, removes_hop_by_hop_request_fields) {
  auto r = http_get(gw.port(), "/echo",
                    {{"Connection", "keep-alive, X-Hop-Secret"},
                     {"X-Hop-Secret", "1"},
                     {"Keep-Alive", "timeout=5"},
                     {"Proxy-Authorization", "Basic Zm9vOmJhcg=="},
                     {"TE", "trailers"},
                     {"Upgrade", "h2c"},
                     {"X-End-To-End", "kept"}});
  ASSERT_TRUE(r);
  for (auto name :
       {"connection", "x-hop-secret", "keep-alive", "proxy-authorization", "te", "upgrade"})
    EXPECT_FALSE(has_echo_header(r->body, name)) << name;
  EXPECT_EQ(echo_header(r->body, "x-end-to-end"), "kept");
}

// Verifies hop-by-hop response fields stay behind, including one named by a
// Connection header that comes after it, and the connection stays usable.
TEST_F(forwarding, removes_hop_by_hop_response_fields) {
  http_connection c(gw.port());
  for (int i = 0; i < 2; ++i) {
    auto r = c.request("GET", "/hop");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "hop");
    EXPECT_EQ(r->header("X-End-To-End"), "kept");
    for (auto name : {"X-Hop", "Keep-Alive", "Proxy-Authenticate", "Upgrade", "Connection"})
      EXPECT_FALSE(r->has_header(name)) << name;
    EXPECT_EQ(r->header("X-Gateway"), "test");  // the handler's fields still come after
  }
  EXPECT_EQ(backend.connections(), 1u);
}

// Verifies keep-alive on both sides: 100 requests on one client connection use
// one upstream connection, and 20 fresh client connections reuse pooled ones.
TEST_F(forwarding, reuses_upstream_connections) {
  http_connection c(gw.port());
  for (int i = 0; i < 100; ++i) {
    auto r = c.request("GET", "/echo?i=" + std::to_string(i));
    ASSERT_TRUE(r) << i;
    ASSERT_EQ(r->status, 200u);
  }
  EXPECT_EQ(backend.requests(), 100u);
  EXPECT_EQ(backend.connections(), 1u);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(http_get(gw.port(), "/echo"));
  EXPECT_EQ(backend.connections(), 1u);
}

// Verifies pipelined requests are answered in order, a slow one included.
TEST_F(forwarding, answers_pipelined_requests_in_order) {
  http_connection c(gw.port());
  c.send(format_request("GET", "/slow?ms=100", gw.port()) +
         format_request("GET", "/echo?n=2", gw.port()) +
         format_request("POST", "/echo?n=3", gw.port(), {}, "body"));
  auto first = c.read_response();
  auto second = c.read_response();
  auto third = c.read_response();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->body, "slow");
  EXPECT_EQ(echo_item(second->body, "target"), "/echo?n=2");
  EXPECT_EQ(echo_item(third->body, "target"), "/echo?n=3");
  EXPECT_EQ(echo_item(third->body, "body_length"), "4");
}

// Verifies a client that half-closes after its request (as `nc -N` does) still gets the
// whole response, and then the gateway's close at once rather than after the idle
// timeout: the read for a next request sees the end of the stream even when the FIN
// came with the request's bytes. (With the reverted drained-read rule of 627e184 it
// waited for the idle timeout; docs/performance.md, "Reads that find nothing".)
TEST_F(forwarding, half_closed_client_gets_its_response_and_the_close) {
  http_connection c(gw.port());
  // The request and the FIN in one segment (corked until the shutdown), sent while the
  // gateway already waits for the request: they reach it in one epoll edge, the case
  // that must not leave the read after the request waiting.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const int cork = 1;
  ASSERT_EQ(setsockopt(c.native_handle(), IPPROTO_TCP, TCP_CORK, &cork, sizeof cork), 0);
  c.send(format_request("GET", "/echo?half=1", gw.port()));
  c.shutdown_send();
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(echo_item(r->body, "target"), "/echo?half=1");
  EXPECT_TRUE(c.wait_closed(std::chrono::seconds(2)));
}

// Verifies HEAD gets the header (with the length) and no body, and the
// connection stays usable.
TEST_F(forwarding, head_has_no_body) {
  http_connection c(gw.port());
  auto r = c.request("HEAD", "/bytes?n=1000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->header("Content-Length"), "1000");
  EXPECT_TRUE(r->body.empty());
  auto next = c.request("GET", "/echo");
  ASSERT_TRUE(next);
  EXPECT_EQ(echo_item(next->body, "method"), "GET");
}

// Verifies Connection: close is honoured.
TEST_F(forwarding, honours_connection_close) {
  http_connection c(gw.port());
  auto r = c.request("GET", "/echo", {{"Connection", "close"}});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(c.wait_closed(std::chrono::seconds(2)));
}

// Verifies chunked bodies both ways: a chunked upload reaches the backend
// chunked and whole; a chunked response reaches the client chunked.
TEST_F(forwarding, relays_chunked_both_ways) {
  http_connection c(gw.port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto up = c.read_response();
  ASSERT_TRUE(up);
  EXPECT_EQ(echo_item(up->body, "body_chunked"), "1");
  EXPECT_EQ(echo_item(up->body, "body_length"), "11");
  EXPECT_EQ(echo_item(up->body, "body_prefix"), "hello world");

  auto down = c.request("GET", "/chunked?n=3");
  ASSERT_TRUE(down);
  EXPECT_TRUE(down->chunked);
  EXPECT_EQ(down->body, "chunk 0\nchunk 1\nchunk 2\n");
}

// Verifies a response delimited by the upstream closing is re-framed as chunked,
// so the client connection survives it.
TEST_F(forwarding, rechunks_close_delimited_response) {
  http_connection c(gw.port());
  auto r = c.request("GET", "/eof?n=5000");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->chunked);
  ASSERT_EQ(r->body.size(), 5000u);
  EXPECT_EQ(r->body.substr(0, 3), "abc");
  EXPECT_TRUE(c.request("GET", "/echo"));
}

// Verifies an HTTP/1.0 client gets a chunked upstream body without chunks,
// delimited by the connection closing.
TEST_F(forwarding, dechunks_for_http10_clients) {
  http_connection c(gw.port());
  c.send("GET /chunked?n=2 HTTP/1.0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_FALSE(r->chunked);
  EXPECT_EQ(r->body, "chunk 0\nchunk 1\n");
}

// Verifies a large upload is streamed: the backend has bytes while the client
// still holds most of the body back.
TEST_F(forwarding, streams_uploads) {
  constexpr std::size_t total = 32 * 1024 * 1024;
  constexpr std::size_t first_part = 1024 * 1024;
  http_connection c(gw.port());
  c.send("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n");
  const std::string block(first_part, 'x');
  c.send(block);
  ASSERT_TRUE(eventually([&] { return backend.sink_bytes() >= first_part / 2; }))
      << "backend saw " << backend.sink_bytes() << " bytes";
  EXPECT_LT(backend.sink_bytes(), total);
  for (std::size_t sent = first_part; sent < total; sent += block.size()) c.send(block);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, std::to_string(total));
}

// Verifies Expect: 100-continue is answered by the gateway before the body.
TEST_F(forwarding, answers_expect_continue) {
  http_connection c(gw.port());
  c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100u);
  c.send("hello");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(echo_item(r->body, "body_length"), "5");
  EXPECT_FALSE(has_echo_header(r->body, "expect"));
}

// Verifies a locally answered request gets the handler's headers and its small
// body is drained so the connection continues.
// Verifies a status line that ends at its code ("HTTP/1.1 200\r\n", no space
// before an empty reason) is relayed as a 200 on a connection that stays usable,
// also when the line arrives in pieces (3 and 12 bytes: before and at its end).
TEST_F(forwarding, accepts_a_status_line_without_reason) {
  http_connection c(gw.port());
  for (const char* target : {"/no-reason", "/no-reason?split=3", "/no-reason?split=12"}) {
    SCOPED_TRACE(target);
    auto r = c.request("GET", target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "no reason");
  }
  EXPECT_EQ(backend.connections(), 1u);
}

TEST_F(forwarding, local_response_keeps_connection) {
  http_connection c(gw.port());
  auto r = c.request("POST", "/local", {}, "0123456789");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "local");
  EXPECT_EQ(r->header("X-Gateway"), "test");
  auto next = c.request("GET", "/echo");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200u);
  EXPECT_EQ(backend.requests(), 1u);
}

// Verifies a WebSocket upgrade is tunnelled byte for byte.
TEST_F(forwarding, tunnels_websocket) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), gw.port()});
  boost::beast::websocket::stream<asio::ip::tcp::socket> ws(std::move(socket));
  boost::beast::websocket::response_type handshake;
  ws.handshake(handshake, "127.0.0.1", "/ws");
  EXPECT_EQ(handshake.result_int(), 101u);
  EXPECT_EQ(handshake["X-Gateway"], "test");
  for (const auto& message : std::vector<std::string>{"hello", std::string(100000, 'w')}) {
    ws.write(asio::buffer(message));
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    EXPECT_EQ(boost::beast::buffers_to_string(buffer.data()), message);
  }
  ws.close(boost::beast::websocket::close_code::normal);
}

// Verifies round robin over two servers.
TEST(balancing, round_robin_across_servers) {
  backend_server b1{"b1"}, b2{"b2"};
  gateway_harness gw{make_config({b1.port(), b2.port()})};
  std::map<std::string, int> seen;
  http_connection c(gw.port());
  for (int i = 0; i < 10; ++i) {
    auto r = c.request("GET", "/echo");
    ASSERT_TRUE(r);
    ++seen[r->header("X-Backend")];
  }
  EXPECT_EQ(seen["b1"], 5);
  EXPECT_EQ(seen["b2"], 5);
}

// Verifies a server that refuses connections is skipped (passive health).
TEST(balancing, skips_dead_server) {
  const auto dead = free_port();
  backend_server alive{"alive"};
  gateway_harness gw{make_config({dead, alive.port()})};
  for (int i = 0; i < 6; ++i) {
    auto r = http_get(gw.port(), "/echo");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->header("X-Backend"), "alive");
  }
}

// Verifies 502 when nothing listens, as a JSON body, and on_complete(502).
TEST(upstream_errors, bad_gateway_when_nothing_listens) {
  gateway_harness gw{make_config({free_port()})};
  http_connection c(gw.port());
  auto r = c.request("GET", "/echo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502u);
  EXPECT_EQ(r->body, R"({"error":"bad_gateway"})");
  EXPECT_EQ(r->header("X-Gateway"), "test");
  // The request was read whole: the client connection survives a 502.
  auto again = c.request("GET", "/echo");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 502u);
  ASSERT_TRUE(eventually([&] { return gw.handler().statuses().size() == 2; }));
  EXPECT_EQ(gw.handler().statuses()[0], 502u);
}

// Verifies 504 when the response does not complete within the upstream timeout.
TEST(upstream_errors, gateway_timeout_on_slow_upstream) {
  backend_server slow{"slow"};
  auto cfg = make_config({slow.port()});
  cfg->upstreams.at("backend").timeout = std::chrono::milliseconds(200);
  gateway_harness gw{cfg};
  const auto start = std::chrono::steady_clock::now();
  auto r = http_get(gw.port(), "/slow?ms=3000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504u);
  EXPECT_EQ(r->body, R"({"error":"gateway_timeout"})");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
}

// Verifies a backend that closes without answering gives 502.
TEST(upstream_errors, bad_gateway_when_upstream_closes) {
  backend_server b{"b"};
  gateway_harness gw{make_config({b.port()})};
  auto r = http_get(gw.port(), "/close");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502u);
}

// Verifies a pooled connection the backend closed is not used: the next request
// goes to the restarted backend on a fresh connection.
TEST(upstream_errors, discards_stale_pooled_connection) {
  auto first = std::make_unique<backend_server>("first");
  const auto port = first->port();
  gateway_harness gw{make_config({port})};
  ASSERT_EQ(http_get(gw.port(), "/echo")->status, 200u);
  first.reset();  // closes the pooled upstream connection from the backend side
  backend_server second{"second", port};
  auto r = http_get(gw.port(), "/echo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->header("X-Backend"), "second");
}

// Verifies a pooled connection whose server closed it together with its last
// response (response and FIN in one segment, taken by one read: the kernel reports
// the FIN as still queued, so the socket is not taken for drained, drained_read.hpp)
// costs no request: a replayable one is resent on a fresh connection when the read
// on the dead one sees the close, a non-replayable one finds it closed by the pool's
// probe. Each is answered at once, not after a timeout.
TEST(upstream_errors, connection_closed_with_its_last_response_costs_no_request) {
  backend_server b{"b"};
  gateway_harness gw{make_config({b.port()})};
  http_connection c(gw.port());
  for (const bool replayable : {true, false}) {
    SCOPED_TRACE(replayable ? "GET" : "POST with a body");
    auto last = c.request("GET", "/then-close");
    ASSERT_TRUE(last);
    EXPECT_EQ(last->status, 200u);
    EXPECT_EQ(last->body, "ok");
    const auto start = std::chrono::steady_clock::now();
    auto r = replayable ? c.request("GET", "/echo") : c.request("POST", "/echo", {}, "body");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(echo_item(r->body, "method"), replayable ? "GET" : "POST");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  }
}

// Verifies a pooled connection on which the server wrote unasked (a 408 on an idle
// keep-alive connection, then close) is not used, even for a replayable request,
// once it has been idle long enough to be probed: the client gets the real answer.
TEST(upstream_errors, drops_pooled_connection_with_unsolicited_bytes) {
  backend_server b{"b"};
  gateway_harness gw{make_config({b.port()})};
  ASSERT_EQ(http_get(gw.port(), "/unsolicited?ms=100")->status, 200u);
  // Past the pool's probe_after_idle (1 s): the pooled connection holds the 408.
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  auto r = http_get(gw.port(), "/echo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->header("X-Backend"), "b");
}

}  // namespace
}  // namespace floodgate::test
