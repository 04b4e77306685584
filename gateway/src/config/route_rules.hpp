#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "config/config.hpp"

// What a route takes, as request matching (policy/route_match) applies it, so the config
// check for routes that can never match follows the same rules.
namespace floodgate::config {

/// True when `route` accepts `method` (empty list = every method). A route that lists
/// GET also accepts HEAD, as nginx's `limit_except GET` does.
[[nodiscard]] bool takes_method(const route_config& route, std::string_view method) noexcept;

/// The first of `earlier` that takes every request `later` could match (same or enclosing
/// path prefix, and every method of `later`), so that `later` never matches (first match in
/// file order wins). nullopt when there is none. Routes without a valid path are skipped.
[[nodiscard]] std::optional<std::size_t> shadowing_route(std::span<const route_config> earlier,
                                                         const route_config& later) noexcept;

}  // namespace floodgate::config
