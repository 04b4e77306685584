#include "policy/route_match.hpp"

#include "config/route_rules.hpp"
#include "text/route_path.hpp"

namespace floodgate::policy {

namespace {

std::string_view without_query(std::string_view target) noexcept {
  const auto cut = target.find_first_of("?#");
  return cut == std::string_view::npos ? target : target.substr(0, cut);
}

}  // namespace

bool path_matches(std::string_view prefix, std::string_view path) noexcept {
  return text::under_route_prefix(prefix, without_query(path));
}

bool method_matches(const config::route_config& route, std::string_view method) noexcept {
  return config::takes_method(route, method);
}

const config::route_config* match_route(const config::config& cfg, std::string_view method,
                                        std::string_view path) noexcept {
  for (const auto& route : cfg.routes) {
    if (path_matches(route.path, path) && method_matches(route, method)) return &route;
  }
  return nullptr;
}

}  // namespace floodgate::policy
