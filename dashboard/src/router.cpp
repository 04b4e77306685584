#include "router.hpp"

#include <spdlog/spdlog.h>

#include "api.hpp"
#include "assets.hpp"
#include "query_params.hpp"

namespace floodgate::dashboard {

reply router::handle(std::string_view method, std::string_view target) const noexcept {
  try {
    return dispatch(method, target);
  } catch (const pqxx::broken_connection& e) {
    spdlog::warn("PostgreSQL unreachable: {}", e.what());
    return error_reply(503, "postgres_unavailable", "PostgreSQL is not reachable");
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", method, target, e.what());
    try {
      return error_reply(500, "internal", "query failed; see the dashboard log");
    } catch (...) {
      return reply{500, "text/plain", "internal error", "no-store"};
    }
  }
}

reply router::dispatch(std::string_view method, std::string_view target) const {
  if (method != "GET" && method != "HEAD") {
    return error_reply(405, "method_not_allowed", "only GET and HEAD are served");
  }
  auto split = parse_target(target);
  if (!split) return error_reply(400, "bad_request", split.error());
  const auto& path = split->path;
  const auto& q = split->query;
  if (path == "/health") return api_health(pool_);
  if (path == "/api/summary") return api_summary(pool_, q);
  if (path == "/api/routes") return api_routes(pool_, q);
  if (path == "/api/top-blocked") return api_top_blocked(pool_, q);
  if (path == "/api/timeseries") return api_timeseries(pool_, q);
  if (auto asset = static_asset(path)) return std::move(*asset);
  return error_reply(404, "not_found", "no such page or endpoint");
}

}  // namespace floodgate::dashboard
