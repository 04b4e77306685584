#pragma once

#include <string_view>

#include "config/config.hpp"

namespace floodgate::policy {

/// True when `path` falls under the route prefix `prefix` on a segment boundary:
/// "/api/data" matches "/api/data", "/api/data/x" and "/api/data?q", not "/api/database".
/// "/" (and any prefix ending in '/') matches everything below it.
[[nodiscard]] bool path_matches(std::string_view prefix, std::string_view path) noexcept;

/// True when the route accepts `method` (empty list = every method). A route that
/// lists GET also accepts HEAD, as nginx's `limit_except GET` does.
[[nodiscard]] bool method_matches(const config::route_config& route,
                                  std::string_view method) noexcept;

/// The first route of `cfg` (file order) that matches, or nullptr. Any query string
/// in `path` is ignored. The pointer lives as long as `cfg`.
[[nodiscard]] const config::route_config* match_route(const config::config& cfg,
                                                      std::string_view method,
                                                      std::string_view path) noexcept;

}  // namespace floodgate::policy
