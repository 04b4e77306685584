#include "http_server.hpp"

#include <variant>

#include <chrono>
#include <exception>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "blocking_call.hpp"

namespace floodgate::dashboard {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Errors stay values: `auto [ec, n] = co_await ...`.
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

constexpr std::chrono::seconds read_timeout{30};
constexpr std::chrono::seconds write_timeout{30};
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::uint64_t body_limit = 16 * 1024;  // the dashboard takes no request bodies

http::response<http::string_body> to_response(reply r, bool head, unsigned version,
                                              bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "floodgate-dashboard");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, r.cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  // Everything the page needs is served from here; nothing inline, nothing remote.
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
  if (r.status == 405) res.set(http::field::allow, "GET, HEAD");
  res.keep_alive(keep_alive);
  const auto size = r.body.size();
  if (!head) res.body() = std::move(r.body);
  res.content_length(size);
  return res;
}

// A request that does not parse gets a reply (like any HTTP server) and then the
// connection is closed, since the stream position is unknown.
reply parse_error_reply(const beast::error_code& ec) {
  if (ec == http::error::header_limit) {
    return error_reply(431, "header_too_large", "request header too large");
  }
  if (ec == http::error::body_limit) return error_reply(413, "body_too_large", "body too large");
  return error_reply(400, "bad_request", "malformed HTTP request");
}

struct lanes {
  net::thread_pool& api;
  net::thread_pool& health;
};

net::awaitable<void> run_session(beast::tcp_stream stream, lanes workers,
                                 const http_server::handler& handle) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    stream.expires_after(read_timeout);
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (read_ec == http::error::end_of_stream || read_ec == beast::error::timeout ||
        read_ec == net::error::connection_reset || read_ec == net::error::operation_aborted) {
      break;
    }
    const bool parsed = !read_ec;
    reply r;
    if (parsed) {
      const auto& req = parser.get();
      auto decided = handle(req.method_string(), req.target());
      if (auto* now = std::get_if<reply>(&decided)) {
        r = std::move(*now);  // no PostgreSQL needed: answered here, never queued
      } else {
        auto& blocking = std::get<blocking_request>(decided);
        auto& pool = blocking.on == lane::health ? workers.health : workers.api;
        r = co_await run_blocking(std::move(blocking), pool);
      }
    } else {
      r = parse_error_reply(read_ec);
    }
    const bool keep_alive = parsed && parser.get().keep_alive();
    const bool head = parsed && parser.get().method() == http::verb::head;
    const unsigned version = parsed ? parser.get().version() : 11;
    auto res = to_response(std::move(r), head, version, keep_alive);
    stream.expires_after(write_timeout);
    auto [write_ec, write_n] = co_await http::async_write(stream, res, use_tuple);
    if (write_ec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

http_server::http_server(net::io_context& io, net::thread_pool& api_workers,
                         net::thread_pool& health_workers, const tcp::endpoint& endpoint, handler h)
    : io_(io),
      api_workers_(api_workers),
      health_workers_(health_workers),
      acceptor_(io),
      handler_(std::move(h)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint http_server::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void http_server::start() {
  net::co_spawn(
      io_,
      [this]() -> net::awaitable<void> {
        while (acceptor_.is_open()) {
          // Each connection gets its own strand (STYLE §4), so the server may run
          // on more than one io thread without changing this code.
          auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(io_), use_tuple);
          if (ec == net::error::operation_aborted) break;
          if (ec) {
            // E.g. out of file descriptors: keep serving the connections we have, and
            // pause so the loop does not spin while the condition lasts.
            spdlog::warn("accept: {}", ec.message());
            net::steady_timer pause(io_, std::chrono::milliseconds(100));
            co_await pause.async_wait(use_tuple);
            continue;
          }
          auto executor = socket.get_executor();
          net::co_spawn(executor,
                        run_session(beast::tcp_stream(std::move(socket)),
                                    lanes{api_workers_, health_workers_}, handler_),
                        [](const std::exception_ptr& e) {
                          if (!e) return;
                          try {
                            std::rethrow_exception(e);
                          } catch (const std::exception& ex) {
                            spdlog::error("connection ended by an exception: {}", ex.what());
                          }
                        });
        }
      },
      [](const std::exception_ptr& e) {
        if (e) spdlog::error("accept loop ended by an exception");
      });
}

void http_server::stop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace floodgate::dashboard
