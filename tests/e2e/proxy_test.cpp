// The real build/bin/floodgate as a reverse proxy in front of test::backend_server
// over loopback sockets: streaming, framing, header rewriting, balancing,
// upstream failures, WebSocket, and the request limits.

#include <csignal>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <poll.h>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "backend_server.hpp"
#include "http_client.hpp"
#include "process.hpp"

namespace floodgate::test {
namespace {

using namespace std::chrono_literals;

std::string servers_list(const std::vector<std::uint16_t>& ports) {
  std::string out = "[";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    if (i) out += ", ";
    out += "\"127.0.0.1:" + std::to_string(ports[i]) + "\"";
  }
  return out + "]";
}

/// build/bin/floodgate with a routes.yaml (one route `/` to upstream `backend`).
class gateway_process {
 public:
  explicit gateway_process(const std::vector<std::uint16_t>& backends,
                           const std::string& upstream_extra = "",
                           const std::string& server_block = "")
      : port_(free_port()) {
    const auto config = dir_.path() + "/routes.yaml";
    std::ofstream(config) << "listen: \"127.0.0.1:" << port_ << "\"\n"
                          << "threads: 2\n"
                          << "upstreams:\n"
                          << "  backend:\n"
                          << "    servers: " << servers_list(backends) << "\n"
                          << upstream_extra << "routes:\n"
                          << "  - name: all\n"
                          << "    path: /\n"
                          << "    upstream: backend\n"
                          << server_block;
    process_ = child_process({FLOODGATE_BINARY_DIR "/bin/floodgate", "--config", config},
                             dir_.path() + "/floodgate.log");
    if (!wait_for_port(port_, 10s)) throw std::runtime_error("floodgate did not start: " + log());
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return process_.pid(); }

  [[nodiscard]] std::string log() const {
    std::ifstream in(dir_.path() + "/floodgate.log");
    return {std::istreambuf_iterator<char>(in), {}};
  }

  /// A line of /proc/<pid>/status in kB ("VmRSS", "VmHWM").
  [[nodiscard]] long status_kb(const std::string& key) const {
    std::ifstream in("/proc/" + std::to_string(process_.pid()) + "/status");
    for (std::string line; std::getline(in, line);)
      if (line.starts_with(key + ":")) return std::stol(line.substr(key.size() + 1));
    return -1;
  }

 private:
  temp_dir dir_;
  std::uint16_t port_;
  child_process process_;
};

std::string echo_header(const std::string& body, const std::string& name) {
  for (const auto& [n, v] : echo_headers(body))
    if (n == name) return v;
  return {};
}

bool has_echo_header(const std::string& body, const std::string& name) {
  for (const auto& [n, v] : echo_headers(body))
    if (n == name) return true;
  return false;
}

// The backend's echo of the chunked body "abcd" + "efg" both chunked tests send.
void expect_echoed_abcdefg(const http_response& r) {
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(echo_item(r.body, "body_chunked"), "1");
  EXPECT_EQ(echo_item(r.body, "body_length"), "7");
  EXPECT_EQ(echo_item(r.body, "body_prefix"), "abcdefg");
}

void expect_no_echo_headers(const std::string& body, std::initializer_list<const char*> names) {
  for (const char* name : names) EXPECT_FALSE(has_echo_header(body, name)) << name;
}

class proxy : public ::testing::Test {
 protected:
  backend_server backend{"b1"};
};

// Verifies a 200 MB upload streams through without being buffered: the
// gateway's peak resident memory stays far below the body size.
TEST_F(proxy, streams_large_upload_without_buffering) {
  gateway_process gw({backend.port()});
  constexpr std::size_t total = 200u * 1024 * 1024;
  http_connection c(gw.port(), 60s);
  c.send("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n");
  const std::string block(1024 * 1024, 'u');
  long peak_during_kb = 0;
  for (std::size_t sent = 0; sent < total; sent += block.size()) {
    c.send(block);
    if (sent % (16 * block.size()) == 0)
      peak_during_kb = std::max(peak_during_kb, gw.status_kb("VmRSS"));
  }
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, std::to_string(total));
  const auto hwm_kb = gw.status_kb("VmHWM");
  RecordProperty("gateway_peak_rss_kb", std::to_string(hwm_kb));
  EXPECT_GT(hwm_kb, 0);
  EXPECT_LT(hwm_kb, 64 * 1024) << "peak RSS " << hwm_kb << " kB for a 200 MB upload";
  EXPECT_LT(peak_during_kb, 64 * 1024);
}

