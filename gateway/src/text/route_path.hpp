#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace floodgate::text {

/// How route_path() reads "%2F" and "%5C".
enum class encoded_separators {
  kept,     // escapes: data inside a segment, as most servers read them
  decoded,  // both as '/': the reading of servers that decode them first
};

/// The path a request is routed (and so limited) by: the target's path without the
/// query, percent-decoded, runs of '/' merged and "." and ".." segments resolved, as
/// NGINX does before matching a location. Without this a strict route could be walked
/// around by spelling its path differently (`//login`, `/a/../login`, `/%6Cogin`,
/// `/v1/things%3Abatch`) towards a looser route, while the upstream still serves it.
/// An escaped separator is the one spelling that servers read two ways: by default it
/// stays an escape (uppercase hex); the policy also routes the `decoded` reading when
/// there is one and refuses a path whose two readings reach different routes
/// (`/limited/..%2fx` is under /limited for one server and /x for another). The request
/// still goes upstream exactly as the client wrote it.
///
/// Returns a view of `target` when nothing needs changing (the usual case: no copy),
/// else of `storage`, which it fills. nullopt when the path cannot be routed: ".."
/// above the root, or "%00" (both 400).
[[nodiscard]] std::optional<std::string_view> route_path(
    std::string_view target, std::string& storage,
    encoded_separators separators = encoded_separators::kept);

/// True when a path route_path() returned holds an escaped separator ("%2F", "%5C").
[[nodiscard]] bool has_encoded_separator(std::string_view path) noexcept;

/// True when the routed path `path` (no query) falls under the route prefix `prefix` on a
/// segment boundary: "/api/data" takes "/api/data" and "/api/data/x", not "/api/database";
/// "/" (and any prefix ending in '/') takes everything below it. Shared by request
/// matching and the config check for routes that can never match.
[[nodiscard]] bool under_route_prefix(std::string_view prefix, std::string_view path) noexcept;

}  // namespace floodgate::text
