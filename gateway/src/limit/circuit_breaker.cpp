#include <floodgate/limit/circuit_breaker.hpp>

#include <algorithm>
#include <utility>

// Lock free because every request of every worker passes through try_acquire()
// and on_success(): in the closed state they only read two atomics (and write
// the failure count only when it is not already zero), so the cache line stays
// shared between cores instead of bouncing under a mutex.

namespace floodgate::limit {

circuit_breaker::circuit_breaker(breaker_options o) : opts_(std::move(o)) {
  opts_.failure_threshold = std::max<std::uint32_t>(opts_.failure_threshold, 1);
}

bool circuit_breaker::try_acquire() {
  circuit_state s = state_.load(std::memory_order_acquire);
  if (s == circuit_state::closed) return true;
  if (s == circuit_state::half_open) return false;  // the probe is out
  const auto opened_at = std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(opened_at_.load(std::memory_order_acquire)));
  if (opts_.now() - opened_at < opts_.reset_timeout) return false;
  // Exactly one caller moves open -> half_open, and that caller is the probe.
  return state_.compare_exchange_strong(s, circuit_state::half_open, std::memory_order_acq_rel);
}

void circuit_breaker::on_success() noexcept {
  if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
  // Only a probe's success closes the circuit. Load before the CAS: a compare-exchange
  // takes the cache line exclusively even when it fails, and this runs per decision.
  if (state_.load(std::memory_order_acquire) != circuit_state::half_open) return;
  circuit_state expected = circuit_state::half_open;
  state_.compare_exchange_strong(expected, circuit_state::closed, std::memory_order_acq_rel);
}

void circuit_breaker::on_failure() {
  const circuit_state s = state_.load(std::memory_order_acquire);
  if (s == circuit_state::half_open) {
    open(circuit_state::half_open);
    return;
  }
  if (s == circuit_state::open) return;  // a straggler from before the circuit opened
  const std::uint32_t failures = consecutive_failures_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (failures >= opts_.failure_threshold) open(circuit_state::closed);
}

circuit_state circuit_breaker::state() const noexcept {
  return state_.load(std::memory_order_acquire);
}

void circuit_breaker::open(circuit_state from) {
  // opened_at_ is written before the state that makes readers look at it. Two
  // threads racing here write nearly the same time; only one flips the state.
  opened_at_.store(opts_.now().time_since_epoch().count(), std::memory_order_release);
  if (state_.compare_exchange_strong(from, circuit_state::open, std::memory_order_acq_rel)) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
}

}  // namespace floodgate::limit
