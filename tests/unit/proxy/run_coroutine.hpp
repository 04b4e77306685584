#pragma once

// Runs a test's coroutine on its own io_context, bounded in time, for tests whose
// subject may never complete (a request waiting on a lookup that never answers).

#include <chrono>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "proxy/async.hpp"

namespace floodgate::proxy::test {

/// Runs `body()` until it returns, or 5 s at most; anything it spawned and that is
/// still waiting then is simply not run any further.
template <typename Body>
void run_bounded(boost::asio::io_context& ioc, Body body) {
  boost::asio::co_spawn(ioc, body(), [&ioc](const std::exception_ptr& e) {
    ioc.stop();
    if (e) std::rethrow_exception(e);
  });
  ioc.run_for(std::chrono::seconds(5));
}

inline net::awaitable<void> pause(net::clock::duration d) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
  co_await timer.async_wait(net::token{});
}

}  // namespace floodgate::proxy::test