// Verifies chunked framing both ways and hop-by-hop removal, X-Forwarded-*, Host.
TEST_F(proxy, relays_chunked_and_rewrites_headers) {
  gateway_process gw({backend.port()});
  http_connection c(gw.port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: api.example.com\r\nTransfer-Encoding: chunked\r\n"
      "Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=9\r\n"
      "Proxy-Authorization: Basic eDp5\r\nTE: trailers\r\nX-Forwarded-For: 203.0.113.5\r\n\r\n"
      "4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  expect_echoed_abcdefg(*r);
  EXPECT_EQ(echo_header(r->body, "host"), "api.example.com");
  EXPECT_EQ(echo_header(r->body, "x-forwarded-host"), "api.example.com");
  EXPECT_EQ(echo_header(r->body, "x-forwarded-proto"), "http");
  EXPECT_EQ(echo_header(r->body, "x-forwarded-for"), "203.0.113.5, 127.0.0.1");
  expect_no_echo_headers(r->body,
                         {"connection", "x-hop", "keep-alive", "proxy-authorization", "te"});

  auto chunked = c.request("GET", "/chunked?n=4");
  ASSERT_TRUE(chunked);
  EXPECT_TRUE(chunked->chunked);
  EXPECT_EQ(chunked->body, "chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
}

// Verifies the request targets and Host of RFC 9112 §3.2 that a reverse proxy must take:
// an absolute-form target is routed by its path and sent upstream in origin form with the
// Host of its authority; an HTTP/1.0 request without Host reaches the upstream with one
// (its upstream's name, as NGINX does), not as an HTTP/1.1 request it must refuse.
TEST_F(proxy, takes_absolute_form_and_requests_without_host) {
  gateway_process gw({backend.port()});
  http_connection c(gw.port());
  c.send("GET http://api.example.com/echo?x=1 HTTP/1.1\r\nHost: ignored.example\r\n\r\n");
  auto absolute = c.read_response();
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->status, 200u);
  EXPECT_EQ(echo_item(absolute->body, "target"), "/echo?x=1");
  EXPECT_EQ(echo_header(absolute->body, "host"), "api.example.com");
  EXPECT_EQ(echo_header(absolute->body, "x-forwarded-host"), "api.example.com");

  http_connection old(gw.port());
  old.send("GET /echo HTTP/1.0\r\n\r\n");
  auto http10 = old.read_response();
  ASSERT_TRUE(http10);
  EXPECT_EQ(http10->status, 200u);
  EXPECT_EQ(echo_header(http10->body, "host"), "backend");
  EXPECT_FALSE(has_echo_header(http10->body, "x-forwarded-host"));

  http_connection bad(gw.port());
  bad.send("GET http://user@api.example.com/echo HTTP/1.1\r\nHost: api.example.com\r\n\r\n");
  auto refused = bad.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400u);
  EXPECT_EQ(backend.requests(), 2u);
}

// Verifies chunk extensions and trailer sections both ways: the gateway re-frames a
// chunked body, so it relays the data exactly, drops extensions and trailer fields (RFC
// 9112 §7.1: a recipient that removes the chunked coding may discard trailers; NGINX does
// too) and keeps the connection in step: the request after each one is answered.
TEST_F(proxy, relays_chunks_with_extensions_and_trailers) {
  gateway_process gw({backend.port()});
  http_connection c(gw.port());
  c.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
      "4;a=1\r\nabcd\r\n3;b=\"q r\"\r\nefg\r\n0;last\r\nX-Sum: 7\r\nX-Note: t\r\n\r\n"
      "GET /echo?after=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  expect_echoed_abcdefg(*r);
  // The backend's parser would list forwarded trailer fields with the headers.
  expect_no_echo_headers(r->body, {"x-sum", "x-note", "trailer"});
  auto after = c.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(echo_item(after->body, "target"), "/echo?after=1");

  auto chunked = c.request("GET", "/chunked?n=3&extras=1");
  ASSERT_TRUE(chunked);
  EXPECT_TRUE(chunked->chunked);
  EXPECT_EQ(chunked->body, "chunk 0\nchunk 1\nchunk 2\n");
  for (auto name : {"X-Checksum", "X-Count", "Trailer"})
    EXPECT_FALSE(chunked->has_header(name)) << name;
  auto next = c.request("GET", "/echo?n=2");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200u);
  EXPECT_EQ(echo_item(next->body, "target"), "/echo?n=2");
}

