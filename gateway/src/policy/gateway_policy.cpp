#include "policy/gateway_policy.hpp"

#include <utility>

#include <boost/asio/use_awaitable.hpp>

#include "policy/client_key.hpp"
#include "policy/rate_limit_headers.hpp"
#include "policy/route_match.hpp"
#include "proxy/address_text.hpp"
#include "proxy/header_rewrite.hpp"
#include "text/route_path.hpp"

namespace floodgate::policy {

namespace net = boost::asio;
namespace beast_http = boost::beast::http;
using limit::decision;

namespace {

http::plan local_plan(local_response res) {
  http::plan p;
  p.local = std::move(res);
  return p;
}

/// Ties on_complete to the exchange log; the log outlives every session (composition root).
void report_completion(http::plan& p, exchange_log* log, exchange e) {
  p.on_complete = [log, e = std::move(e)](unsigned status) {
    log->completed(e, status, std::chrono::steady_clock::now() - e.started);
  };
}

// `limited`: conclude() stamps decided_at after the limiter, so the clock is not read here.
exchange start_exchange(const http::request_context& ctx, bool limited) {
  exchange e;
  e.method = std::string(ctx.header.method_string());
  e.path = std::string(ctx.path);
  e.started = ctx.started;
  if (!limited) e.decided_at = std::chrono::system_clock::now();
  return e;
}

// Whether the path, with its escaped separators read as separators (as servers that
// decode them first do), reaches `routed` too. Only then is it unambiguous which
// route's limits apply: "/limited/..%2fx" is under /limited for one upstream and /x for
// another, "/api%2Fdata" is /api/data for one and something under / for another.
bool same_route_as_separators(const config::config& cfg, const http::request_context& ctx,
                              const config::route_config* routed) {
  std::string storage;
  const auto target = ctx.header.target();
  const auto other =
      text::route_path({target.data(), target.size()}, storage, text::encoded_separators::decoded);
  return other && match_route(cfg, ctx.header.method_string(), *other) == routed;
}

}  // namespace

/// The configuration with, per route (same index as config.routes), its rate-limit
/// header text: built once per load or reload instead of once per request.
struct gateway_policy::loaded_config {
  explicit loaded_config(config::config_ptr c) : config(std::move(c)) {
    headers.reserve(config->routes.size());
    for (const auto& r : config->routes) {
      headers.emplace_back(
          r.name, r.limits,
          header_selection{.x_ratelimit = r.send_x_ratelimit, .ietf = r.send_ietf});
    }
  }

  [[nodiscard]] const rate_limit_header_text& headers_of(const config::route_config& r) const {
    return headers[static_cast<std::size_t>(&r - config->routes.data())];
  }

