#pragma once

#include <functional>
#include <variant>

#include "db_pool.hpp"
#include "query_params.hpp"
#include "reply.hpp"

namespace floodgate::dashboard {

/// The JSON endpoints (SPEC "Dashboard"). Each validates its query parameters at
/// once, without PostgreSQL: a bad one is the 400 (a JSON error naming the
/// parameter), answered on the I/O thread even while every worker waits for a slow
/// database. Otherwise it returns the query, which reads PostgreSQL through a pool
/// and renders JSON: it blocks, so it runs on a worker thread. PostgreSQL errors
/// propagate as pqxx exceptions (the router maps them).
using api_query = std::function<reply(db_pool&)>;
using prepared_api = std::variant<reply, api_query>;

/// GET /api/summary?window=1h
[[nodiscard]] prepared_api api_summary(const query_map& q);
/// GET /api/routes?window=1h
[[nodiscard]] prepared_api api_routes(const query_map& q);
/// GET /api/top-blocked?window=1h&limit=10
[[nodiscard]] prepared_api api_top_blocked(const query_map& q);
/// GET /api/timeseries?window=1h&step=1m
[[nodiscard]] prepared_api api_timeseries(const query_map& q);
/// GET /health: 200 {"status":"ok","postgres":"up"} or 503 with "down".
[[nodiscard]] reply api_health(db_pool& pool);

/// /health's reply: 200 {"status":"ok","postgres":"up"} or 503 "degraded"/"down".
[[nodiscard]] reply health_reply(bool postgres_up);

}  // namespace floodgate::dashboard
