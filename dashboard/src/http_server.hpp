#pragma once

#include <functional>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "router.hpp"

namespace floodgate::dashboard {

/// HTTP/1.1 server (Beast, one coroutine per connection, keep-alive).
///
/// Sockets live on `io`, where `handler` decides each request without blocking: a reply
/// made at once (the page, 404, ...) is sent from there; a blocking_request runs on the
/// worker threads of its lane (`api_workers`, `health_workers`), bounded by its
/// deadlines, and the connection coroutine resumes on `io` with the reply.
class http_server {
 public:
  /// Called on the I/O thread with the method and request target; must not throw or block.
  using handler = std::function<routed(std::string_view method, std::string_view target)>;

  /// Binds and listens on `endpoint` (throws boost::system::system_error on failure).
  http_server(boost::asio::io_context& io, boost::asio::thread_pool& api_workers,
              boost::asio::thread_pool& health_workers,
              const boost::asio::ip::tcp::endpoint& endpoint, handler h);

  /// The bound address (useful with port 0).
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

  /// Starts accepting on `io`.
  void start();

  /// Stops accepting; open connections finish their current request. Call on `io`.
  void stop();

 private:
  boost::asio::io_context& io_;
  boost::asio::thread_pool& api_workers_;
  boost::asio::thread_pool& health_workers_;
  boost::asio::ip::tcp::acceptor acceptor_;
  handler handler_;
};

}  // namespace floodgate::dashboard
