#include "api.hpp"

#include <algorithm>

#include "json.hpp"
#include "queries.hpp"

namespace floodgate::dashboard {
namespace {

reply json_reply(json_writer& w) {
  reply r;
  r.body = w.release();
  return r;
}

reply bad_request(std::string_view message) {
  return error_reply(400, "bad_request", message);
}

// The fields an object gets for a set of requests; shared by summary and routes so
// both always describe traffic the same way.
void write_stats(json_writer& w, const traffic_stats& s) {
  const auto& c = s.counts;
  w.member("total", c.total())
      .member("allowed", c.forwarded())
      .member("blocked", c.refused())
      .member("block_rate", c.block_rate());
  w.key("decisions")
      .begin_object()
      .member("allowed", c.allowed)
      .member("blocked", c.blocked)
      .member("shadow_blocked", c.shadow_blocked)
      .member("fail_open", c.fail_open)
      .member("fail_closed", c.fail_closed)
      .member("other", c.other)
      .end_object();
  w.member("p50_ms", s.percentile_ms(0.5))
      .member("p99_ms", s.percentile_ms(0.99))
      .member("mean_ms", s.mean_ms());
}

}  // namespace

reply error_reply(unsigned status, std::string_view code, std::string_view message) {
  json_writer w;
  w.begin_object().member("error", code).member("message", message).end_object();
  reply r = json_reply(w);
  r.status = status;
  return r;
}

namespace {

// The queries behind the endpoints, run on a worker thread with valid parameters.

reply summary_reply(db_pool& pool, std::chrono::seconds window) {
  const auto routes = pool.run([&](pqxx::connection& c) { return query_routes(c, window); });
  traffic_stats all;
  for (const auto& r : routes) all.add(r.stats);
  json_writer w;
  w.begin_object().member("window_seconds", std::int64_t{window.count()});
  write_stats(w, all);
  w.member("routes", std::uint64_t{routes.size()}).end_object();
  return json_reply(w);
}

reply routes_reply(db_pool& pool, std::chrono::seconds window) {
  auto routes = pool.run([&](pqxx::connection& c) { return query_routes(c, window); });
  // Busiest first: what an operator looks for; the name keeps the order stable.
  std::stable_sort(routes.begin(), routes.end(), [](const route_stats& a, const route_stats& b) {
    return a.stats.counts.total() > b.stats.counts.total();
  });
  json_writer w;
  w.begin_array();
  for (const auto& r : routes) {
    w.begin_object().member("route", r.route);
    write_stats(w, r.stats);
    w.end_object();
  }
  w.end_array();
  return json_reply(w);
}

reply top_blocked_reply(db_pool& pool, std::chrono::seconds window, std::size_t limit) {
  const auto clients =
      pool.run([&](pqxx::connection& c) { return query_top_blocked(c, window, limit); });
  json_writer w;
  w.begin_array();
  for (const auto& b : clients) {
    w.begin_object()
        .member("client_key", b.client_key)
        .member("route", b.route)
        .member("blocked", b.blocked)
        .end_object();
  }
  w.end_array();
  return json_reply(w);
}

reply timeseries_reply(db_pool& pool, std::chrono::seconds window, std::chrono::seconds step) {
  const auto points =
      pool.run([&](pqxx::connection& c) { return query_timeseries(c, window, step); });
  json_writer w;
  w.begin_array();
  for (const auto& p : points) {
    w.begin_object()
        .member("ts", p.ts)
        .member("allowed", p.counts.forwarded())
        .member("blocked", p.counts.refused())
        .end_object();
  }
  w.end_array();
  return json_reply(w);
}

}  // namespace

prepared_api api_summary(const query_map& q) {
  const auto window = window_param(q);
  if (!window) return bad_request(window.error());
  return [window = *window](db_pool& pool) { return summary_reply(pool, window); };
}

prepared_api api_routes(const query_map& q) {
  const auto window = window_param(q);
  if (!window) return bad_request(window.error());
  return [window = *window](db_pool& pool) { return routes_reply(pool, window); };
}

prepared_api api_top_blocked(const query_map& q) {
  const auto window = window_param(q);
  if (!window) return bad_request(window.error());
  const auto limit = limit_param(q);
  if (!limit) return bad_request(limit.error());
  return [window = *window, limit = *limit](db_pool& pool) {
    return top_blocked_reply(pool, window, limit);
  };
}

prepared_api api_timeseries(const query_map& q) {
  const auto window = window_param(q);
  if (!window) return bad_request(window.error());
  const auto step = step_param(q, *window);
  if (!step) return bad_request(step.error());
  return [window = *window, step = *step](db_pool& pool) {
    return timeseries_reply(pool, window, step);
  };
}

reply api_health(db_pool& pool) {
  bool up = false;
  try {
    up = pool.run([](pqxx::connection& c) { return query_ping(c); });
  } catch (const std::exception&) {
    up = false;
  }
  return health_reply(up);
}

reply health_reply(bool postgres_up) {
  json_writer w;
  w.begin_object()
      .member("status", postgres_up ? "ok" : "degraded")
      .member("postgres", postgres_up ? "up" : "down")
      .end_object();
  reply r = json_reply(w);
  r.status = postgres_up ? 200 : 503;
  return r;
}

}  // namespace floodgate::dashboard
