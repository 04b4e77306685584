#pragma once

// One name lookup in flight, shared by every request that needs its answer. Each
// request waits until its own deadline only: the lookup itself cannot be cut short
// (name_lookup.hpp), and it goes on after they give up.

#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "proxy/async.hpp"
#include "proxy/name_lookup.hpp"

namespace floodgate::proxy {

/// Held by shared_ptr (the lookup's completion, the cache entry, each waiter). Not
/// thread safe: the lookup's completion and its waiters run on one io_context.
class lookup_flight : public std::enable_shared_from_this<lookup_flight> {
 public:
  struct outcome {
    net::error_code ec;
    endpoints addresses;
  };

  /// The lookup's outcome, or beast::error::timeout (what a connect past its
  /// deadline fails with) if `deadline` comes first.
  net::awaitable<outcome> wait(net::clock::time_point deadline);

  /// Records the outcome and wakes every waiter.
  void finish(outcome result);

 private:
  std::optional<outcome> result_;
  // The timers of the waiting requests, in their coroutine frames; a waiter removes
  // its own when it leaves (woken, timed out, or its frame destroyed).
  std::vector<boost::asio::steady_timer*> waiters_;
};

}  // namespace floodgate::proxy
