#include "http/session.hpp"

#include <exception>
#include <functional>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/write.hpp>

#include "http/error_status.hpp"
#include "http/worker.hpp"
#include "proxy/address_text.hpp"
#include "proxy/drained_read.hpp"
#include "proxy/error.hpp"
#include "proxy/forward.hpp"
#include "proxy/header_rewrite.hpp"
#include "proxy/relay.hpp"
#include "text/route_path.hpp"

namespace floodgate::http {

namespace {

constexpr std::size_t relay_chunk_bytes = 16 * 1024;
// A locally answered request (429, 404, /metrics) may carry a body; up to this
// much is read and dropped to keep the connection, beyond it the connection closes.
constexpr std::uint64_t max_discarded_body = 64 * 1024;
// Lingering close (NGINX's lingering_timeout and lingering_time): how long to go on
// reading a refused request body after the answer, between reads and in all.
constexpr auto linger_timeout = std::chrono::seconds(5);
constexpr auto linger_time = std::chrono::seconds(30);

// Calls plan.on_complete exactly once: with the status sent, or 0 when the
// exchange ended without one (client gone, exception, close_all).
class completion {
 public:
  explicit completion(std::function<void(unsigned)> f) : f_(std::move(f)) {}
  completion(const completion&) = delete;
  completion& operator=(const completion&) = delete;
  ~completion() { done(0); }

  void done(unsigned status) noexcept {
    if (!f_) return;
    auto f = std::move(f_);
    f_ = nullptr;
    try {
      f(status);
    } catch (const std::exception& e) {
      spdlog::error("on_complete threw: {}", e.what());
    }
  }

 private:
  std::function<void(unsigned)> f_;
};

bool quiet_close(const net::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == boost::asio::error::connection_reset ||
         ec == boost::asio::error::operation_aborted || ec == beast_http::error::partial_message;
}

}  // namespace

session::session(std::shared_ptr<worker> owner, net::tcp_socket socket, std::uint64_t id)
    : owner_(std::move(owner)), stream_(std::move(socket)), id_(id) {
  owner_->sessions.push_front(this);
  registration_ = owner_->sessions.begin();
  owner_->active->fetch_add(1, std::memory_order_relaxed);
  draining_ = owner_->draining;
}

session::~session() {
  owner_->sessions.erase(registration_);
  owner_->active->fetch_sub(1, std::memory_order_relaxed);
}

void session::start() {
  auto self = shared_from_this();
  boost::asio::co_spawn(
      owner_->context, run(),
      boost::asio::bind_cancellation_slot(cancel_.slot(), [self](std::exception_ptr e) {
        // An exception here is a bug: log it with the connection, close only it.
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const boost::system::system_error& x) {
          if (x.code() == boost::asio::error::operation_aborted) return;  // close_all
          spdlog::error("connection {}: {}", self->id_, x.what());
        } catch (const std::exception& x) {
          spdlog::error("connection {}: {}", self->id_, x.what());
        } catch (...) {
          spdlog::error("connection {}: unknown exception", self->id_);
        }
        net::error_code ignored;
        self->stream_.socket().close(ignored);
      }));
}

void session::drain() {
  draining_ = true;
  if (idle_) stream_.cancel();
}

void session::close() {
  draining_ = true;
  cancel_.emit(boost::asio::cancellation_type::terminal);
  net::error_code ignored;
  stream_.socket().close(ignored);
}

std::span<char> session::chunk() {
  if (chunk_.empty()) chunk_.resize(relay_chunk_bytes);
  return chunk_;
}

net::awaitable<void> session::run() {
  net::error_code ec;
  peer_ = stream_.socket().remote_endpoint(ec).address();
  // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; policy and
  // X-Forwarded-For want the plain IPv4 address.
  if (peer_.is_v6() && peer_.to_v6().is_v4_mapped())
    peer_ = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, peer_.to_v6());
  peer_text_ = proxy::address_text(peer_);  // once per connection, not per request
  stream_.socket().set_option(net::tcp::no_delay(true), ec);
  net::enable_drain_reports(stream_.socket().native_handle());
  bool request_left_unread = false;
  for (bool first = true; !draining_; first = false) {
    request_parser parser;
    if (co_await serve_one(parser, first)) continue;
    request_left_unread = parser.got_some() && !parser.is_done();
    break;
  }
  // Graceful close: our FIN goes after the last response.
  stream_.socket().shutdown(net::tcp::socket::shutdown_send, ec);
  if (request_left_unread) co_await linger();
  stream_.socket().close(ec);
}

net::awaitable<void> session::linger() {
  // The client may still be sending the body of a request we answered without reading
  // it (a 429 or 413 to an upload). Closing with its bytes unread makes our kernel send
  // a reset, and a reset makes the client's kernel drop the answer it has not read yet,
  // so it would see "connection reset" instead of the 429 and its Retry-After. As NGINX
  // does, read and drop until the client closes, within bounds.
  const auto until = net::clock::now() + linger_time;
  const auto scratch = chunk();
  for (;;) {
    stream_.expires_at(std::min(until, net::clock::now() + linger_timeout));
    auto [ec, n] =
        co_await stream_.async_read_some(boost::asio::buffer(scratch.data(), scratch.size()));
    if (ec) co_return;
  }
}

