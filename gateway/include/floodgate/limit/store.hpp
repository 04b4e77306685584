#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/verdict.hpp>

namespace floodgate::limit {

/// Completion signature of every store check.
using check_signature = void(boost::system::error_code, verdict);

/// The outcome of a check answered at once (store::try_check_now).
struct immediate_check {
  boost::system::error_code ec;
  verdict v;
};

/// Where limit state lives: process memory (memory_store) or Redis (redis_store).
///
/// A store decides all limits of one key at once, atomically: either every
/// limit allows and each consumes one request, or the check is denied and no
/// limit consumes anything. The maths of every algorithm is in docs/limiter.md.
///
/// For implementers: Boost 1.81's any_completion_executor cannot
/// `require(blocking.never)`, so `post(append(handler, ...))` does not compile
/// and `dispatch` may run the handler inline. Post to an executor of your own
/// (e.g. a connection's) and let Asio dispatch to the handler's from there, or
/// use detail::post_completion (gateway/src/limit/completion.hpp).
class store {
 public:
  virtual ~store() = default;

  /// Checks `limits` for `key` (already namespaced by the caller, e.g. "route:client").
  ///
  /// `limits` must stay alive until completion. The handler is never invoked
  /// inline from this call: it runs later on the handler's associated executor.
  /// Errors (Redis unavailable, timeout, script error) come as error_code with
  /// a default verdict. Thread safe.
  template <typename CompletionToken>
  auto async_check(std::string_view key, std::span<const limit_spec> limits,
                   CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, check_signature>(
        [this](auto handler, std::string_view k, std::span<const limit_spec> l) {
          do_check(k, l, boost::asio::any_completion_handler<check_signature>(std::move(handler)));
        },
        token, key, limits);
  }

  /// The same check, answered on the caller's thread when the store needs no
  /// I/O to answer it (the memory store always; the Redis store when a cached
  /// denial answers), or nullopt when it does: then call async_check. Saves the
  /// completion's allocation, queueing and resumption for the common case.
  /// Thread safe.
  [[nodiscard]] virtual std::optional<immediate_check> try_check_now(
      std::string_view key, std::span<const limit_spec> limits) {
    (void)key;
    (void)limits;
    return std::nullopt;
  }

 private:
  virtual void do_check(std::string_view key, std::span<const limit_spec> limits,
                        boost::asio::any_completion_handler<check_signature> handler) = 0;
};

}  // namespace floodgate::limit
