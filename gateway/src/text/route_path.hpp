#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace floodgate::text {

/// The path a request is routed (and so limited) by: the target's path without the
/// query, the escapes of unreserved characters decoded (others kept, in uppercase
/// hex: an escaped '/' is not a separator), runs of '/' merged and "." and ".."
/// segments resolved (RFC 3986 §6.2.2). Without this a strict route could be walked
/// around by spelling its path differently (`//login`, `/a/../login`, `/%6Cogin`)
/// towards a looser route, while the upstream still serves `/login`; decoding '/'
/// as well (as NGINX does) would open the opposite walk (`/limited/..%2fx` routed as
/// `/x`, served under /limited). The request still goes upstream exactly as the
/// client wrote it.
///
/// Returns a view of `target` when nothing needs changing (the usual case: no copy),
/// else of `storage`, which it fills. nullopt when the path cannot be routed: ".."
/// above the root, or "%00" (both 400).
[[nodiscard]] std::optional<std::string_view> route_path(std::string_view target,
                                                         std::string& storage);

/// True when the routed path `path` (no query) falls under the route prefix `prefix` on a
/// segment boundary: "/api/data" takes "/api/data" and "/api/data/x", not "/api/database";
/// "/" (and any prefix ending in '/') takes everything below it. Shared by request
/// matching and the config check for routes that can never match.
[[nodiscard]] bool under_route_prefix(std::string_view prefix, std::string_view path) noexcept;

}  // namespace floodgate::text
