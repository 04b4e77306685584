#pragma once

#include <array>
#include <span>
#include <string_view>

// The allow-lists of routes.yaml: every key the loader accepts, per mapping.
// A key not listed here is an error, so a typo is never a silent default.
namespace floodgate::config::schema {

inline constexpr std::array<std::string_view, 14> top_level{
    "listen",       "threads",   "gateway_id", "trusted_proxies", "redis",  "circuit_breaker",
    "failure_mode", "analytics", "dashboard",  "upstreams",       "routes", "server",
    "logging",      "watch"};
inline constexpr std::array<std::string_view, 3> redis{"url", "timeout", "key_prefix"};
inline constexpr std::array<std::string_view, 2> circuit_breaker{"failure_threshold",
                                                                 "reset_timeout"};
inline constexpr std::array<std::string_view, 4> analytics{"postgres", "batch_size",
                                                           "flush_interval", "buffer"};
inline constexpr std::array<std::string_view, 1> dashboard{"listen"};
inline constexpr std::array<std::string_view, 3> upstream{"servers", "connect_timeout", "timeout"};
inline constexpr std::array<std::string_view, 10> route{
    "name",         "path",   "methods",     "upstream", "key",
    "failure_mode", "shadow", "deny_status", "headers",  "limits"};
inline constexpr std::array<std::string_view, 3> limit{"algorithm", "limit", "window"};
inline constexpr std::array<std::string_view, 7> server{
    "max_header_bytes", "max_body_bytes",     "header_timeout",  "idle_timeout",
    "drain_timeout",    "upstream_pool_size", "max_limit_states"};
inline constexpr std::array<std::string_view, 2> logging{"level", "access_log_sample"};

/// One allow-list and where it applies, in the notation of problem paths with
/// `*` for any upstream name and `[]` for any list index ("routes[].limits[]").
struct key_set {
  std::string_view where;
  std::span<const std::string_view> keys;
};

inline constexpr std::array<key_set, 10> all{{
    {"", top_level},
    {"redis", redis},
    {"circuit_breaker", circuit_breaker},
    {"analytics", analytics},
    {"dashboard", dashboard},
    {"upstreams.*", upstream},
    {"routes[]", route},
    {"routes[].limits[]", limit},
    {"server", server},
    {"logging", logging},
}};

}  // namespace floodgate::config::schema
