#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include <floodgate/analytics/connection_string.hpp>

#include "config/build.hpp"
#include "config/schema.hpp"
#include "redis/redis_url.hpp"

// Everything except the routes: the listener, Redis, analytics, upstreams and
// the server/logging extensions.
namespace floodgate::config::detail {

bool is_config_name(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

namespace {

constexpr std::string_view positive_integer = "expected a positive integer";

std::optional<redis_config> read_redis(reader& r, const field& f) {
  const mapping m(r, f, schema::redis);
  if (!m.valid()) return std::nullopt;
  redis_config out;
  if (auto url = m.get("url")) {
    if (auto text = r.string(*url)) {
      // The store's own parser: a URL passes here exactly when the gateway can start
      // with it. Its message for a wrong scheme would repeat the URL (and a password).
      const auto parsed = redis::parse_redis_url(*text);
      if (!text->starts_with("redis://") && !text->starts_with("unix://")) {
        r.report(*url, "expected a redis://[:password@]host:port[/db] or unix:///path URL");
      } else if (!parsed) {
        r.report(*url, "invalid Redis URL: " + parsed.error());
      } else {
        out.url = *text;
      }
    }
  }
  read_into(m, "timeout", out.timeout, [&](const field& v) { return r.duration(v); });
  read_into(m, "key_prefix", out.key_prefix, [&](const field& v) { return r.string(v); });
  return out;
}

limit::breaker_options read_breaker(reader& r, const field& f) {
  limit::breaker_options out;
  const mapping m(r, f, schema::circuit_breaker);
  read_into(m, "failure_threshold", out.failure_threshold,
            [&](const field& v) { return r.integer(v, 1, UINT32_MAX, positive_integer); });
  read_into(m, "reset_timeout", out.reset_timeout, [&](const field& v) { return r.duration(v); });
  return out;
}

std::optional<analytics_config> read_analytics(reader& r, const field& f) {
  const mapping m(r, f, schema::analytics);
  if (!m.valid()) return std::nullopt;
  analytics_config out;
  if (auto dsn = m.require("postgres")) {
    auto text = r.string(*dsn);
    if (text && text->empty()) {
      r.report(*dsn, "expected a PostgreSQL connection string");
    } else if (auto why = text ? analytics::connection_string_problem(*text) : std::nullopt) {
      r.report(*dsn, "invalid PostgreSQL connection string: " + *why);
    } else if (text) {
      out.postgres = *text;
    }
  }
  auto count = [&](const field& v) { return r.integer(v, 1, UINT32_MAX, positive_integer); };
  read_into(m, "batch_size", out.batch_size, count);
  read_into(m, "buffer", out.buffer, count);
  read_into(m, "flush_interval", out.flush_interval, [&](const field& v) { return r.duration(v); });
  if (out.batch_size > out.buffer) {
    // A batch that can never fill would only ever be written by the timer.
    if (auto batch = m.get("batch_size")) {
      r.report(*batch, "must not be larger than buffer (" + std::to_string(out.buffer) + ")");
    } else {
      r.report(*m.get("buffer"),
               "must be at least batch_size (" + std::to_string(out.batch_size) + ")");
    }
  }
  return out;
}

std::map<std::string, upstream_config> read_upstreams(reader& r, const field& f) {
  std::map<std::string, upstream_config> out;
  const mapping names(r, f, is_config_name, config_name_rule);
  for (const auto& [name, value] : names.entries()) {
    const mapping m(r, value, schema::upstream);
    if (!m.valid()) continue;
    upstream_config u;
    u.name = name;
    if (auto servers = m.require("servers")) {
      const auto list = r.list(*servers);
      if (list.empty() && (servers->node.IsSequence() || servers->node.IsNull())) {
        r.report(*servers, "expected at least one host:port");
      }
      for (const auto& s : list) {
        if (auto e = r.host_port(s)) u.servers.push_back(*e);
      }
    }
    read_into(m, "connect_timeout", u.connect_timeout,
              [&](const field& v) { return r.duration(v); });
    read_into(m, "timeout", u.timeout, [&](const field& v) { return r.duration(v); });
    out.emplace(name, std::move(u));
  }
  return out;
}

server_config read_server(reader& r, const field& f) {
  server_config out;
  const mapping m(r, f, schema::server);
  read_into(m, "max_header_bytes", out.max_header_bytes, [&](const field& v) {
    auto bytes = r.size(v);
    // Beast keeps header limits in 32 bits; anything near that is a mistake.
    if (bytes && *bytes > (16u << 20)) {
      r.report(v, "must be at most 16m");
      return std::optional<std::uint64_t>{};
    }
    return bytes;
  });
  read_into(m, "max_body_bytes", out.max_body_bytes, [&](const field& v) { return r.size(v); });
  auto timeout = [&](const field& v) { return r.duration(v); };
  read_into(m, "header_timeout", out.header_timeout, timeout);
  read_into(m, "idle_timeout", out.idle_timeout, timeout);
  // 0 is meaningful here: stop without waiting for in-flight requests.
  read_into(m, "drain_timeout", out.drain_timeout,
            [&](const field& v) { return r.duration(v, true); });
  read_into(m, "upstream_pool_size", out.upstream_pool_size, [&](const field& v) {
    return r.integer(v, 0, 100000, "expected an integer from 0 to 100000");
  });
  read_into(m, "max_limit_states", out.max_limit_states, [&](const field& v) {
    return r.integer(v, 0, 1'000'000'000,
                     "expected an integer from 0 to 1000000000 (0 = no bound)");
  });
  return out;
}

logging_config read_logging(reader& r, const field& f) {
  static constexpr std::array<std::string_view, 7> levels{"trace", "debug",    "info", "warn",
                                                          "error", "critical", "off"};
  logging_config out;
  const mapping m(r, f, schema::logging);
  if (auto level = m.get("level")) {
    auto text = r.string(*level);
    if (text && std::find(levels.begin(), levels.end(), *text) != levels.end()) {
      out.level = *text;
    } else if (text) {
      r.report(*level, "expected one of: trace, debug, info, warn, error, critical, off");
    }
  }
  read_into(m, "access_log_sample", out.access_log_sample,
            [&](const field& v) { return r.number(v, 0.0, 1.0, "expected a number from 0 to 1"); });
  return out;
}

void read_trusted_proxies(reader& r, const field& f, std::vector<cidr>& out) {
  for (const auto& element : r.list(f)) {
    auto text = r.string(element);
    if (!text) continue;
    auto parsed = parse_cidr(*text);
    if (parsed) {
      out.push_back(*parsed);
    } else {
      r.report(element,
               "expected a CIDR such as 10.0.0.0/8 or ::1/128 (" + parsed.error().message() + ")");
    }
  }
}

}  // namespace

std::optional<limit::failure_mode> read_failure_mode(reader& r, const field& f) {
  auto text = r.string(f);
  if (!text) return std::nullopt;
  if (*text == "open") return limit::failure_mode::open;
  if (*text == "closed") return limit::failure_mode::closed;
  r.report(f, "expected open or closed");
  return std::nullopt;
}

config build_config(reader& r, const YAML::Node& root) {
  config c;
  c.source_file = r.file();
  const mapping top(r, field{root, "", root.Mark()}, schema::top_level);
  if (!top.valid()) return c;

  read_into(top, "listen", c.listen, [&](const field& v) { return r.host_port(v); });
  read_into(top, "threads", c.threads, [&](const field& v) {
    return r.integer(v, 0, 4096, "expected an integer from 0 to 4096 (0 = one per core)");
  });
  c.gateway_id = c.listen.to_string();
  if (auto id = top.get("gateway_id")) {
    auto text = r.string(*id);
    if (text && text->empty()) {
      r.report(*id, "must not be empty");
    } else if (text) {
      c.gateway_id = *text;
    }
  }
  if (auto f = top.get("trusted_proxies")) read_trusted_proxies(r, *f, c.trusted_proxies);
  if (auto f = top.get("redis")) c.redis = read_redis(r, *f);
  if (auto f = top.get("circuit_breaker")) c.circuit_breaker = read_breaker(r, *f);
  read_into(top, "failure_mode", c.failure_mode,
            [&](const field& v) { return read_failure_mode(r, v); });
  if (auto f = top.get("analytics")) c.analytics = read_analytics(r, *f);
  if (auto f = top.get("dashboard")) {
    const mapping m(r, *f, schema::dashboard);
    read_into(m, "listen", c.dashboard.listen, [&](const field& v) { return r.host_port(v); });
  }
  if (auto f = top.get("upstreams")) c.upstreams = read_upstreams(r, *f);
  if (auto f = top.get("server")) c.server = read_server(r, *f);
  if (auto f = top.get("logging")) c.logging = read_logging(r, *f);
  read_into(top, "watch", c.watch, [&](const field& v) { return r.boolean(v); });
  // Last: routes refer to the upstreams and inherit the top-level failure_mode.
  if (auto f = top.get("routes")) c.routes = build_routes(r, *f, c);
  return c;
}

}  // namespace floodgate::config::detail
