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

/// Rate-limit headers for a route with `limits` and its decision `v` (SPEC "Responses"):
///
///   X-RateLimit-Limit/-Remaining/-Reset/-Strategy   most restrictive limit; Reset in Unix
///                                                   epoch seconds, rounded up
///   RateLimit-Policy: "data-0";q=10;w=60, ...       every limit; w = window in seconds
///   RateLimit: "data-0";r=7;t=41                    most restrictive; t = delta seconds
///
/// `now` is used when the store did not stamp `v.decided_at`. Retry-After is not included.
[[nodiscard]] header_list rate_limit_headers(std::string_view route,
                                             std::span<const limit::limit_spec> limits,
                                             const limit::verdict& v, header_selection which,
                                             std::chrono::system_clock::time_point now);

}  // namespace floodgate::policy
