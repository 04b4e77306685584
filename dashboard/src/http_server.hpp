#pragma once

#include <functional>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "reply.hpp"

namespace floodgate::dashboard {

/// HTTP/1.1 server (Beast, one coroutine per connection, keep-alive).
///
/// Sockets live on `io`; each request's `handler` runs on `workers`, because the
/// handlers block on PostgreSQL and the accepting thread must never block. The
/// connection coroutine resumes on `io` once the reply is ready.
class http_server {
 public:
  /// Called on a worker thread with the method and request target; must not throw.
  using handler = std::function<reply(std::string_view method, std::string_view target)>;

  /// Binds and listens on `endpoint` (throws boost::system::system_error on failure).
  http_server(boost::asio::io_context& io, boost::asio::thread_pool& workers,
              const boost::asio::ip::tcp::endpoint& endpoint, handler h);

  /// The bound address (useful with port 0).
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

  /// Starts accepting on `io`.
  void start();

  /// Stops accepting; open connections finish their current request. Call on `io`.
  void stop();

 private:
  boost::asio::io_context& io_;
  boost::asio::thread_pool& workers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  handler handler_;
};

}  // namespace floodgate::dashboard
