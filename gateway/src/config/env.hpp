#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/problem.hpp"

namespace floodgate::config {

/// Looks up one environment variable; nullopt when it is not set.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment (getenv).
[[nodiscard]] std::optional<std::string> process_env(const std::string& name);

/// Where one reference (or `$$`) was replaced on its line.
struct replacement_span {
  int line = 0;             // 1-based
  int column = 0;           // 1-based, of the replacement in the substituted line
  int length = 0;           // of the replacement
  int original_column = 0;  // 1-based, of the reference's `$` in the file
  int original_length = 0;  // of the reference
};

struct substitution {
  std::string text;                     // the input with every reference replaced
  std::vector<problem> problems;        // one per bad reference; text is unusable if not empty
  std::vector<replacement_span> spans;  // in line and column order

  /// The file's column for `column` of substituted line `line`: a position inside a
  /// replacement is its reference's `$`; later ones shift by what the replacements
  /// before them on that line added or removed. So problems found in the parsed text
  /// point at what the file shows.
  [[nodiscard]] int original_column(int line, int column) const noexcept;
};

/// Replaces environment references in routes.yaml text before it is parsed:
///
///  - `${NAME}`           the value of NAME; an error if NAME is not set
///  - `${NAME:-default}`  the value of NAME, or `default` if NAME is unset or empty
///  - `$$`                a literal `$`
///
/// NAME is [A-Za-z_][A-Za-z0-9_]*. Any other `$` is kept as it is. Lines whose
/// first non-blank character is `#` (whole-line comments) are copied unchanged,
/// so documentation in a config file may mention `${VAR}` freely. The values are
/// inserted as text: quote a YAML value whose substitution may contain `#` or `: `.
[[nodiscard]] substitution substitute_env(std::string_view text, const std::string& file_name,
                                          const env_lookup& lookup = process_env);

}  // namespace floodgate::config
