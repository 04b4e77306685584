#include <floodgate/limit/limiter.hpp>

#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>

#include <floodgate/limit/error.hpp>

#include "limit/completion.hpp"

namespace floodgate::limit {
namespace {

decision_result unavailable(failure_mode mode, boost::system::error_code ec) {
  decision_result r;
  r.what = mode == failure_mode::open ? decision::fail_open : decision::fail_closed;
  r.error = ec;
  return r;
}

}  // namespace

limiter::limiter(std::shared_ptr<store> s, breaker_options breaker)
    : store_(std::move(s)), breaker_(std::move(breaker)) {}

void limiter::do_decide(std::string_view key, std::span<const limit_spec> limits, failure_mode mode,
                        bool shadow,
                        boost::asio::any_completion_handler<decide_signature> handler) {
  if (limits.empty()) {
    // No store call, still never inline: the caller may hold a lock or be in
    // the middle of a loop when it initiates.
    detail::post_completion(std::move(handler), decision_result{decision::unlimited, {}, {}});
    return;
  }
  const permit granted = breaker_.try_acquire();
  if (granted == permit::refused) {
    detail::post_completion(std::move(handler),
                            unavailable(mode, make_error_code(errc::circuit_open)));
    return;
  }
  // The store completes on the executor we bind here, which is the caller's
  // handler's own: so the handler can be invoked directly from the completion.
  auto ex = boost::asio::get_associated_executor(handler);
  store_->async_check(
      key, limits,
      boost::asio::bind_executor(ex, [this, mode, shadow, granted, h = std::move(handler)](
                                         boost::system::error_code ec, verdict v) mutable {
        std::move(h)(conclude(ec, std::move(v), mode, shadow, granted));
      }));
}

std::optional<decision_result> limiter::try_decide_now(std::string_view key,
                                                       std::span<const limit_spec> limits,
                                                       failure_mode mode, bool shadow) {
  if (limits.empty()) return decision_result{decision::unlimited, {}, {}};
  // Open or probing: async_decide owns the breaker's probe logic.
  if (breaker_.state() != circuit_state::closed) return std::nullopt;
  auto r = store_->try_check_now(key, limits);
  if (!r) return std::nullopt;
  return conclude(r->ec, std::move(r->v), mode, shadow, permit::call);
}

decision_result limiter::conclude(boost::system::error_code ec, verdict v, failure_mode mode,
                                  bool shadow, permit granted) {
  if (ec == errc::invalid_limit) {
    // A configuration problem, not an unhealthy store: the store answered.
    breaker_.on_success(granted);
    return unavailable(mode, ec);
  }
  if (ec) {
    breaker_.on_failure(granted);
    store_errors_.fetch_add(1, std::memory_order_relaxed);
    return unavailable(mode, ec);
  }
  // A remembered denial says nothing about the store's health: it must neither
  // reset the failure count of an outage nor close a half-open circuit.
  if (v.from_cache) {
    breaker_.on_unanswered(granted);
  } else {
    breaker_.on_success(granted);
  }
  decision_result r;
  r.what = v.allowed ? decision::allowed : (shadow ? decision::shadow_blocked : decision::blocked);
  r.detail = std::move(v);
  return r;
}

}  // namespace floodgate::limit
