#include "app/reload.hpp"

#include <exception>

#include "config/loader.hpp"

namespace floodgate::app {

std::vector<std::string> restart_only_changes(const config::config& running,
                                              const config::config& next) {
  std::vector<std::string> changed;
  if (running.listen.to_string() != next.listen.to_string()) changed.emplace_back("listen");
  if (running.threads != next.threads) changed.emplace_back("threads");
  if (running.gateway_id != next.gateway_id) changed.emplace_back("gateway_id");
  if (running.redis.has_value() != next.redis.has_value()) {
    changed.emplace_back("redis");
  } else if (running.redis) {
    if (running.redis->url != next.redis->url) changed.emplace_back("redis.url");
    if (running.redis->timeout != next.redis->timeout) changed.emplace_back("redis.timeout");
    if (running.redis->key_prefix != next.redis->key_prefix) {
      changed.emplace_back("redis.key_prefix");
    }
  }
  const auto& rb = running.circuit_breaker;
  const auto& nb = next.circuit_breaker;
  if (rb.failure_threshold != nb.failure_threshold || rb.reset_timeout != nb.reset_timeout) {
    changed.emplace_back("circuit_breaker");
  }
  if (running.analytics.has_value() != next.analytics.has_value()) {
    changed.emplace_back("analytics");
  } else if (running.analytics) {
    const auto& ra = *running.analytics;
    const auto& na = *next.analytics;
    if (ra.postgres != na.postgres || ra.batch_size != na.batch_size ||
        ra.flush_interval != na.flush_interval || ra.buffer != na.buffer) {
      changed.emplace_back("analytics");
    }
  }
  return changed;
}

namespace {

// The settings restart_only_changes() lists, taken from the configuration in effect.
void keep_restart_only(config::config& next, const config::config& in_effect) {
  next.listen = in_effect.listen;
  next.threads = in_effect.threads;
  next.gateway_id = in_effect.gateway_id;
  next.redis = in_effect.redis;
  next.circuit_breaker = in_effect.circuit_breaker;
  next.analytics = in_effect.analytics;
}

}  // namespace

reload_result reload_config(const std::string& path, const config::config& in_effect) {
  reload_result r;
  config::config_ptr loaded;
  try {
    loaded = config::load_file(path);
  } catch (const config::config_error& e) {
    for (const auto& p : e.problems()) r.problems.push_back(p.to_string());
    return r;
  } catch (const std::exception& e) {
    r.problems.push_back(path + ": " + e.what());
    return r;
  }
  r.ignored = restart_only_changes(in_effect, *loaded);
  auto next = std::make_shared<config::config>(*loaded);
  keep_restart_only(*next, in_effect);
  r.next = std::move(next);
  return r;
}

}  // namespace floodgate::app
