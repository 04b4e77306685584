#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "router.hpp"

namespace floodgate::dashboard {

/// Runs `request.work` on `workers` and awaits its reply, but never longer than the
/// request's deadlines: a request no worker took within `start_within` is dropped from the
/// queue, one not finished within `answer_within` is left to finish on its own, and both
/// get `if_late`. So a stuck PostgreSQL holds worker threads, never the client. Resumes
/// on the calling coroutine's executor.
[[nodiscard]] boost::asio::awaitable<reply> run_blocking(blocking_request request,
                                                         boost::asio::thread_pool& workers);

}  // namespace floodgate::dashboard
