#include "app/command_line.hpp"

namespace floodgate::app {

parse_result parse_command_line(std::span<const std::string_view> args) {
  parse_result r;
  bool check = false;
  bool version = false;
  bool help = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto arg = args[i];
    if (arg == "--check") {
      check = true;
    } else if (arg == "--version" || arg == "-V") {
      version = true;
    } else if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--config" || arg == "-c") {
      if (i + 1 >= args.size()) {
        r.error = std::string(arg) + " needs a file name";
        return r;
      }
      r.cmd.config_path = std::string(args[++i]);
    } else if (arg.starts_with("--config=")) {
      r.cmd.config_path = std::string(arg.substr(std::string_view("--config=").size()));
    } else {
      r.error = "unknown option '" + std::string(arg) + "'";
      return r;
    }
  }
  // --help and --version answer without a configuration, like every other daemon.
  if (help) {
    r.cmd.what = command_line::action::help;
  } else if (version) {
    r.cmd.what = command_line::action::version;
  } else if (r.cmd.config_path.empty()) {
    r.error = "--config is required";
  } else {
    r.cmd.what = check ? command_line::action::check : command_line::action::run;
  }
  return r;
}

std::string usage(std::string_view program) {
  const std::string p(program);
  return "usage: " + p + " --config routes.yaml           run the gateway\n" + "       " + p +
         " --config routes.yaml --check   validate the file and exit\n" + "       " + p +
         " --version\n" + "       " + p +
         " --help\n"
         "\n"
         "signals: SIGHUP reloads routes.yaml, as saving it does with `watch: true` (an\n"
         "invalid file is refused, the old one keeps serving); SIGTERM/SIGINT drain in-flight\n"
         "requests, flush analytics and exit 0.\n";
}

}  // namespace floodgate::app
