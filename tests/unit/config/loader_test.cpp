// What a valid routes.yaml turns into: defaults, every field, and the
// normalisations the rest of the gateway relies on.
#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace floodgate::config {
namespace {

using namespace std::chrono_literals;

std::optional<std::string> no_env(const std::string&) {
  return std::nullopt;
}

config_ptr load(const std::string& text) {
  return load_string(text, "test.yaml", no_env);
}

std::string problems_of(const std::string& text) {
  try {
    (void)load(text);
  } catch (const config_error& e) {
    return format_problems(e);
  }
  return "";
}

// Verifies a document with no routes is a valid config with every default of SPEC.md
// (an empty file is refused: fixtures_test.cpp).
TEST(loader, no_settings_gives_defaults) {
  const auto c = load("routes: []\n");
  EXPECT_EQ(c->source_file, "test.yaml");
  EXPECT_EQ(c->listen, (endpoint{"0.0.0.0", 8000}));
  EXPECT_EQ(c->threads, 0u);
  EXPECT_EQ(c->gateway_id, "0.0.0.0:8000");
  EXPECT_TRUE(c->trusted_proxies.empty());
  EXPECT_FALSE(c->redis.has_value());
  EXPECT_FALSE(c->analytics.has_value());
  EXPECT_EQ(c->circuit_breaker.failure_threshold, 5u);
  EXPECT_EQ(c->circuit_breaker.reset_timeout, 2s);
  EXPECT_EQ(c->failure_mode, limit::failure_mode::open);
  EXPECT_EQ(c->dashboard.listen, (endpoint{"0.0.0.0", 8080}));
  EXPECT_TRUE(c->upstreams.empty());
  EXPECT_TRUE(c->routes.empty());
  EXPECT_EQ(c->server.max_header_bytes, 16u * 1024);
  EXPECT_EQ(c->logging.level, "info");
}

// Verifies gateway_id follows listen when it is not given.
TEST(loader, gateway_id_defaults_to_listen) {
  EXPECT_EQ(load("listen: '[::1]:9000'")->gateway_id, "[::1]:9000");
  EXPECT_EQ(load("listen: 127.0.0.1:9000\ngateway_id: edge-7")->gateway_id, "edge-7");
}

// Verifies an empty block means "present with defaults" (redis: turns Redis on).
TEST(loader, empty_blocks_take_defaults) {
  const auto c = load("redis:\ncircuit_breaker:\nserver:\nlogging:\nupstreams:\n");
  ASSERT_TRUE(c->redis.has_value());
  EXPECT_EQ(c->redis->url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(c->redis->timeout, 50ms);
  EXPECT_EQ(c->redis->key_prefix, "floodgate:");
}

// Verifies every top-level block is read into its field.
TEST(loader, blocks) {
  const auto c = load(R"(
listen: 127.0.0.1:8001
threads: 3
trusted_proxies: [10.0.0.0/8, "::1"]
redis: {url: "unix:///run/redis.sock", timeout: 20ms, key_prefix: "fg:"}
circuit_breaker: {failure_threshold: 3, reset_timeout: 500ms}
failure_mode: closed
analytics: {postgres: "postgresql:///fg", batch_size: 10, flush_interval: 0.5, buffer: 100}
dashboard: {listen: "127.0.0.1:8081"}
server:
  max_header_bytes: 8k
  max_body_bytes: 10m
  header_timeout: 3s
  idle_timeout: 1m
  drain_timeout: 0
  upstream_pool_size: 0
logging: {level: debug, access_log_sample: 0.25}
)");
  EXPECT_EQ(c->listen, (endpoint{"127.0.0.1", 8001}));
  EXPECT_EQ(c->threads, 3u);
  ASSERT_EQ(c->trusted_proxies.size(), 2u);
  EXPECT_EQ(c->trusted_proxies[1].to_string(), "::1/128");
  EXPECT_EQ(c->redis->url, "unix:///run/redis.sock");
  EXPECT_EQ(c->redis->timeout, 20ms);
  EXPECT_EQ(c->redis->key_prefix, "fg:");
  EXPECT_EQ(c->circuit_breaker.failure_threshold, 3u);
  EXPECT_EQ(c->circuit_breaker.reset_timeout, 500ms);
  EXPECT_EQ(c->failure_mode, limit::failure_mode::closed);
  EXPECT_EQ(c->analytics->postgres, "postgresql:///fg");
  EXPECT_EQ(c->analytics->batch_size, 10u);
  EXPECT_EQ(c->analytics->flush_interval, 500ms);
  EXPECT_EQ(c->analytics->buffer, 100u);
  EXPECT_EQ(c->dashboard.listen.port, 8081);
  EXPECT_EQ(c->server.max_header_bytes, 8u * 1024);
  EXPECT_EQ(c->server.max_body_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(c->server.header_timeout, 3s);
  EXPECT_EQ(c->server.idle_timeout, 1min);
  EXPECT_EQ(c->server.drain_timeout, 0ms);
  EXPECT_EQ(c->server.upstream_pool_size, 0u);
  EXPECT_EQ(c->logging.level, "debug");
  EXPECT_DOUBLE_EQ(c->logging.access_log_sample, 0.25);
}

constexpr const char* upstream = "upstreams: {backend: {servers: ['127.0.0.1:9001']}}\n";

// Verifies a route's fields, in file order, with its limits.
TEST(loader, route_fields) {
  const auto c = load(std::string(upstream) + R"(
failure_mode: closed
routes:
  - name: data
    path: /api/data
    methods: [get, POST, GET]
    upstream: backend
    key: [header:X-API-Key, ip, global]
    failure_mode: open
    shadow: true
    deny_status: 503
    headers: [ietf]
    limits:
      - {algorithm: sliding_window, limit: 10, window: 1m}
      - {algorithm: gcra, limit: 100, window: 1h}
  - name: rest
    path: /
    upstream: backend
)");
  ASSERT_EQ(c->routes.size(), 2u);
  const route_config& r = c->routes[0];
  EXPECT_EQ(r.name, "data");
  EXPECT_EQ(r.path, "/api/data");
  EXPECT_EQ(r.methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(r.upstream, "backend");
  ASSERT_EQ(r.key.size(), 3u);
  EXPECT_EQ(r.key[0].type, key_source::kind::header);
  EXPECT_EQ(r.key[0].header, "X-API-Key");
  EXPECT_EQ(r.key[1].type, key_source::kind::ip);
  EXPECT_EQ(r.key[2].type, key_source::kind::global);
  EXPECT_EQ(r.failure_mode, limit::failure_mode::open);
  EXPECT_TRUE(r.shadow);
  EXPECT_EQ(r.deny_status, 503u);
  EXPECT_FALSE(r.send_x_ratelimit);
  EXPECT_TRUE(r.send_ietf);
  EXPECT_EQ(r.limits, (std::vector<limit::limit_spec>{{limit::algorithm::sliding_window, 10, 60s},
                                                      {limit::algorithm::gcra, 100, 3600s}}));

  // The second route takes every default, including the top-level failure_mode.
  const route_config& rest = c->routes[1];
  EXPECT_TRUE(rest.methods.empty());
  ASSERT_EQ(rest.key.size(), 1u);
  EXPECT_EQ(rest.key[0].type, key_source::kind::ip);
  EXPECT_EQ(rest.failure_mode, limit::failure_mode::closed);
  EXPECT_FALSE(rest.shadow);
  EXPECT_EQ(rest.deny_status, 429u);
  EXPECT_TRUE(rest.send_x_ratelimit);
  EXPECT_TRUE(rest.send_ietf);
  EXPECT_TRUE(rest.limits.empty());
}

// Verifies the single-string forms of key, methods and headers, and headers: [].
TEST(loader, scalar_lists) {
  const auto c = load(std::string(upstream) + R"(
routes:
  - {name: a, path: /a, upstream: backend, key: "header:X-Tenant", methods: delete, headers: []}
)");
  const route_config& r = c->routes[0];
  ASSERT_EQ(r.key.size(), 1u);
  EXPECT_EQ(r.key[0].header, "X-Tenant");
  EXPECT_EQ(r.methods, std::vector<std::string>{"DELETE"});
  EXPECT_FALSE(r.send_x_ratelimit);
  EXPECT_FALSE(r.send_ietf);
}

// Verifies upstream servers, several, IPv6 included, and their timeouts.
TEST(loader, upstreams) {
  const auto c = load(R"(
upstreams:
  api:
    servers: ["10.0.0.1:80", "[fd00::1]:8080", "api.internal:9000"]
    connect_timeout: 250ms
    timeout: 5s
)");
  const upstream_config& u = c->upstreams.at("api");
  EXPECT_EQ(u.name, "api");
  EXPECT_EQ(u.servers,
            (std::vector<endpoint>{{"10.0.0.1", 80}, {"fd00::1", 8080}, {"api.internal", 9000}}));
  EXPECT_EQ(u.connect_timeout, 250ms);
  EXPECT_EQ(u.timeout, 5s);
}

// Verifies substitution happens before parsing, so it can fill any value.
TEST(loader, environment_substitution) {
  const auto c = load_string("listen: ${LISTEN}\nthreads: ${THREADS:-2}\n", "env.yaml",
                             [](const std::string& name) -> std::optional<std::string> {
                               if (name == "LISTEN") return "127.0.0.1:7000";
                               return std::nullopt;
                             });
  EXPECT_EQ(c->listen.port, 7000);
  EXPECT_EQ(c->threads, 2u);
}

// Verifies a problem on a line with substitutions points at the file's column: a bad
// substituted value at its reference's `$`, a later value shifted back by what the
// replacements before it changed (a longer value, a shorter one, `$$`).
TEST(loader, problems_point_at_the_files_columns_after_substitution) {
  const env_lookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "LONG_HOST") return "a-very-long-host-name.example";
    if (name == "T") return "x";
    return std::nullopt;
  };
  auto problems_with_env = [&](const std::string& text) {
    try {
      (void)load_string(text, "env.yaml", env);
    } catch (const config_error& e) {
      return format_problems(e);
    }
    return std::string("(no problem)");
  };
  const std::string threads = "expected an integer from 0 to 4096 (0 = one per core)\n";
  EXPECT_EQ(problems_with_env("threads: ${T}\n"), "env.yaml:1:10: threads: " + threads);
  EXPECT_EQ(problems_with_env("upstreams: {u: {servers: ['${LONG_HOST}:80'], timeout: 5x}}\n"),
            "env.yaml:1:56: upstreams.u.timeout: expected a duration (250ms, 2s, 5m, ...)\n");
  EXPECT_EQ(problems_with_env("{gateway_id: 'a$$${T:-h}', threads: -1}\n"),
            "env.yaml:1:37: threads: " + threads);
}

// Verifies a list element that is not a mapping, and a limit list that is not a list.
TEST(loader, nested_type_errors) {
  EXPECT_EQ(problems_of(std::string(upstream) +
                        "routes:\n  - just-a-string\n  - {name: b, path: /b, upstream: backend, "
                        "limits: {algorithm: gcra}}\n"),
            "test.yaml:3:5: routes[0]: expected a mapping\n"
            "test.yaml:4:52: routes[1].limits: expected a list\n");
}

// Verifies the batch/buffer check names whichever of the two was written.
TEST(loader, buffer_smaller_than_default_batch) {
  EXPECT_EQ(problems_of("analytics: {postgres: 'postgresql:///x', buffer: 10}\n"),
            "test.yaml:1:50: analytics.buffer: must be at least batch_size (1000)\n");
}

// Verifies problems from different passes come out in document order.
TEST(loader, problems_sorted_by_position) {
  EXPECT_EQ(problems_of("routes:\n  - {name: a, path: /a, upstream: nowhere}\nthreads: x\n"),
            "test.yaml:2:35: routes[0].upstream: unknown upstream 'nowhere' (no upstreams are "
            "defined)\n"
            "test.yaml:3:10: threads: expected an integer from 0 to 4096 (0 = one per core)\n");
}

// Verifies analytics.postgres takes both forms libpq reads: key=value and URI.
TEST(loader, postgres_connection_string_forms) {
  for (const std::string dsn : {"host=127.0.0.1 port=5432 dbname=floodgate user=fg",
                                "postgresql://fg:secret@127.0.0.1:5432/floodgate?sslmode=disable",
                                "postgres:///floodgate"}) {
    EXPECT_EQ(load("analytics: {postgres: '" + dsn + "'}\n")->analytics->postgres, dsn);
  }
}

// Verifies the Redis URLs the store accepts pass the config check too.
TEST(loader, redis_url_forms) {
  for (const std::string url : {"redis://127.0.0.1:6379/2", "redis://:p%40ss@[::1]:6380",
                                "redis://user:pw@cache", "unix:///run/redis.sock?db=1"}) {
    EXPECT_EQ(load("redis: {url: '" + url + "'}\n")->redis->url, url);
  }
}

}  // namespace
}  // namespace floodgate::config
