#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/limiter.hpp>

#include "config/cidr.hpp"
#include "config/endpoint.hpp"

namespace floodgate::config {

using std::chrono::milliseconds;

struct redis_config {
  std::string url = "redis://127.0.0.1:6379/0";
  milliseconds timeout{50};
  std::string key_prefix = "floodgate:";
};

struct analytics_config {
  std::string postgres;  // libpq connection URI
  std::size_t batch_size = 1000;
  milliseconds flush_interval{1000};
  std::size_t buffer = 100000;
};

struct dashboard_config {
  endpoint listen{"0.0.0.0", 8080};
};

struct upstream_config {
  std::string name;
  std::vector<endpoint> servers;  // at least one
  milliseconds connect_timeout{2000};
  milliseconds timeout{30000};  // the whole upstream response
};

/// One element of a route's `key` list.
struct key_source {
  enum class kind : std::uint8_t { ip, header, global } type = kind::ip;
  std::string header;  // for kind::header, as written (matched case-insensitively)
};

enum class header_set : std::uint8_t { x_ratelimit = 1, ietf = 2 };

struct route_config {
  std::string name;
  std::string path;                  // prefix, matched on a segment boundary
  std::vector<std::string> methods;  // empty = all; upper case
  std::string upstream;              // name in config::upstreams
  std::vector<key_source> key{{key_source::kind::ip, {}}};
  limit::failure_mode failure_mode = limit::failure_mode::open;
  bool shadow = false;
  unsigned deny_status = 429;
  bool send_x_ratelimit = true;
  bool send_ietf = true;
  std::vector<limit::limit_spec> limits;  // empty = unlimited
};

/// Proxy limits and timeouts (the `server:` block; all optional).
struct server_config {
  std::size_t max_header_bytes = 16 * 1024;                    // larger -> 431
  std::uint64_t max_body_bytes = 100ull * 1024 * 1024 * 1024;  // larger -> 413 (default 100 GiB)
  milliseconds header_timeout{10000};   // whole request header must arrive within (slowloris)
  milliseconds idle_timeout{60000};     // keep-alive connection idle
  milliseconds drain_timeout{10000};    // SIGTERM: longest wait for in-flight requests
  std::size_t upstream_pool_size = 64;  // idle keep-alive connections kept per server per thread
  // Memory store (no redis:): most limit states held, then those nearest to fresh are
  // evicted; about 110 bytes each. 0 = no bound.
  std::size_t max_limit_states = 2'000'000;
};

struct logging_config {
  std::string level = "info";      // trace | debug | info | warn | error | off
  double access_log_sample = 0.0;  // 0 = no access log, 1 = every request
};

/// The whole validated routes.yaml. Immutable once built; shared by snapshot.
struct config {
  std::string source_file;
  endpoint listen{"0.0.0.0", 8000};
  unsigned threads = 0;    // 0 = one per core
  std::string gateway_id;  // defaulted to host:port of listen when absent
  std::vector<cidr> trusted_proxies;
  std::optional<redis_config> redis;  // absent: memory store
  limit::breaker_options circuit_breaker;
  limit::failure_mode failure_mode = limit::failure_mode::open;
  std::optional<analytics_config> analytics;  // absent: no events
  dashboard_config dashboard;
  std::map<std::string, upstream_config> upstreams;
  std::vector<route_config> routes;
  server_config server;
  logging_config logging;
  bool watch = false;  // reload this file when it changes, as SIGHUP does
};

using config_ptr = std::shared_ptr<const config>;

}  // namespace floodgate::config
