#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace floodgate::limit {

enum class circuit_state : std::uint8_t { closed = 0, open = 1, half_open = 2 };
[[nodiscard]] std::string_view to_string(circuit_state s) noexcept;

struct breaker_options {
  std::uint32_t failure_threshold = 5;        // consecutive failures that open the circuit
  std::chrono::milliseconds reset_timeout{2000};  // open this long, then one half-open probe
  /// Time source (steady); injected for tests.
  std::function<std::chrono::steady_clock::time_point()> now = [] {
    return std::chrono::steady_clock::now();
  };
};

/// Classic three-state breaker. Thread safe.
///
/// try_acquire() says whether a call may go to the store: always while closed,
/// never while open (until reset_timeout has passed), and for exactly one probe
/// while half-open. Every acquired call must report on_success() or on_failure().
class circuit_breaker {
 public:
  explicit circuit_breaker(breaker_options o);

  [[nodiscard]] bool try_acquire();
  void on_success();
  void on_failure();
  [[nodiscard]] circuit_state state() const noexcept;

 private:
  breaker_options opts_;
  mutable std::mutex mu_;
  circuit_state state_ = circuit_state::closed;
  std::uint32_t consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
  bool probe_in_flight_ = false;
};

}  // namespace floodgate::limit
