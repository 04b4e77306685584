#pragma once

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "http/request_handler.hpp"
#include "proxy/async.hpp"
#include "proxy/upstream_pool.hpp"

namespace floodgate::http {

class session;

/// What one io_context (one worker thread) owns: its acceptor, its upstream
/// pool and the list of its open sessions. Touched only on that io_context,
/// except the shared `active` counter. Sessions hold it by shared_ptr, so it
/// outlives every session frame still queued in the io_context.
class worker {
 public:
  worker(boost::asio::io_context& ctx, std::shared_ptr<request_handler> handler,
         std::shared_ptr<std::atomic<std::size_t>> active);

  boost::asio::io_context& context;
  std::shared_ptr<request_handler> handler;
  std::shared_ptr<std::atomic<std::size_t>> active;  // sessions, all workers
  proxy::upstream_pool pool;
  std::optional<net::tcp_acceptor> acceptor;
  std::list<session*> sessions;
  bool draining = false;

  /// Accepts connections until the acceptor is closed.
  net::awaitable<void> accept_loop(std::shared_ptr<worker> self);
  /// Closes the acceptor, drains every session, closes idle upstream connections.
  void begin_drain();
  /// Closes every session and pooled connection.
  void close_all();
};

}  // namespace floodgate::http
