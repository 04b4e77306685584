#include "backend_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/write.hpp>
#include <charconv>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace floodgate::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using token_t = asio::as_tuple_t<asio::use_awaitable_t<>>;
using executor = token_t::executor_with_default<asio::any_io_executor>;
using stream_t = beast::basic_stream<tcp, executor, beast::unlimited_rate_policy>;

struct backend_server::counters {
  std::string name;
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> sink_bytes{0};
};

struct backend_server::impl {
  asio::io_context ioc;
  std::optional<asio::basic_socket_acceptor<tcp, executor>> acceptor;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
};

namespace {

using request_parser = http::request_parser<http::buffer_body>;
using response = http::response<http::string_body>;

std::uint64_t query_number(std::string_view target, std::string_view key, std::uint64_t fallback) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return fallback;
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    if (item.size() > key.size() && item.substr(0, key.size()) == key && item[key.size()] == '=') {
      std::uint64_t v = fallback;
      const auto text = item.substr(key.size() + 1);
      std::from_chars(text.data(), text.data() + text.size(), v);
      return v;
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return fallback;
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string pattern_bytes(std::uint64_t n) {
  std::string s(n, 'a');
  for (std::uint64_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

struct body_summary {
  std::uint64_t length = 0;
  std::uint64_t fnv = 1469598103934665603ull;
  std::string prefix;
};

// Reads the rest of a request body in pieces, never holding it whole.
asio::awaitable<std::optional<body_summary>> read_body(stream_t& s, beast::flat_buffer& b,
                                                       request_parser& p,
                                                       std::atomic<std::uint64_t>* live) {
  body_summary sum;
  std::vector<char> chunk(64 * 1024);
  while (!p.is_done()) {
    p.get().body().data = chunk.data();
    p.get().body().size = chunk.size();
    auto [ec, n] = co_await http::async_read(s, b, p);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return std::nullopt;
    const auto got = chunk.size() - p.get().body().size;
    for (std::size_t i = 0; i < got; ++i) {
      sum.fnv = (sum.fnv ^ static_cast<unsigned char>(chunk[i])) * 1099511628211ull;
    }
    if (sum.prefix.size() < 32)
      sum.prefix.append(chunk.data(), std::min<std::size_t>(got, 32 - sum.prefix.size()));
    sum.length += got;
    if (live) live->fetch_add(got, std::memory_order_relaxed);
  }
  co_return sum;
}

std::string echo_text(const request_parser& p, const body_summary& body) {
  const auto& req = p.get();
  std::string out;
  out += "method " + std::string(req.method_string()) + "\n";
  out += "target " + std::string(req.target()) + "\n";
  out += "version " + std::to_string(req.version()) + "\n";
  out += "body_length " + std::to_string(body.length) + "\n";
  out += std::string("body_chunked ") + (p.chunked() ? "1" : "0") + "\n";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(body.fnv));
  out += std::string("body_fnv1a ") + hex + "\n";
  out += "body_prefix " + body.prefix + "\n";
  for (const auto& f : req) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += "header " + name + ": " + std::string(f.value()) + "\n";
  }
  return out;
}

asio::awaitable<void> websocket_echo(stream_t stream, http::request<http::empty_body> req) {
  beast::websocket::stream<stream_t> ws(std::move(stream));
  ws.set_option(beast::websocket::stream_base::timeout::suggested(beast::role_type::server));
  auto [aec] = co_await ws.async_accept(req);
  if (aec) co_return;
  beast::flat_buffer buffer;
  for (;;) {
    auto [rec, n] = co_await ws.async_read(buffer);
    if (rec) co_return;
    ws.text(ws.got_text());
    auto [wec, m] = co_await ws.async_write(buffer.data());
    if (wec) co_return;
    buffer.consume(buffer.size());
  }
}

// Writes a body of `n` bytes with no length: the end is the connection closing.
asio::awaitable<void> write_until_eof(stream_t& s, const std::string& name, std::uint64_t n) {
  std::string head = "HTTP/1.1 200 OK\r\nX-Backend: " + name + "\r\nConnection: close\r\n\r\n";
  head += pattern_bytes(n);
  co_await asio::async_write(s, asio::buffer(head));
  boost::system::error_code ignored;
  s.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// `n` chunks "chunk <i>\n"; with `extras`, each chunk also carries an extension
// (";i=<i>") and the last chunk a trailer section (X-Checksum, X-Count).
asio::awaitable<void> write_chunked(stream_t& s, const std::string& name, std::uint64_t n,
                                    bool keep_alive, bool extras, std::uint64_t delay_ms) {
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set("X-Backend", name);
  res.chunked(true);
  res.keep_alive(keep_alive);
  if (extras) res.set(http::field::trailer, "X-Checksum, X-Count");
  http::response_serializer<http::empty_body> sr{res};
  co_await http::async_write_header(s, sr);
  for (std::uint64_t i = 0; i < n; ++i) {
    if (delay_ms > 0) {
      asio::steady_timer t(s.get_executor());
      t.expires_after(std::chrono::milliseconds(delay_ms));
      co_await t.async_wait(token_t{});
    }
    const std::string piece = "chunk " + std::to_string(i) + "\n";
    if (extras) {
      http::chunk_extensions ext;
      ext.insert("i", std::to_string(i));
      co_await asio::async_write(s, http::make_chunk(asio::buffer(piece), ext));
    } else {
      co_await asio::async_write(s, http::make_chunk(asio::buffer(piece)));
    }
  }
  if (extras) {
    http::fields trailer;
    trailer.set("X-Checksum", "42");
    trailer.set("X-Count", std::to_string(n));
    co_await asio::async_write(s, http::make_chunk_last(trailer));
  } else {
    co_await asio::async_write(s, http::make_chunk_last());
  }
}

asio::awaitable<void> serve(stream_t stream, std::shared_ptr<backend_server::counters> c) {
  c->connections.fetch_add(1);
  c->open.fetch_add(1);
  struct closer {
    backend_server::counters& c;
    ~closer() { c.open.fetch_sub(1); }
  } on_exit{*c};
  beast::flat_buffer buffer;
  for (;;) {
    request_parser p;
    p.body_limit(boost::none);
    stream.expires_after(std::chrono::seconds(60));
    auto [ec, n] = co_await http::async_read_header(stream, buffer, p);
    if (ec) co_return;
    c->requests.fetch_add(1);
    const std::string target(p.get().target());
    const auto path = path_of(target);
    const bool keep_alive = p.get().keep_alive();
    stream.expires_never();

    if (path == "/close") co_return;
    if (path == "/switch") {
      // 101 to a request that asked for no upgrade (a misbehaving server).
      static constexpr std::string_view switching =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n";
      co_await asio::async_write(stream, asio::buffer(switching), token_t{});
      co_return;
    }
    if (path == "/refuse-body") {
      // Answers from the header alone and closes with the body unread, so the kernel
      // resets the connection under the client still sending it (as a server refusing
      // an upload does).
      static constexpr std::string_view refused =
          "HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 7\r\n\r\n"
          "refused";
      co_await asio::async_write(stream, asio::buffer(refused), token_t{});
      co_return;
    }
    if (path == "/ws" && beast::websocket::is_upgrade(p.get())) {
      http::request<http::empty_body> req{std::move(p.get().base())};
      co_await websocket_echo(std::move(stream), std::move(req));
      co_return;
    }
    auto body = co_await read_body(stream, buffer, p, path == "/sink" ? &c->sink_bytes : nullptr);
    if (!body) co_return;

    if (path == "/hop") {
      // Hop-by-hop fields, one of them named in a Connection header that comes after
      // it: a proxy that decides field by field as it parses would forward X-Hop.
      static constexpr std::string_view hop =
          "HTTP/1.1 200 OK\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
          "Proxy-Authenticate: Basic\r\nX-End-To-End: kept\r\nUpgrade: h2c\r\n"
          "Connection: keep-alive, X-Hop\r\nContent-Length: 3\r\n\r\nhop";
      auto [wec, m] = co_await asio::async_write(stream, asio::buffer(hop), token_t{});
      if (wec) co_return;
      continue;
    }
    if (path == "/no-reason") {
      // A status line that ends at its code, without the space before the (empty)
      // reason; ?split=N sends its first N bytes, then the rest 50 ms later.
      static constexpr std::string_view bare = "HTTP/1.1 200\r\nContent-Length: 9\r\n\r\nno reason";
      const auto split = std::min<std::size_t>(query_number(target, "split", 0), bare.size());
      auto [wec, m] =
          co_await asio::async_write(stream, asio::buffer(bare.substr(0, split)), token_t{});
      if (wec) co_return;
      if (split != 0) {
        asio::steady_timer t(stream.get_executor());
        t.expires_after(std::chrono::milliseconds(50));
        co_await t.async_wait(token_t{});
      }
      std::tie(wec, m) =
          co_await asio::async_write(stream, asio::buffer(bare.substr(split)), token_t{});
      if (wec) co_return;
      continue;
    }
    if (path == "/eof") {
      co_await write_until_eof(stream, c->name, query_number(target, "n", 100));
      co_return;
    }
    if (path == "/chunked") {
      co_await write_chunked(stream, c->name, query_number(target, "n", 3), keep_alive,
                             query_number(target, "extras", 0) != 0,
                             query_number(target, "delay_ms", 0));
      if (!keep_alive) co_return;
      continue;
    }
    response res{http::status::ok, 11};
    res.set("X-Backend", c->name);
    res.set(http::field::content_type, "text/plain");
    if (path == "/echo") {
      res.body() = echo_text(p, *body);
    } else if (path.starts_with("/status/")) {
      unsigned code = 200;
      const auto text = path.substr(8);
      std::from_chars(text.data(), text.data() + text.size(), code);
      res.result(code);
      if (code >= 200 && code != 204 && code != 304) res.body() = "status " + std::string(text);
    } else if (path == "/slow") {
      asio::steady_timer t(stream.get_executor());
      t.expires_after(std::chrono::milliseconds(query_number(target, "ms", 1000)));
      co_await t.async_wait(token_t{});
      res.body() = "slow";
    } else if (path == "/own-limits") {
      // A backend that sends rate-limit fields of its own (and a Retry-After);
      // ?chunked=1 makes the head one the gateway leaves to Beast's parser.
      res.set("X-RateLimit-Limit", "1000");
      res.set("X-RateLimit-Remaining", "999");
      res.set("X-RateLimit-Reset", "1");
      res.set("X-RateLimit-Strategy", "upstream");
      res.set("RateLimit-Policy", "\"up\";q=1000;w=1");
      res.set("RateLimit", "\"up\";r=999;t=1");
      res.set(http::field::retry_after, "7");
      res.set("X-Other", "kept");
      res.body() = "own";
      res.chunked(query_number(target, "chunked", 0) != 0);
    } else if (path == "/bytes") {
      res.body() = pattern_bytes(query_number(target, "n", 1024));
    } else if (path == "/sink") {
      res.body() = std::to_string(body->length);
    } else {
      res.body() = "ok";
    }
    res.keep_alive(keep_alive);
    if (!res.chunked()) res.prepare_payload();
    if (path == "/then-close") {
      // A keep-alive response and the close in one segment (corked until the
      // shutdown), as a server that silently ends a connection after a response.
      const int cork = 1;
      setsockopt(stream.socket().native_handle(), IPPROTO_TCP, TCP_CORK, &cork, sizeof cork);
      co_await http::async_write(stream, res, token_t{});
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    if (p.get().method() == http::verb::head) {
      http::response_serializer<http::string_body> sr{res};
      auto [wec, m] = co_await http::async_write_header(stream, sr);
      if (wec) co_return;
    } else {
      auto [wec, m] = co_await http::async_write(stream, res);
      if (wec) co_return;
    }
    if (!keep_alive) {
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    if (path == "/unsolicited") {
      // Like a server timing out an idle keep-alive connection with a 408 before
      // closing it: bytes nobody asked for wait on the connection, then EOF.
      asio::steady_timer t(stream.get_executor());
      t.expires_after(std::chrono::milliseconds(query_number(target, "ms", 200)));
      co_await t.async_wait(token_t{});
      static constexpr std::string_view timeout =
          "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
      co_await asio::async_write(stream, asio::buffer(timeout), token_t{});
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
  }
}

asio::awaitable<void> accept_loop(asio::basic_socket_acceptor<tcp, executor>& acceptor,
                                  std::shared_ptr<backend_server::counters> c) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept();
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(acceptor.get_executor(), serve(stream_t(std::move(socket)), c), asio::detached);
  }
}

}  // namespace

backend_server::backend_server(std::string name, std::uint16_t port, std::string host,
                               unsigned threads)
    : counters_(std::make_shared<counters>()), impl_(std::make_unique<impl>()) {
  counters_->name = std::move(name);
  auto& acceptor = impl_->acceptor.emplace(impl_->ioc.get_executor());
  const tcp::endpoint ep{asio::ip::make_address(host), port};
  acceptor.open(ep.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen();
  impl_->port = acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, accept_loop(acceptor, counters_), asio::detached);
  for (unsigned i = 0; i < std::max(threads, 1u); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

backend_server::~backend_server() {
  stop();
}

void backend_server::stop() {
  if (impl_->threads.empty()) return;
  asio::post(impl_->ioc, [this] {
    boost::system::error_code ignored;
    impl_->acceptor->close(ignored);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

std::uint16_t backend_server::port() const noexcept {
  return impl_->port;
}
const std::string& backend_server::name() const noexcept {
  return counters_->name;
}
std::uint64_t backend_server::requests() const noexcept {
  return counters_->requests.load();
}
std::uint64_t backend_server::connections() const noexcept {
  return counters_->connections.load();
}
std::uint64_t backend_server::open_connections() const noexcept {
  return counters_->open.load();
}
std::uint64_t backend_server::sink_bytes() const noexcept {
  return counters_->sink_bytes.load();
}

}  // namespace floodgate::test
