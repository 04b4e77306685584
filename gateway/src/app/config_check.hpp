#pragma once

#include <iosfwd>
#include <string>

#include "config/config.hpp"

namespace floodgate::app {

/// Loads `path` for start-up or `--check`. On failure writes every problem, one per line
/// ("routes.yaml:14:9: routes[1].limits[0].window: expected a duration ..."), to `err`
/// and returns nullptr. Never throws.
[[nodiscard]] config::config_ptr load_or_report(const std::string& path, std::ostream& err);

/// `floodgate --config FILE --check`: 0 and "FILE: OK" on `out` when valid, else 1.
[[nodiscard]] int check_config(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace floodgate::app
