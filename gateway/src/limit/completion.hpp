#pragma once

// Completing a type-erased handler later, on its own executor, never inline.
//
// Boost 1.81's any_completion_executor cannot `require(blocking.never)`, so
// `post(append(handler, ...))` on an any_completion_handler does not compile,
// and `dispatch` would run the handler inline when the caller is already on
// that executor. So we look through the type erasure for the executor types a
// caller really uses and post to that; unknown executors go through the system
// executor first (e.g. use_future, whose handlers have no executor of their own).

#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_executor.hpp>

namespace floodgate::limit::detail {

/// Posts `handler(args...)` to the handler's associated executor; returns at once.
template <typename Signature, typename... Args>
void post_completion(boost::asio::any_completion_handler<Signature> handler, Args&&... args) {
  namespace net = boost::asio;
  const auto ex = net::get_associated_executor(handler);
  auto bound = net::append(std::move(handler), std::forward<Args>(args)...);
  // After the post, the handler is dispatched on its own executor, where we
  // then already are: it runs from the executor's queue, not from this call.
  if (const auto* io = ex.template target<net::io_context::executor_type>()) {
    net::post(*io, std::move(bound));
  } else if (const auto* any = ex.template target<net::any_io_executor>()) {
    net::post(*any, std::move(bound));
  } else if (const auto* io_strand =
                 ex.template target<net::strand<net::io_context::executor_type>>()) {
    net::post(*io_strand, std::move(bound));
  } else if (const auto* any_strand = ex.template target<net::strand<net::any_io_executor>>()) {
    net::post(*any_strand, std::move(bound));
  } else {
    net::post(net::system_executor(), std::move(bound));
  }
}

}  // namespace floodgate::limit::detail
