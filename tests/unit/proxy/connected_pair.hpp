#pragma once

// A timed_stream connected over loopback to a plain socket the test writes with,
// and a way to run a coroutine on their io_context to its end.

#include <chrono>
#include <exception>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "proxy/timed_stream.hpp"

namespace floodgate::net {

struct connected_pair {
  asio::io_context ioc;
  tcp_acceptor acceptor{ioc.get_executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  timed_stream client{ioc.get_executor()};
  std::optional<tcp_socket> server;

  connected_pair() {
    client.socket().connect(acceptor.local_endpoint());
    server.emplace(acceptor.accept());
  }

  // Runs `body` as a coroutine to completion (at most 5 s); returns how long it took.
  template <typename Body>
  clock::duration run(Body body) {
    const auto start = clock::now();
    // Stop when the body is done: a timer still armed must not hold the test.
    asio::co_spawn(ioc, body(), [this](std::exception_ptr e) {
      ioc.stop();
      if (e) std::rethrow_exception(e);
    });
    ioc.run_for(std::chrono::seconds(5));
    return clock::now() - start;
  }
};

}  // namespace floodgate::net
