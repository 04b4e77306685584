#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include <floodgate/limit/limit_spec.hpp>

namespace floodgate::limit {

/// Where a client stands against one limit after a decision.
struct limit_status {
  std::uint64_t limit = 0;
  std::uint64_t remaining = 0;               // requests still allowed now
  std::chrono::milliseconds reset_after{0};  // until the limit is fully available again
  std::chrono::milliseconds retry_after{0};  // 0 when allowed; else earliest moment a retry passes
  bool allowed = true;
};

/// Result of checking all limits of a route at once.
///
/// `allowed` is true only when every limit allows; a denied check consumed
/// nothing from any limit. `most_restrictive` indexes `limits` (the one with the
/// smallest remaining; among denied ones, the longest retry_after) and is what
/// the X-RateLimit-* headers describe.
struct verdict {
  bool allowed = true;
  std::vector<limit_status> limits;  // one per limit_spec, same order
  std::size_t most_restrictive = 0;
  std::chrono::system_clock::time_point decided_at{};  // the store's clock at decision time
  /// A denial the store remembered (the Redis store's denial cache) rather than asked
  /// its backend for: not evidence of the backend's health either way.
  bool from_cache = false;

  /// retry_after of the whole check: the longest retry_after of the denying limits.
  [[nodiscard]] std::chrono::milliseconds retry_after() const noexcept;
};

/// Picks most_restrictive and allowed from `limits` (helper shared by stores).
void finalize(verdict& v) noexcept;

}  // namespace floodgate::limit