// Verifies pipelining and upstream keep-alive: 100 requests, few backend connections.
TEST_F(proxy, pipelines_and_reuses_upstream_connections) {
  gateway_process gw({backend.port()});
  http_connection c(gw.port());
  std::string batch;
  for (int i = 0; i < 10; ++i) batch += format_request("GET", "/echo?i=" + std::to_string(i), 0);
  c.send(batch);
  for (int i = 0; i < 10; ++i) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(echo_item(r->body, "target"), "/echo?i=" + std::to_string(i));
  }
  for (int i = 0; i < 90; ++i) ASSERT_TRUE(c.request("GET", "/echo")) << i;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(http_get(gw.port(), "/echo")) << i;
  EXPECT_EQ(backend.requests(), 120u);
  // One idle pool per worker thread (threads: 2).
  EXPECT_LE(backend.connections(), 2u);
}

// Verifies round robin across two servers, and a dead one skipped.
TEST_F(proxy, balances_and_skips_dead_servers) {
  backend_server second{"b2"};
  const auto dead = free_port();
  gateway_process gw({backend.port(), dead, second.port()});
  std::map<std::string, int> seen;
  for (int i = 0; i < 30; ++i) {
    auto r = http_get(gw.port(), "/echo");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200u);
    ++seen[r->header("X-Backend")];
  }
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_GE(seen["b1"], 10);
  EXPECT_GE(seen["b2"], 10);
}

// Verifies 502 when nothing listens and 504 past the upstream timeout.
TEST_F(proxy, maps_upstream_failures) {
  {
    gateway_process gw({free_port()});
    auto r = http_get(gw.port(), "/echo");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502u);
    EXPECT_EQ(r->body, R"({"error":"bad_gateway"})");
  }
  {
    // A 101 to a request that asked for no upgrade is the upstream's error.
    gateway_process gw({backend.port()});
    const auto r = http_get(gw.port(), "/switch");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502u);
  }
  gateway_process gw({backend.port()}, "    timeout: 200ms\n");
  const auto start = std::chrono::steady_clock::now();
  auto r = http_get(gw.port(), "/slow?ms=3000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // The gateway keeps serving.
  EXPECT_EQ(http_get(gw.port(), "/echo")->status, 200u);
}

// Verifies the gateway's own error answers follow the request like its other answers: an
// HTTP/1.0 keep-alive client is told the connection stays open (else it waits for a
// close that does not come), and a HEAD gets no body.
TEST_F(proxy, error_answers_keep_http10_connections_and_head_bodiless) {
  gateway_process dead({free_port()});
  http_connection c(dead.port());
  for (int i = 0; i < 2; ++i) {
    c.send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const auto r = c.read_response();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 502u);
    EXPECT_TRUE(r->keep_alive);
    EXPECT_EQ(r->header("Connection"), "keep-alive");
  }
  http_connection head(dead.port());
  head.send("HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto first = head.read_response(true);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 502u);
  EXPECT_TRUE(first->body.empty());
  const auto second = head.read_response();  // would read the HEAD's body as its start
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 502u);
  EXPECT_EQ(second->body, R"({"error":"bad_gateway"})");

  gateway_process gw({backend.port()});
  http_connection bad(gw.port());
  bad.send("HEAD /%00 HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto r = bad.read_response(true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400u);
  EXPECT_TRUE(bad.wait_closed(2s));
  EXPECT_EQ(bad.unread(), "") << "a body after a HEAD's 400";
}

// Verifies an HTTP/1.0 client's Expect: 100-continue is ignored (no 1xx to 1.0,
// RFC 9110 §15.2), and empty lines before a request line are skipped (RFC 9112 §2.2).
TEST_F(proxy, follows_http10_expectations_and_skips_leading_empty_lines) {
  gateway_process gw({backend.port()});
  http_connection c(gw.port());
  c.send("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab");
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(echo_item(r->body, "body_length"), "2");

  http_connection k(gw.port());
  k.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab\r\n"
      "\r\nGET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
  for (const char* method : {"POST", "GET"}) {
    const auto answer = k.read_response();
    ASSERT_TRUE(answer) << method;
    EXPECT_EQ(answer->status, 200u) << method;
    EXPECT_EQ(echo_item(answer->body, "method"), method);
  }
}

