#pragma once

#include "db_pool.hpp"
#include "query_params.hpp"
#include "reply.hpp"

namespace floodgate::dashboard {

/// The JSON endpoints (SPEC "Dashboard"). Each validates its query parameters
/// (400 with a JSON error naming the parameter), reads PostgreSQL through `pool`
/// and renders JSON. They block on PostgreSQL: call them from worker threads.
/// PostgreSQL errors propagate as pqxx exceptions (the router maps them).

/// GET /api/summary?window=1h
[[nodiscard]] reply api_summary(db_pool& pool, const query_map& q);
/// GET /api/routes?window=1h
[[nodiscard]] reply api_routes(db_pool& pool, const query_map& q);
/// GET /api/top-blocked?window=1h&limit=10
[[nodiscard]] reply api_top_blocked(db_pool& pool, const query_map& q);
/// GET /api/timeseries?window=1h&step=1m
[[nodiscard]] reply api_timeseries(db_pool& pool, const query_map& q);
/// GET /health: 200 {"status":"ok","postgres":"up"} or 503 with "down".
[[nodiscard]] reply api_health(db_pool& pool);

/// /health's reply: 200 {"status":"ok","postgres":"up"} or 503 "degraded"/"down".
[[nodiscard]] reply health_reply(bool postgres_up);

}  // namespace floodgate::dashboard
