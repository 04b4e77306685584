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
  if (!breaker_.try_acquire()) {
    detail::post_completion(std::move(handler),
                            unavailable(mode, make_error_code(errc::circuit_open)));
    return;
  }
  // The store completes on the executor we bind here, which is the caller's
  // handler's own: so the handler can be invoked directly from the completion.
  auto ex = boost::asio::get_associated_executor(handler);
  store_->async_check(
      key, limits,
      boost::asio::bind_executor(ex, [this, mode, shadow, h = std::move(handler)](
                                         boost::system::error_code ec, verdict v) mutable {
        std::move(h)(conclude(ec, std::move(v), mode, shadow));
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
  return conclude(r->ec, std::move(r->v), mode, shadow);
}

decision_result limiter::conclude(boost::system::error_code ec, verdict v, failure_mode mode,
                                  bool shadow) {
  if (ec == errc::invalid_limit) {
    // A configuration problem, not an unhealthy store: the store answered.
    breaker_.on_success();
    return unavailable(mode, ec);
  }
  if (ec) {
    breaker_.on_failure();
    store_errors_.fetch_add(1, std::memory_order_relaxed);
    return unavailable(mode, ec);
  }
  breaker_.on_success();
  decision_result r;
  r.what = v.allowed ? decision::allowed : (shadow ? decision::shadow_blocked : decision::blocked);
  r.detail = std::move(v);
  return r;
}

}  // namespace floodgate::limit
