#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config/config.hpp"
#include "http/request_handler.hpp"

namespace floodgate::http {

class worker;

/// The gateway's HTTP/1.1 listener and its downstream sessions.
///
/// One acceptor per io_context, all bound to the same address with SO_REUSEPORT
/// (nginx's `reuseport`): the kernel spreads connections over the worker threads
/// and a connection then lives on one io_context only, so sessions and the
/// per-thread upstream pools need no locks. Each io_context is expected to be run
/// by exactly one thread (concurrency hint 1).
///
/// Thread safety: construct, `listen` and destroy from one thread while the
/// io_contexts are not running, or from any thread once they are (the work is
/// posted to each context); `begin_drain`, `close_all` and `active_sessions` may be
/// called from any thread.
class server {
 public:
  /// `contexts` must outlive the server; `handler` decides every request.
  server(std::vector<boost::asio::io_context*> contexts, std::shared_ptr<request_handler> handler);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds the listener on every io_context and starts accepting. Port 0 picks a
  /// free port (see `local_endpoint`). Throws std::runtime_error naming the address
  /// and the cause when binding fails (address in use, bad host).
  void listen(const config::endpoint& where);

  /// The bound address (after `listen`).
  [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

  /// Stops accepting; every session finishes its in-flight exchange, answers it
  /// with `Connection: close` and closes; idle keep-alive connections close now.
  /// Returns at once: poll `active_sessions()` to know when the drain is over.
  void begin_drain();

  /// Sessions still open, all threads together.
  [[nodiscard]] std::size_t active_sessions() const noexcept;

  /// After the drain timeout: closes every connection (downstream and pooled
  /// upstream) at once; their sessions end with on_complete(0) where pending.
  void close_all();

 private:
  std::vector<std::shared_ptr<worker>> workers_;
  std::shared_ptr<request_handler> handler_;
  std::shared_ptr<std::atomic<std::size_t>> active_;
  boost::asio::ip::tcp::endpoint bound_;
};

}  // namespace floodgate::http
