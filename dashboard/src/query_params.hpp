#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace floodgate::dashboard {

using std::chrono::seconds;

/// Bounds of the API parameters. Rollups are per minute, so windows and steps
/// are whole minutes; the point cap keeps a timeseries reply small.
struct param_limits {
  static constexpr seconds min_window{60};
  static constexpr seconds max_window{31 * 24 * 3600};
  static constexpr seconds default_window{3600};
  static constexpr seconds min_step{60};
  static constexpr std::size_t max_points = 1500;
  static constexpr std::size_t default_points = 60;
  static constexpr std::size_t default_limit = 10;
  static constexpr std::size_t max_limit = 100;
};

/// Decoded query string of a request target ("/api/x?a=1&b=2" -> {a:1, b:2}).
/// Percent-escapes and '+' are decoded; a repeated name keeps its last value.
using query_map = std::map<std::string, std::string, std::less<>>;

/// Splits a request target into its path and decoded query. The absolute form
/// ("http://host/api/summary?window=1h", RFC 9112 §3.2.2) is read as its path and query.
/// Fails on malformed percent-escapes.
struct split_target {
  std::string path;
  query_map query;
};
[[nodiscard]] boost::system::result<split_target, std::string> parse_target(
    std::string_view target);

/// A duration as in routes.yaml ("5m", "1h", "1d", bare seconds; config::parse_duration)
/// that is a whole number of minutes, since rollups are per minute.
[[nodiscard]] boost::system::result<seconds, std::string> parse_duration(std::string_view text);

/// `window` (default 1h): whole minutes within [min_window, max_window].
[[nodiscard]] boost::system::result<seconds, std::string> window_param(const query_map& q);

/// `step` for a given window: whole minutes, >= min_step, at most max_points
/// steps per window. When absent, the smallest whole-minute step giving at most
/// default_points points.
[[nodiscard]] boost::system::result<seconds, std::string> step_param(const query_map& q,
                                                                     seconds window);

/// `limit` (default 10): an integer in [1, max_limit].
[[nodiscard]] boost::system::result<std::size_t, std::string> limit_param(const query_map& q);

}  // namespace floodgate::dashboard
