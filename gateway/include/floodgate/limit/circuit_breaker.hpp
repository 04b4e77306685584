#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace floodgate::limit {

/// Breaker states; the values are the SPEC's floodgate_circuit_state gauge.
enum class circuit_state : std::uint8_t { closed = 0, open = 1, half_open = 2 };

/// "closed", "open" or "half_open" (the /health spelling).
[[nodiscard]] std::string_view to_string(circuit_state s) noexcept;

struct breaker_options {
  std::uint32_t failure_threshold = 5;            // consecutive failures that open the circuit
  std::chrono::milliseconds reset_timeout{2000};  // open this long, then one half-open probe
  /// Time source (steady); injected for tests. Only read while the circuit is
  /// not closed, so it costs nothing on the healthy path.
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
};

/// What try_acquire() granted, handed back with the call's result so that only the
/// probe's result decides a half-open circuit.
enum class permit : std::uint8_t {
  refused,  // do not call the store
  call,     // an ordinary call (closed circuit)
  probe,    // the one call of a half-open circuit
};

/// Classic three-state breaker. Thread safe and lock free.
///
/// try_acquire() says whether a call may go to the store: always while closed,
/// never while open (until reset_timeout has passed), and for exactly one probe
/// while half-open. Every granted call reports on_success(), on_failure() or, when
/// the store answered without asking its backend (a remembered denial),
/// on_unanswered(), with the permit it was granted.
///
/// - closed: `failure_threshold` consecutive on_failure() calls (no on_success()
///   in between) open the circuit.
/// - open: try_acquire() is refused until reset_timeout has passed since opening;
///   then the first try_acquire() wins the single probe and the state is half_open.
/// - half_open: try_acquire() is refused; the probe's on_success() closes,
///   its on_failure() opens again (for another reset_timeout), its on_unanswered()
///   hands the probe to the next caller.
///
/// Results of ordinary calls acquired before the circuit opened (stragglers) are
/// ignored while it is open or half-open. The closed-state path is two relaxed
/// atomic loads.
class circuit_breaker {
 public:
  explicit circuit_breaker(breaker_options o);

  [[nodiscard]] permit try_acquire();
  void on_success(permit p) noexcept;
  void on_failure(permit p);
  void on_unanswered(permit p) noexcept;
  [[nodiscard]] circuit_state state() const noexcept;

 private:
  void open(circuit_state from);

  breaker_options opts_;
  std::atomic<circuit_state> state_{circuit_state::closed};
  std::atomic<std::uint32_t> consecutive_failures_{0};
  std::atomic<std::chrono::steady_clock::rep> opened_at_{0};  // steady_clock ticks
};

}  // namespace floodgate::limit
