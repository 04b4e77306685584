#include "blocking_call.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace floodgate::dashboard {
namespace {

namespace net = boost::asio;

enum class phase { queued, running, abandoned };

// Shared by the waiting coroutine and the worker; the timer and the result are only
// touched on the coroutine's executor, `progress` decides who owns a queued request.
struct call_state {
  explicit call_state(const net::any_io_executor& ex) : timer(ex) {}
  net::steady_timer timer;
  std::optional<reply> result;
  std::atomic<phase> progress{phase::queued};
};

}  // namespace

net::awaitable<reply> run_blocking(blocking_request request, net::thread_pool& workers) {
  const auto ex = co_await net::this_coro::executor;
  const auto started = std::chrono::steady_clock::now();
  auto state = std::make_shared<call_state>(ex);
  net::post(workers, [state, ex, work = std::move(request.work)] {
    auto expected = phase::queued;
    // The client was already answered: a query nobody waits for would only add load.
    if (!state->progress.compare_exchange_strong(expected, phase::running)) return;
    reply r = work();
    net::post(ex, [state, r = std::move(r)]() mutable {
      state->result = std::move(r);
      state->timer.cancel();
    });
  });
  constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
  state->timer.expires_at(started + request.start_within);
  co_await state->timer.async_wait(use_tuple);
  if (state->result) co_return std::move(*state->result);
  auto expected = phase::queued;
  if (state->progress.compare_exchange_strong(expected, phase::abandoned)) {
    co_return std::move(request.if_late);
  }
  state->timer.expires_at(started + request.answer_within);
  co_await state->timer.async_wait(use_tuple);
  if (state->result) co_return std::move(*state->result);
  co_return std::move(request.if_late);
}

}  // namespace floodgate::dashboard
