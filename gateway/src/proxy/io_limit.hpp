#pragma once

#include <chrono>

#include "proxy/async.hpp"

namespace floodgate::proxy {

/// When a socket operation must finish: the earlier of an absolute deadline
/// (the upstream's whole-response `timeout`) and `per_op` after it starts
/// (a stalled peer).
struct io_limit {
  net::clock::time_point deadline = net::clock::time_point::max();
  std::chrono::milliseconds per_op{30000};

  /// Reads the clock: call it only for an operation that is going to wait.
  [[nodiscard]] net::clock::time_point expiry() const noexcept {
    const auto now = net::clock::now();
    return deadline - now < per_op ? deadline : now + per_op;
  }
};

}  // namespace floodgate::proxy
