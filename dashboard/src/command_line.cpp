#include "command_line.hpp"

namespace floodgate::dashboard {

std::string usage() {
  return "usage: floodgate-dashboard --config routes.yaml\n"
         "       floodgate-dashboard --version | --help\n"
         "\n"
         "Serves the floodgate dashboard: the page at / and the JSON API under /api,\n"
         "read from PostgreSQL. Uses `analytics.postgres` and `dashboard.listen`\n"
         "(default 0.0.0.0:8080) from routes.yaml.\n";
}

boost::system::result<options, std::string> parse_command_line(
    const std::vector<std::string_view>& args) {
  options o;
  constexpr std::string_view config_eq = "--config=";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto a = args[i];
    if (a == "--help" || a == "-h") {
      o.what = options::action::help;
    } else if (a == "--version") {
      o.what = options::action::version;
    } else if (a == "--config" || a == "-c") {
      if (i + 1 == args.size()) return std::string("--config needs a file name");
      o.config_path = std::string(args[++i]);
    } else if (a.starts_with(config_eq)) {
      o.config_path = std::string(a.substr(config_eq.size()));
    } else {
      return "unknown argument '" + std::string(a) + "'";
    }
  }
  if (o.what == options::action::run && o.config_path.empty()) {
    return std::string("--config is required");
  }
  return o;
}

}  // namespace floodgate::dashboard