// Verifies an upstream that answers an upload early and closes (a 413 for a body it will
// not take) has its answer relayed, not replaced by a 502 when the rest of the body
// cannot be written.
TEST_F(proxy, relays_an_early_answer_to_an_upload) {
  gateway_process gw({backend.port()});
  constexpr std::size_t size = 8u << 20;
  http_connection c(gw.port(), 20s);
  c.send("POST /refuse-body HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) +
         "\r\n\r\n");
  std::thread sender([&] {
    const std::string block(64 * 1024, 'u');
    try {
      for (std::size_t sent = 0; sent < size; sent += block.size()) c.send(block);
    } catch (const std::runtime_error&) {
      // The gateway may close before the whole body is read away: the answer counts.
    }
  });
  const auto r = c.read_response();
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413u);
  EXPECT_EQ(r->body, "refused");
  EXPECT_FALSE(r->keep_alive);
}

using websocket = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

// A WebSocket session through the gateway to the backend's /ws echo.
websocket open_websocket(boost::asio::io_context& ioc, std::uint16_t port) {
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  websocket ws(std::move(socket));
  ws.handshake("127.0.0.1", "/ws");
  return ws;
}

// Verifies a WebSocket session is tunnelled.
TEST_F(proxy, tunnels_websocket) {
  gateway_process gw({backend.port()});
  namespace asio = boost::asio;
  asio::io_context ioc;
  auto ws = open_websocket(ioc, gw.port());
  for (const auto& message : std::vector<std::string>{"ping", std::string(70000, 'z')}) {
    ws.write(asio::buffer(message));
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    EXPECT_EQ(boost::beast::buffers_to_string(buffer.data()), message);
  }
  ws.close(boost::beast::websocket::close_code::normal);
}

// Verifies a tunnel that carries traffic outlives idle_timeout, and one left idle
// is closed after it (a vanished peer must not hold two sockets forever).
TEST_F(proxy, closes_idle_websocket_tunnel) {
  gateway_process gw({backend.port()}, "", "server:\n  idle_timeout: 400ms\n");
  namespace asio = boost::asio;
  asio::io_context ioc;
  auto ws = open_websocket(ioc, gw.port());
  // 1.2 s of traffic, one message every 150 ms: three idle timeouts' worth.
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(150ms);
    ws.write(asio::buffer(std::string("tick")));
    boost::beast::flat_buffer buffer;
    ws.read(buffer);
    EXPECT_EQ(boost::beast::buffers_to_string(buffer.data()), "tick");
  }
  // Nothing is sent now: the read ends only when the tunnel closes. Bounded, so a
  // tunnel that never closes fails the test in 5 s instead of hanging it.
  const auto idle_from = std::chrono::steady_clock::now();
  boost::beast::flat_buffer buffer;
  std::optional<boost::system::error_code> ended;
  ws.async_read(buffer, [&](boost::system::error_code ec, std::size_t) { ended = ec; });
  ioc.run_for(5s);
  const auto waited = std::chrono::steady_clock::now() - idle_from;
  ASSERT_TRUE(ended) << "the idle tunnel was still open after 5 s";
  EXPECT_TRUE(*ended) << "the tunnel delivered data instead of closing";
  EXPECT_GE(waited, 350ms);
  EXPECT_LT(waited, 3s);
}

// Verifies the response header goes to the client as soon as it arrives, not with the
// first body byte: an event stream or a long poll whose upstream sends its header and
// then waits must not look dead (or time out) to the client.
TEST_F(proxy, sends_the_response_header_before_the_body_arrives) {
  gateway_process gw({backend.port()});
  http_connection c(gw.port());
  c.send("GET /chunked?n=1&delay_ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
  pollfd readable{c.native_handle(), POLLIN, 0};
  ASSERT_EQ(poll(&readable, 1, 1000), 1) << "no header within 1 s of a body 1.5 s away";
  const auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "chunk 0\n");
}

class proxy_limits : public proxy {
 protected:
  gateway_process gw{{backend.port()},
                     "",
                     "server:\n  max_header_bytes: 2048\n  max_body_bytes: 1000\n"
                     "  header_timeout: 300ms\n"};