  config::config_ptr config;
  std::vector<rate_limit_header_text> headers;
};

gateway_policy::gateway_policy(config::config_ptr initial, policy_services services)
    : services_(std::move(services)) {
  replace_config(std::move(initial));
}

std::shared_ptr<const gateway_policy::loaded_config> gateway_policy::current() const {
  // Every request takes the snapshot. std::atomic<shared_ptr>::load sets a lock bit and
  // bumps a reference count that all workers share, pulling those cache lines from the
  // other cores each time. Each thread keeps its own reference instead, under a control
  // block of its own, and per request only compares a pointer; a reload changes that
  // pointer. (A thread's reference keeps a replaced configuration alive until that thread
  // takes the next one.)
  struct thread_reference {
    const loaded_config* identity = nullptr;
    std::shared_ptr<const loaded_config> local;
  };
  thread_local thread_reference cached;
  if (cached.identity != loaded_identity_.load(std::memory_order_acquire)) {
    auto shared = loaded_.load();
    const auto* raw = shared.get();
    auto owner = std::make_shared<std::shared_ptr<const loaded_config>>(std::move(shared));
    cached.local = std::shared_ptr<const loaded_config>(std::move(owner), raw);
    cached.identity = raw;
  }
  return cached.local;
}

config::config_ptr gateway_policy::current_config() const {
  auto s = current();
  // Aliasing: the config shares the snapshot's ownership.
  return {s, s->config.get()};
}

void gateway_policy::replace_config(config::config_ptr next) {
  auto loaded = std::make_shared<const loaded_config>(std::move(next));
  const auto* identity = loaded.get();
  loaded_.store(std::move(loaded));
  // After the store: a thread that sees the new identity then loads the new snapshot.
  loaded_identity_.store(identity, std::memory_order_release);
}

health_status gateway_policy::health() const {
  health_status h;
  h.draining = draining_.load();
  if (services_.redis_up) h.redis_up = services_.redis_up();
  h.circuit = services_.limiter->state();
  if (services_.analytics_up) h.analytics_up = services_.analytics_up();
  return h;
}

http::plan gateway_policy::operations_endpoint(const http::request_context& ctx) const {
  const auto version = ctx.header.version();
  const auto method = ctx.header.method();
  if (method != beast_http::verb::get && method != beast_http::verb::head) {
    auto res =
        make_local_response(405, "application/json", R"({"error": "method_not_allowed"})", version);
    res.set(beast_http::field::allow, "GET, HEAD");
    return local_plan(std::move(res));
  }
  if (ctx.path == "/health") return local_plan(health_response(health(), version));
  return local_plan(make_local_response(200, "text/plain; version=0.0.4; charset=utf-8",
                                        services_.render_metrics(), version));
}

struct gateway_policy::routed {
  std::shared_ptr<const loaded_config> snapshot;  // keeps *route (and its limits) alive
  const config::route_config* route = nullptr;
  exchange record;
  std::string key;  // the limiter's store key; empty for a route without limits
};

std::variant<http::plan, gateway_policy::routed> gateway_policy::route(
    const http::request_context& ctx) const {
  // Served by the listener itself, before routing: an operator's "path: /" route must not
  // be able to hide the gateway's own health from its load balancer.
  if (ctx.path == "/health" || ctx.path == "/metrics") return operations_endpoint(ctx);

  routed r;
  r.snapshot = current();
  const auto& cfg = *r.snapshot->config;
  r.route = match_route(cfg, ctx.header.method_string(), ctx.path);
  r.record = start_exchange(ctx, r.route != nullptr && !r.route->limits.empty());
  if (text::has_encoded_separator(ctx.path) && !same_route_as_separators(cfg, ctx, r.route)) {
    auto p = local_plan(make_local_response(400, "application/json", ambiguous_path_body(ctx.path),
                                            ctx.header.version()));
    report_completion(p, services_.log, std::move(r.record));
    return p;
  }
  if (r.route == nullptr) {
    auto p = local_plan(make_local_response(404, "application/json", not_found_body(ctx.path),
                                            ctx.header.version()));
    report_completion(p, services_.log, std::move(r.record));
    return p;
  }
  r.record.route = r.route->name;
  if (!r.route->limits.empty()) {
    // X-Forwarded-For is read only when some proxy is trusted, and the client's address
    // formatted only when it is not the peer (whose text the session has).
    const auto chain =
        cfg.trusted_proxies.empty() ? std::string{} : forwarded_for_chain(ctx.header);
    const auto client_ip = resolve_client_ip(ctx.peer, chain, cfg.trusted_proxies);
    std::string resolved_text;
    std::string_view client_text = ctx.peer_text;
    if (client_ip != ctx.peer || client_text.empty()) {
      resolved_text = proxy::address_text(client_ip);
      client_text = resolved_text;
    }
    auto client = resolve_client_key(r.route->key, ctx.header, client_text);
    r.key = store_key(r.route->name, client);
    r.record.client_key = std::move(client.value);
  }
  return r;
}

http::request_handler::started gateway_policy::start(const http::request_context& ctx) {
  auto step = route(ctx);
  if (auto* done = std::get_if<http::plan>(&step)) return {std::move(*done), std::nullopt};
  auto& r = std::get<routed>(step);
  const auto& rt = *r.route;
  const auto before = std::chrono::steady_clock::now();
  auto result = services_.limiter->try_decide_now(r.key, rt.limits, rt.failure_mode, rt.shadow);
  if (!result) return {std::nullopt, finish(ctx, std::move(r))};
  if (!rt.limits.empty())
    services_.log->limiter_duration(std::chrono::steady_clock::now() - before);
  return {conclude(ctx, std::move(r), std::move(*result)), std::nullopt};
}

net::awaitable<http::plan> gateway_policy::handle(const http::request_context& ctx) {
  auto s = start(ctx);
  if (s.ready) co_return std::move(*s.ready);
  co_return co_await std::move(*s.pending);
}

net::awaitable<http::plan> gateway_policy::finish(const http::request_context& ctx, routed r) {
  const auto& rt = *r.route;
  const auto before = std::chrono::steady_clock::now();
  // `r.snapshot` (and so rt.limits) stays alive in this frame across the suspension.
  auto result = co_await services_.limiter->async_decide(r.key, rt.limits, rt.failure_mode,
                                                         rt.shadow, net::use_awaitable);
  if (!rt.limits.empty())
    services_.log->limiter_duration(std::chrono::steady_clock::now() - before);
  co_return conclude(ctx, std::move(r), std::move(result));
}

http::plan gateway_policy::conclude(const http::request_context& ctx, routed r,
                                    limit::decision_result result) const {
  const auto& route = *r.route;
  auto& e = r.record;
  if (!route.limits.empty()) e.decided_at = std::chrono::system_clock::now();
  e.decision = result.what;

  const bool has_verdict = result.what == decision::allowed || result.what == decision::blocked ||
                           result.what == decision::shadow_blocked;
  header_list headers;
  if (has_verdict) {
    const auto& v = result.detail;
    if (v.most_restrictive < route.limits.size()) {
      e.algorithm = std::string(limit::to_string(route.limits[v.most_restrictive].algo));
    }
    headers = r.snapshot->headers_of(route).render(v, e.decided_at);
  }

  http::plan p;
  const auto version = ctx.header.version();
  switch (result.what) {
    case decision::blocked: {
      const auto retry_s = retry_after_seconds(result.detail);
      auto res = make_local_response(route.deny_status, "application/json",
                                     rate_limited_body(route.name, retry_s), version);
      res.set(beast_http::field::retry_after, std::to_string(retry_s));
      proxy::append_fields(res, headers);
      p.local = std::move(res);
      break;
    }
    case decision::fail_closed:
      p.local = make_local_response(503, "application/json", limiter_unavailable_body(route.name),
                                    version);
      break;
    case decision::allowed:
    case decision::shadow_blocked:
    case decision::fail_open:
    case decision::unlimited: {
      const auto& upstreams = r.snapshot->config->upstreams;
      const auto it = upstreams.find(route.upstream);
      if (it == upstreams.end()) {
        // The loader rejects such a file; answer rather than crash if one slipped through.
        p.local = make_local_response(502, "application/json", R"({"error": "unknown_upstream"})",
                                      version);
        break;
      }
      p.upstream = &it->second;
      p.response_headers = std::move(headers);
      break;
    }
  }
  const auto* cfg = r.snapshot->config.get();
  p.snapshot = config::config_ptr(std::move(r.snapshot), cfg);  // aliasing: shares the snapshot
  report_completion(p, services_.log, std::move(e));
  return p;
}

}  // namespace floodgate::policy
