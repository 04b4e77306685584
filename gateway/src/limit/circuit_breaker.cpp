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

permit circuit_breaker::try_acquire() {
  circuit_state s = state_.load(std::memory_order_acquire);
  if (s == circuit_state::closed) return permit::call;
  if (s == circuit_state::half_open) return permit::refused;  // the probe is out
  const auto opened_at = std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(opened_at_.load(std::memory_order_acquire)));
  if (opts_.now() - opened_at < opts_.reset_timeout) return permit::refused;
  // Exactly one caller moves open -> half_open, and that caller is the probe.
  return state_.compare_exchange_strong(s, circuit_state::half_open, std::memory_order_acq_rel)
             ? permit::probe
             : permit::refused;
}

void circuit_breaker::on_success(permit p) noexcept {
  if (p == permit::probe) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
    circuit_state expected = circuit_state::half_open;
    state_.compare_exchange_strong(expected, circuit_state::closed, std::memory_order_acq_rel);
    return;
  }
  // A straggler's success says nothing about a circuit that opened after it left.
  if (state_.load(std::memory_order_acquire) != circuit_state::closed) return;
  if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
}

void circuit_breaker::on_failure(permit p) {
  if (p == permit::probe) {
    open(circuit_state::half_open);
    return;
  }
  // A straggler from before the circuit opened: the probe alone decides now.
  if (state_.load(std::memory_order_acquire) != circuit_state::closed) return;
  const std::uint32_t failures = consecutive_failures_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (failures >= opts_.failure_threshold) open(circuit_state::closed);
}

void circuit_breaker::on_unanswered(permit p) noexcept {
  if (p != permit::probe) return;
  // Back to open with the old opening time: reset_timeout has passed, so the next
  // try_acquire() probes at once, and that one asks the store's backend.
  circuit_state expected = circuit_state::half_open;
  state_.compare_exchange_strong(expected, circuit_state::open, std::memory_order_acq_rel);
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
