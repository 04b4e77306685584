#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <floodgate/limit/circuit_breaker.hpp>

#include "text/json_string.hpp"

namespace floodgate::policy {

using local_response = boost::beast::http::response<boost::beast::http::string_body>;

/// JSON string literals: the escaping shared with the dashboard.
using text::json_string;

/// A response the gateway writes itself: status, Content-Type, body, Content-Length.
[[nodiscard]] local_response make_local_response(unsigned status, std::string_view content_type,
                                                 std::string body, unsigned version = 11);

/// Body of a denied request: {"error": "rate_limited", "route": "data", "retry_after": 12}
[[nodiscard]] std::string rate_limited_body(std::string_view route, std::int64_t retry_after_s);

/// Body of a fail_closed decision: {"error": "limiter_unavailable", "route": "data"}
[[nodiscard]] std::string limiter_unavailable_body(std::string_view route);

/// Body when no route matches: {"error": "not_found", "path": "/x"}
[[nodiscard]] std::string not_found_body(std::string_view path);

/// `{"error": "ambiguous_path", "path": "..."}`: the 400 for a path whose escaped
/// separators lead to another route when read as separators.
[[nodiscard]] std::string ambiguous_path_body(std::string_view path);

/// What /health reports. `redis_up` / `analytics_up` are empty when the feature is disabled.
struct health_status {
  bool draining = false;
  std::optional<bool> redis_up;
  limit::circuit_state circuit = limit::circuit_state::closed;
  std::optional<bool> analytics_up;
};

/// /health: 200 while serving, 503 while draining; body
/// {"status": "ok|degraded", "redis": "up|down|disabled", "circuit": "...", "analytics": "..."}.
/// "degraded" when Redis or analytics is down or the circuit is not closed.
[[nodiscard]] local_response health_response(const health_status& h, unsigned version = 11);

}  // namespace floodgate::policy
