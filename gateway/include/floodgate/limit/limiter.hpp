#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

#include <floodgate/limit/circuit_breaker.hpp>
#include <floodgate/limit/store.hpp>

namespace floodgate::limit {

/// What the gateway does with a request (SPEC decision column / metric label).
enum class decision : std::uint8_t {
  allowed,
  blocked,
  shadow_blocked,
  fail_open,
  fail_closed,
  unlimited,
};
[[nodiscard]] std::string_view to_string(decision d) noexcept;

/// How a route behaves when its store is unusable.
enum class failure_mode : std::uint8_t { open, closed };

struct decision_result {
  decision what = decision::unlimited;
  verdict detail;                   // valid for allowed / blocked / shadow_blocked
  boost::system::error_code error;  // set for fail_open / fail_closed
};

using decide_signature = void(decision_result);

/// Policy above a store: circuit breaker + failure mode + shadow mode.
///
/// Store errors are counted by the breaker; while the circuit is open the store
/// is not called at all and the route's failure_mode decides. The limiter does
/// not time calls out: a store bounds its own calls (redis_store by redis.timeout).
/// Thread safe. The handler runs on its associated executor, never inline. The
/// limiter must outlive the decisions it has started.
class limiter {
 public:
  limiter(std::shared_ptr<store> s, breaker_options breaker);

  /// Decides one request for `key` against `limits` (both must stay alive until
  /// completion).
  ///
  /// - `limits` empty: decision::unlimited, no store call.
  /// - circuit open: fail_open / fail_closed per `mode`, error errc::circuit_open,
  ///   no store call.
  /// - store error: the breaker counts a failure, store_errors() grows, and
  ///   fail_open / fail_closed per `mode` with the store's error (errc::invalid_limit
  ///   is a configuration error: not counted against the store).
  /// - otherwise allowed, blocked, or shadow_blocked when `shadow` and denied,
  ///   with the store's verdict in `detail`.
  template <typename CompletionToken>
  auto async_decide(std::string_view key, std::span<const limit_spec> limits, failure_mode mode,
                    bool shadow, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, decide_signature>(
        [this](auto handler, std::string_view k, std::span<const limit_spec> l, failure_mode m,
               bool sh) {
          do_decide(k, l, m, sh,
                    boost::asio::any_completion_handler<decide_signature>(std::move(handler)));
        },
        token, key, limits, mode, shadow);
  }

  /// The decision of async_decide, made on the caller's thread when it needs
  /// no waiting: no limits, or a closed circuit and a store that answers at once
  /// (store::try_check_now). nullopt otherwise: then call async_decide.
  [[nodiscard]] std::optional<decision_result> try_decide_now(std::string_view key,
                                                              std::span<const limit_spec> limits,
                                                              failure_mode mode, bool shadow);

  [[nodiscard]] circuit_state state() const noexcept { return breaker_.state(); }
  /// Store failures seen so far (timeouts, connection errors, script errors).
  [[nodiscard]] std::uint64_t store_errors() const noexcept { return store_errors_.load(); }
  [[nodiscard]] store& backing_store() noexcept { return *store_; }

 private:
  void do_decide(std::string_view key, std::span<const limit_spec> limits, failure_mode mode,
                 bool shadow, boost::asio::any_completion_handler<decide_signature> handler);
  /// What a store's answer means for the request, and for the breaker.
  decision_result conclude(boost::system::error_code ec, verdict v, failure_mode mode, bool shadow,
                           permit granted);

  std::shared_ptr<store> store_;
  circuit_breaker breaker_;
  std::atomic<std::uint64_t> store_errors_{0};
};

}  // namespace floodgate::limit
