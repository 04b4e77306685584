#pragma once

#include <string>

namespace floodgate::config {

/// One problem in routes.yaml, printed as
/// "routes.yaml:14:9: routes[1].limits[0].window: expected a duration (250ms, 2s, 5m, ...)".
struct problem {
  std::string file;  // as given on the command line
  int line = 0;      // 1-based; 0 = the problem concerns the whole file
  int column = 0;    // 1-based; 0 when line is 0
  std::string path;  // YAML path, e.g. routes[1].limits[0].window; empty for file-level problems
  std::string message;

  /// "file:line:col: path: message", leaving out the parts that are unknown.
  [[nodiscard]] std::string to_string() const;
};

}  // namespace floodgate::config