net::awaitable<bool> session::serve_one(request_parser& parser, bool first) {
  const auto cfg = owner_->handler->current_config();
  const auto& limits = cfg->server;
  io_timeout_ = limits.idle_timeout;
  max_framing_bytes_ = limits.max_header_bytes;

  apply_limits(parser, limits);
  idle_ = buffer_.size() == 0;
  auto header =
      co_await read_request_header(stream_, buffer_, parser, limits,
                                   first ? limits.header_timeout : limits.idle_timeout, &idle_);
  idle_ = false;
  if (header.ec) {
    if (!header.received_any || quiet_close(header.ec)) co_return false;
    co_return co_await answer_error(header.ec, parser.get(), false);
  }

  auto& req = parser.get();
  std::string rewritten_path;
  const auto path = text::route_path(req.target(), rewritten_path);
  if (!path) co_return co_await answer_error(beast_http::error::bad_target, req, false);
  const request_context ctx{req, peer_, peer_text_, *path, net::clock::now()};
  // Not a conditional expression around co_await: GCC 12 mishandles the
  // temporaries of `c ? x : co_await y` in a coroutine.
  auto handling = owner_->handler->start(ctx);
  if (!handling.ready) handling.ready.emplace(co_await std::move(*handling.pending));
  plan& pl = *handling.ready;
  completion complete{std::move(pl.on_complete)};
  const bool keep_alive = req.keep_alive() && !draining_;

  if (pl.local) {
    const auto status = pl.local->result_int();
    const bool keep = co_await answer_local(parser, pl, keep_alive);
    complete.done(status);
    co_return keep;
  }
  if (!pl.upstream) {
    const auto ec = make_error_code(proxy::errc::no_upstream);
    const bool keep = co_await answer_error(ec, req, false);
    complete.done(static_cast<unsigned>(error_status(ec)));
    co_return keep;
  }

  const proxy::downstream down{stream_,
                               buffer_,
                               parser,
                               peer_text_,
                               chunk(),
                               request_head_,
                               response_head_,
                               keep_alive,
                               io_timeout_,
                               &draining_,
                               limits.max_header_bytes};
  auto r = co_await proxy::forward(owner_->pool, down, *pl.upstream, pl.response_headers,
                                   limits.upstream_pool_size);
  if (!r.ec) {
    complete.done(r.status);
    co_return r.keep_alive && !draining_;
  }
  if (r.response_started || (r.failed_downstream && quiet_close(r.ec))) {
    complete.done(r.response_started ? r.status : 0);
    co_return false;
  }
  // Nothing went downstream yet: answer 400/413 (client) or 502/504 (upstream).
  // Keep the connection only if the request was read whole.
  const bool keep = parser.is_done() && keep_alive && !r.failed_downstream;
  auto res = error_response(error_status(r.ec), keep, req.version());
  proxy::append_fields(res, pl.response_headers);
  const bool written = co_await write_response(res, req.method() == beast_http::verb::head);
  complete.done(written ? res.result_int() : 0);
  co_return written&& keep;
}

net::awaitable<bool> session::answer_local(request_parser& p, plan& pl, bool keep_alive) {
  auto& res = *pl.local;
  if (!p.is_done()) {
    if (buffer_.size() == 0 &&
        boost::beast::iequals(p.get()[beast_http::field::expect], "100-continue")) {
      // The client waits for a 100 Continue before it sends the body: answer now instead
      // of waiting for a body that is not coming, and close, since the client may still
      // send it (run() lingers to read it away).
      keep_alive = false;
    } else {
      // Read and drop a small body so the connection can serve the next request.
      const proxy::relay_side in{stream_, buffer_,
                                 proxy::io_limit{net::clock::time_point::max(), io_timeout_},
                                 max_framing_bytes_};
      if (!co_await proxy::discard_body(p, in, chunk(), max_discarded_body)) keep_alive = false;
    }
  }
  proxy::append_fields(res, pl.response_headers);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  const bool written = co_await write_response(res, p.get().method() == beast_http::verb::head);
  co_return written&& keep_alive;
}

net::awaitable<bool> session::answer_error(const net::error_code& ec,
                                           const beast_http::request_header<>& req,
                                           bool keep_alive) {
  auto res = error_response(error_status(ec), keep_alive, req.version());
  // A HEAD's answer has no body, errors included (RFC 9110 §9.3.2); a request whose
  // request line did not parse reads as a GET here.
  const bool written = co_await write_response(res, req.method() == beast_http::verb::head);
  co_return written&& keep_alive;
}

net::awaitable<bool> session::write_response(beast_http::response<beast_http::string_body>& res,
                                             bool head) {
  stream_.expires_after(io_timeout_);
  if (head) {
    beast_http::serializer<false, beast_http::string_body> sr{res};
    auto [ec, n] = co_await beast_http::async_write_header(stream_, sr);
    co_return !ec;
  }
  auto [ec, n] = co_await beast_http::async_write(stream_, res);
  co_return !ec;
}

}  // namespace floodgate::http
