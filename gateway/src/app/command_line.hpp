#pragma once

#include <span>
#include <string>
#include <string_view>

namespace floodgate::app {

/// What the user asked for on the command line.
struct command_line {
  enum class action { run, check, version, help } what = action::run;
  std::string config_path;
};

/// Result of parsing: either a command_line or a usage error to print (exit status 2).
struct parse_result {
  command_line cmd;
  std::string error;  // non-empty: invalid command line
};

/// Parses `floodgate --config FILE [--check] | --version | --help`.
/// Accepts `--config FILE`, `--config=FILE` and `-c FILE`.
[[nodiscard]] parse_result parse_command_line(std::span<const std::string_view> args);

/// The usage text, starting with "usage: <program> ...".
[[nodiscard]] std::string usage(std::string_view program);

}  // namespace floodgate::app
