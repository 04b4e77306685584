#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/verdict.hpp>

#include "proxy/header_block.hpp"

namespace floodgate::policy {

using header_list = proxy::header_block;

/// Whole seconds covering `d`, rounded up: a client told to wait this long is never early.
[[nodiscard]] std::int64_t ceil_seconds(std::chrono::milliseconds d) noexcept;

/// Retry-After of a denied verdict: ceil(retry_after) seconds, at least 1.
[[nodiscard]] std::int64_t retry_after_seconds(const limit::verdict& v) noexcept;

/// Which header families a route sends (route setting `headers:`).
struct header_selection {
  bool x_ratelimit = true;
  bool ietf = true;
};

/// A route's rate-limit headers (SPEC "Responses"):
///
///   X-RateLimit-Limit/-Remaining/-Reset/-Strategy   most restrictive limit; Reset in Unix
///                                                   epoch seconds, rounded up
///   RateLimit-Policy: "data-0";q=10;w=60, ...       every limit; w = window in seconds
///   RateLimit: "data-0";r=7;t=41                    most restrictive; t = delta seconds
///
/// What only the configuration decides (the limits, strategies, the whole
/// RateLimit-Policy line, the item names) is written once, when the route's
/// configuration is loaded; a request only adds its remaining and reset figures.
/// Retry-After is not included.
class rate_limit_header_text {
 public:
  rate_limit_header_text(std::string_view route, std::span<const limit::limit_spec> limits,
                         header_selection which);

  /// The headers for decision `v` of this route (empty when `v` does not describe its
  /// limits); `now` stands in when the store did not stamp `v.decided_at`.
  [[nodiscard]] header_list render(const limit::verdict& v,
                                   std::chrono::system_clock::time_point now) const;

 private:
  // Per limit: what is fixed when it is the most restrictive one.
  struct fixed_parts {
    std::string x_limit_and_strategy;  // "X-RateLimit-Limit: 10\r\nX-RateLimit-Strategy: ...\r\n"
    std::string ietf_item;             // "RateLimit: \"data-0\";r="
  };
  header_selection which_;
  std::vector<fixed_parts> limits_;
  std::string policy_line_;  // "RateLimit-Policy: ...\r\n"
};

}  // namespace floodgate::policy
