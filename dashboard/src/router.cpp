#include "router.hpp"

#include <spdlog/spdlog.h>

#include "api.hpp"
#include "assets.hpp"
#include "db_errors.hpp"
#include "query_params.hpp"

namespace floodgate::dashboard {
namespace {

using std::chrono::milliseconds;

// /health is polled by orchestrators with short timeouts (Docker's HEALTHCHECK uses
// 3 s): it always answers within answer_within, 503 when PostgreSQL does not.
constexpr milliseconds health_start_within{500};
constexpr milliseconds health_answer_within{2000};
// An API call waits for a worker as long as the pool waits for a connection, and is
// answered at the latest after connecting (3 s) and the call deadline, retried once.
constexpr milliseconds api_start_within{2000};
constexpr milliseconds api_answer_within{20000};

reply internal_error() noexcept {
  try {
    return error_reply(500, "internal", "query failed; see the dashboard log");
  } catch (...) {
    return reply{500, "text/plain", "internal error", "no-store"};
  }
}

// Runs one handler on a worker thread: database failures become their 503, anything
// else is a bug, logged, 500.
template <typename Handler>
std::function<reply()> guarded(std::string_view what, Handler handler) {
  return [what = std::string(what), handler = std::move(handler)]() noexcept -> reply {
    try {
      return handler();
    } catch (const std::exception& e) {
      try {
        if (auto r = database_failure_reply(e)) return std::move(*r);
        spdlog::error("{}: {}", what, e.what());
      } catch (...) {
      }
      return internal_error();
    }
  };
}

}  // namespace

routed router::route(std::string_view method, std::string_view target) const noexcept {
  try {
    return dispatch(method, target);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", method, target, e.what());
    return internal_error();
  }
}

routed router::dispatch(std::string_view method, std::string_view target) const {
  if (method != "GET" && method != "HEAD") {
    return error_reply(405, "method_not_allowed", "only GET and HEAD are served");
  }
  auto split = parse_target(target);
  if (!split) return error_reply(400, "bad_request", split.error());
  const auto& path = split->path;
  if (path == "/health") {
    return blocking_request{lane::health,
                            guarded(path, [this] { return api_health(health_pool_); }),
                            health_start_within, health_answer_within, health_reply(false)};
  }
  using api_handler = prepared_api (*)(const query_map&);
  api_handler api = nullptr;
  if (path == "/api/summary") api = api_summary;
  if (path == "/api/routes") api = api_routes;
  if (path == "/api/top-blocked") api = api_top_blocked;
  if (path == "/api/timeseries") api = api_timeseries;
  if (api != nullptr) {
    // Parameters are checked here, on the I/O thread: a 400 never waits for a worker.
    auto prepared = api(split->query);
    if (auto* refused = std::get_if<reply>(&prepared)) return std::move(*refused);
    return blocking_request{
        lane::api,
        guarded(path, [this, query = std::get<api_query>(
                                 std::move(prepared))] { return query(api_pool_); }),
        api_start_within, api_answer_within,
        error_reply(503, "postgres_timeout", "PostgreSQL did not answer in time")};
  }
  if (auto asset = static_asset(path)) return std::move(*asset);
  return error_reply(404, "not_found", "no such page or endpoint");
}

}  // namespace floodgate::dashboard
