// Reconnect delays: doubling from a minimum to a maximum, reset by a success.
#pragma once

#include <algorithm>
#include <chrono>

namespace floodgate::analytics {

class backoff {
 public:
  backoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
      : min_(std::max(min, std::chrono::milliseconds(1))), max_(std::max(max, min_)), next_(min_) {}

  /// The delay to wait now; the following call returns twice as much, up to max.
  std::chrono::milliseconds next() noexcept {
    const auto d = next_;
    next_ = std::min(next_ * 2, max_);
    return d;
  }

  void reset() noexcept { next_ = min_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace floodgate::analytics