  void expect_status(const std::string& raw, unsigned status) {
    http_connection c(gw.port());
    c.send(raw);
    auto r = c.read_response();
    ASSERT_TRUE(r) << raw;
    EXPECT_EQ(r->status, status) << raw;
    EXPECT_TRUE(c.wait_closed(2s)) << raw;
  }
};

// Verifies 431, 413, 400 for smuggling shapes and other target forms, and 505 for
// HTTP/2.0, none reaching the backend.
TEST_F(proxy_limits, rejects_oversized_and_ambiguous_requests) {
  expect_status("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(3000, 'b') + "\r\n\r\n", 431);
  expect_status("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n", 413);
  expect_status(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400);
  expect_status(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Content-Length: 5\r\n\r\n0\r\n\r\n",
      400);
  expect_status(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400);
  expect_status("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
                400);
  expect_status("GET /echo HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n", 400);
  // Transfer-Encoding other than exactly "chunked", repeated Content-Length (equal or
  // not), and Host repeated (in 1.0 too) or not an authority: each would go upstream as
  // it came, for a server that may read it otherwise.
  for (const char* te :
       {",chunked", "chunked,", "chunked;q=1", ", , chunked , ,", "gzip, chunked"}) {
    expect_status(std::string("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + te +
                      "\r\n\r\n0\r\n\r\n",
                  400);
  }
  expect_status(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", 400);
  expect_status("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\nab", 400);
  expect_status("GET /echo HTTP/1.0\r\nHost: a.example\r\nHost: b.example\r\n\r\n", 400);
  for (const char* host : {"a b", "a.com, b.com", "x/y@z", "a\"b"})
    expect_status(std::string("GET /echo HTTP/1.1\r\nHost: ") + host + "\r\n\r\n", 400);
  expect_status("GET /echo#/../x HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expect_status("GET http://x/echo#frag HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expect_status("GET /echo HTTP/2.0\r\nHost: x\r\n\r\n", 505);
  expect_status("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expect_status("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 400);
  EXPECT_EQ(backend.requests(), 0u);
  // Found only while the body streams: the header already went upstream.
  expect_status(
      "POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "-1\r\nx\r\n0\r\n\r\n",
      400);
  expect_status(
      "POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3e8\r\n" +
          std::string(1000, 'c') + "\r\n1\r\nc\r\n0\r\n\r\n",
      413);
}

// Verifies the framing of a chunked body is bounded like a header (max_header_bytes):
// a chunk-size line whose extension never ends, or a trailer section that never
// ends, is answered 431 once it passes the bound, instead of being buffered without
// end while the gateway waits for its CRLF (Beast bounds neither).
TEST_F(proxy_limits, bounds_chunk_extensions_and_trailers) {
  const std::string head = "POST /sink HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_status(head + "3;ext=" + std::string(8000, 'e'), 431);
  expect_status(head + "3\r\nabc\r\n0\r\nX-Trailer: " + std::string(8000, 't'), 431);
  // Within the bound both still pass.
  http_connection c(gw.port());
  const auto r = c.request("POST", "/sink", {{"Transfer-Encoding", "chunked"}},
                           "3;ext=" + std::string(500, 'e') +
                               "\r\nabc\r\n0\r\nX-T: " + std::string(500, 't') + "\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "3");
}

// Verifies a client uploading more than max_body_bytes reads its 413 rather than a reset:
// the gateway answers from the header, then reads the rest of the body away before it
// closes (a close with unread bytes would reset the connection and lose the answer).
TEST_F(proxy_limits, oversized_upload_still_reads_its_413) {
  constexpr std::size_t size = 4u << 20;
  http_connection c(gw.port());
  c.send("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n" +
         std::string(size, 'u'));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413u);
  EXPECT_TRUE(c.wait_closed(2s));
  EXPECT_EQ(backend.requests(), 0u);
}

// Verifies slowloris: a header that never completes is cut at header_timeout.
TEST_F(proxy_limits, closes_slow_header) {
  http_connection c(gw.port());
  const auto start = std::chrono::steady_clock::now();
  c.send("GET / HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(c.wait_closed(3s) || c.unread().starts_with("HTTP/1.1 408"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace floodgate::test
