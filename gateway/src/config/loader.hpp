#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/env.hpp"
#include "config/problem.hpp"

namespace floodgate::config {

/// Thrown by load_file/load_string with every problem found (not just the
/// first), sorted by position. what() is format_problems() of it.
class config_error : public std::runtime_error {
 public:
  explicit config_error(std::vector<problem> problems);
  [[nodiscard]] const std::vector<problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<problem> problems_;
};

/// One line per problem, each ending in '\n', for `--check` and reload logs.
[[nodiscard]] std::string format_problems(const config_error& e);

/// Reads, substitutes ${VAR} / ${VAR:-default} from the environment, parses and
/// validates. Throws config_error (with one problem for I/O errors). `path` is
/// used in messages exactly as given. Thread safe (reads the environment).
[[nodiscard]] config_ptr load_file(const std::string& path);

/// Same, from text; `file_name` is used in messages.
[[nodiscard]] config_ptr load_string(const std::string& text, const std::string& file_name);

/// Same, with the environment replaced by `env` (for tests and tools).
[[nodiscard]] config_ptr load_string(const std::string& text, const std::string& file_name,
                                     const env_lookup& env);

}  // namespace floodgate::config
