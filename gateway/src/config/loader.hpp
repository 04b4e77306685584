#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace floodgate::config {

/// One problem in routes.yaml: "routes.yaml:14:9: routes[1].limits[0].window: expected a duration (250ms, 2s, 5m, ...)".
struct problem {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string path;  // YAML path, e.g. routes[1].limits[0].window
  std::string message;
  [[nodiscard]] std::string to_string() const;
};

/// Thrown by load_file/load_string with every problem found (not just the first).
class config_error : public std::runtime_error {
 public:
  explicit config_error(std::vector<problem> problems);
  [[nodiscard]] const std::vector<problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<problem> problems_;
};

/// Reads, substitutes ${VAR} / ${VAR:-default} from the environment, parses and
/// validates. Throws config_error (or config_error with one problem for I/O errors).
[[nodiscard]] config_ptr load_file(const std::string& path);

/// Same, from text; `file_name` is used in messages.
[[nodiscard]] config_ptr load_string(const std::string& text, const std::string& file_name);

}  // namespace floodgate::config
