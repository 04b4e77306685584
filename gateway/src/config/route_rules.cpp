#include "config/route_rules.hpp"

#include <algorithm>

#include "text/route_path.hpp"

namespace floodgate::config {
namespace {

bool takes_every_method_of(const route_config& earlier, const route_config& later) noexcept {
  if (earlier.methods.empty()) return true;
  if (later.methods.empty()) return false;  // all methods, and `earlier` lists only some
  return std::all_of(later.methods.begin(), later.methods.end(),
                     [&](const std::string& m) { return takes_method(earlier, m); });
}

}  // namespace

bool takes_method(const route_config& route, std::string_view method) noexcept {
  if (route.methods.empty()) return true;
  const auto listed = [&](std::string_view m) {
    return std::find(route.methods.begin(), route.methods.end(), m) != route.methods.end();
  };
  return listed(method) || (method == "HEAD" && listed("GET"));
}

std::optional<std::size_t> shadowing_route(std::span<const route_config> earlier,
                                           const route_config& later) noexcept {
  if (later.path.empty()) return std::nullopt;
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    const auto& e = earlier[i];
    if (!e.path.empty() && text::under_route_prefix(e.path, later.path) &&
        takes_every_method_of(e, later)) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace floodgate::config
