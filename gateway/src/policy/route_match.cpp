#include "policy/route_match.hpp"

#include <algorithm>

namespace floodgate::policy {

namespace {

std::string_view without_query(std::string_view target) noexcept {
  const auto cut = target.find_first_of("?#");
  return cut == std::string_view::npos ? target : target.substr(0, cut);
}

}  // namespace

bool path_matches(std::string_view prefix, std::string_view path) noexcept {
  path = without_query(path);
  if (!path.starts_with(prefix)) return false;
  if (path.size() == prefix.size()) return true;
  // The prefix already ends on a boundary ("/" or "/api/"), or the next character starts a
  // new segment: "/api/data" must not capture "/api/database".
  return prefix.ends_with('/') || path[prefix.size()] == '/';
}

bool method_matches(const config::route_config& route, std::string_view method) noexcept {
  if (route.methods.empty()) return true;
  const auto listed = [&](std::string_view m) {
    return std::find(route.methods.begin(), route.methods.end(), m) != route.methods.end();
  };
  return listed(method) || (method == "HEAD" && listed("GET"));
}

const config::route_config* match_route(const config::config& cfg, std::string_view method,
                                        std::string_view path) noexcept {
  for (const auto& route : cfg.routes) {
    if (path_matches(route.path, path) && method_matches(route, method)) return &route;
  }
  return nullptr;
}

}  // namespace floodgate::policy
