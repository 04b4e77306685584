#include "http/server.hpp"

#include <stdexcept>
#include <string>

#include <sys/socket.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "http/worker.hpp"

namespace floodgate::http {

namespace {

using reuse_port = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

net::tcp::endpoint resolve_listen(boost::asio::io_context& ctx, const config::endpoint& where) {
  std::string host = where.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  net::error_code ec;
  const auto literal = boost::asio::ip::make_address(host, ec);
  if (!ec) return {literal, where.port};
  net::tcp::resolver resolver(ctx);
  auto results =
      resolver.resolve(host, std::to_string(where.port),
                       net::tcp::resolver::passive | net::tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot listen on " + where.host + ":" + std::to_string(where.port) +
                             ": " + (ec ? ec.message() : std::string("no address")));
  return results.begin()->endpoint();
}

void open_acceptor(net::tcp_acceptor& a, const net::tcp::endpoint& ep) {
  a.open(ep.protocol());
  a.set_option(net::tcp::acceptor::reuse_address(true));
  // Every worker binds the same address; the kernel balances connections.
  a.set_option(reuse_port(true));
  a.bind(ep);
  a.listen(boost::asio::socket_base::max_listen_connections);
}

}  // namespace

server::server(std::vector<boost::asio::io_context*> contexts,
               std::shared_ptr<request_handler> handler)
    : handler_(std::move(handler)), active_(std::make_shared<std::atomic<std::size_t>>(0)) {
  if (contexts.empty()) throw std::invalid_argument("http::server needs at least one io_context");
  for (auto* ctx : contexts) workers_.push_back(std::make_shared<worker>(*ctx, handler_, active_));
}

server::~server() = default;

void server::listen(const config::endpoint& where) {
  auto ep = resolve_listen(workers_.front()->context, where);
  for (auto& w : workers_) {
    w->acceptor.emplace(w->context.get_executor());
    try {
      open_acceptor(*w->acceptor, ep);
    } catch (const boost::system::system_error& e) {
      for (auto& other : workers_) other->acceptor.reset();
      throw std::runtime_error("cannot listen on " + where.host + ":" + std::to_string(where.port) +
                               ": " + e.code().message());
    }
    // Port 0: the first bind chose the port, the others share it.
    ep = w->acceptor->local_endpoint();
  }
  bound_ = ep;
  for (auto& w : workers_)
    boost::asio::co_spawn(w->context, w->accept_loop(w), boost::asio::detached);
}

boost::asio::ip::tcp::endpoint server::local_endpoint() const {
  return bound_;
}

void server::begin_drain() {
  for (auto& w : workers_) boost::asio::post(w->context, [w] { w->begin_drain(); });
}

std::size_t server::active_sessions() const noexcept {
  return active_->load(std::memory_order_relaxed);
}

void server::close_all() {
  for (auto& w : workers_) boost::asio::post(w->context, [w] { w->close_all(); });
}

}  // namespace floodgate::http
