#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace floodgate::app {

/// Settings that a reload cannot change in a running process (the listener, the worker
/// threads, the Redis connections, the analytics writer), as readable names, e.g.
/// "listen", "redis.url". Empty when `next` only changes reloadable settings.
[[nodiscard]] std::vector<std::string> restart_only_changes(const config::config& running,
                                                            const config::config& next);

/// Outcome of reading routes.yaml again on SIGHUP.
struct reload_result {
  config::config_ptr next;            // nullptr: refused, keep the running configuration
  std::vector<std::string> problems;  // one line each, "file:line:col: path: message"
  std::vector<std::string> ignored;   // restart_only_changes(), for a warning
};

/// Loads `path` and compares its restart-only settings with `in_effect` (the
/// configuration the process started with: an earlier reload changed none of them).
/// Those settings of `next` are `in_effect`'s, so the configuration the gateway reports
/// and uses is the one that runs. Never throws.
[[nodiscard]] reload_result reload_config(const std::string& path, const config::config& in_effect);

}  // namespace floodgate::app
