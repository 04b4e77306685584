#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace floodgate::dashboard {

/// What the command line asks for.
struct options {
  enum class action { run, help, version } what = action::run;
  std::string config_path;
};

/// Parses `floodgate-dashboard --config FILE | --help | --version` (`--config=FILE`
/// works too). The error text is meant for stderr, followed by the usage.
[[nodiscard]] boost::system::result<options, std::string> parse_command_line(
    const std::vector<std::string_view>& args);

/// The --help text.
[[nodiscard]] std::string usage();

}  // namespace floodgate::dashboard
