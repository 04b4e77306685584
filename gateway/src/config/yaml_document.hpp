#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace floodgate::config::detail {

/// Parses `text` as the one YAML document of a config file. Throws config_error
/// (one problem) when the text is not YAML, holds no document at all (empty or
/// only comments: a truncated or wrongly mounted file must not pass as a config
/// with no routes), an empty document (`---` alone, `~`), or more than one
/// document (everything after the first would otherwise be ignored silently).
[[nodiscard]] YAML::Node parse_single_document(const std::string& text,
                                               const std::string& file_name);

}  // namespace floodgate::config::detail
