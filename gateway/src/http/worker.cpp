#include "http/worker.hpp"

#include <atomic>
#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>

#include "http/session.hpp"

namespace floodgate::http {

namespace {

std::atomic<std::uint64_t> next_connection_id{1};

}  // namespace

worker::worker(boost::asio::io_context& ctx, std::shared_ptr<request_handler> h,
               std::shared_ptr<std::atomic<std::size_t>> a)
    : context(ctx), handler(std::move(h)), active(std::move(a)), pool(ctx.get_executor()) {}

net::awaitable<void> worker::accept_loop(std::shared_ptr<worker> self) {
  while (acceptor && acceptor->is_open()) {
    auto [ec, socket] = co_await acceptor->async_accept();
    if (ec == boost::asio::error::operation_aborted || !acceptor || !acceptor->is_open()) break;
    if (ec) {
      // Out of descriptors or a transient failure: say so and back off briefly
      // instead of spinning on an acceptor that keeps failing.
      spdlog::warn("accept failed: {}", ec.message());
      boost::asio::steady_timer pause(context, std::chrono::milliseconds(50));
      co_await pause.async_wait(net::token{});
      continue;
    }
    std::make_shared<session>(self, std::move(socket),
                              next_connection_id.fetch_add(1, std::memory_order_relaxed))
        ->start();
  }
}

void worker::begin_drain() {
  draining = true;
  if (acceptor) {
    net::error_code ignored;
    acceptor->close(ignored);
  }
  // drain() may end a session, which erases itself from the list: iterate a copy.
  const std::vector<session*> current(sessions.begin(), sessions.end());
  for (auto* s : current) s->drain();
  pool.clear();
}

void worker::close_all() {
  begin_drain();
  const std::vector<session*> current(sessions.begin(), sessions.end());
  for (auto* s : current) s->close();
  pool.clear();
}

}  // namespace floodgate::http
