#include "proxy/lookup_flight.hpp"

#include <algorithm>

#include <boost/asio/this_coro.hpp>

namespace floodgate::proxy {

namespace {

// Takes a waiter's timer off the list however its coroutine ends, so that finish()
// never cancels a timer that no longer exists.
class waiter_registration {
 public:
  waiter_registration(std::vector<boost::asio::steady_timer*>& waiters,
                      boost::asio::steady_timer& timer)
      : waiters_(waiters), timer_(&timer) {
    waiters_.push_back(timer_);
  }
  ~waiter_registration() { std::erase(waiters_, timer_); }
  waiter_registration(const waiter_registration&) = delete;
  waiter_registration& operator=(const waiter_registration&) = delete;

 private:
  std::vector<boost::asio::steady_timer*>& waiters_;
  boost::asio::steady_timer* timer_;
};

}  // namespace

net::awaitable<lookup_flight::outcome> lookup_flight::wait(net::clock::time_point deadline) {
  if (result_) co_return *result_;
  // Alive until this frame is gone, however it ends: the registration below refers to it.
  const auto self = shared_from_this();
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  {
    const waiter_registration registered(waiters_, timer);
    // Ends at the deadline, or earlier when finish() cancels it; either way the
    // result (if any) decides: a finish that comes as the timer fires still counts.
    co_await timer.async_wait(net::token{});
  }
  if (result_) co_return *result_;
  co_return outcome{boost::beast::error::timeout, {}};
}

void lookup_flight::finish(outcome result) {
  result_ = std::move(result);
  for (auto* timer : waiters_) timer->cancel();
}

}  // namespace floodgate::proxy
