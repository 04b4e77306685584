// floodgate: the rate-limiting reverse-proxy gateway (SPEC "Gateway command line").
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "app/command_line.hpp"
#include "app/config_check.hpp"
#include "app/descriptor_limit.hpp"
#include "app/gateway_app.hpp"
#include "app/logging.hpp"

int main(int argc, char** argv) {
  using floodgate::app::command_line;
  const std::string_view program = argc > 0 ? argv[0] : "floodgate";
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const auto parsed = floodgate::app::parse_command_line(args);
  if (!parsed.error.empty()) {
    std::cerr << program << ": " << parsed.error << "\n\n" << floodgate::app::usage(program);
    return 2;
  }
  switch (parsed.cmd.what) {
    case command_line::action::help:
      std::cout << floodgate::app::usage(program);
      return 0;
    case command_line::action::version:
      std::cout << "floodgate " << FLOODGATE_VERSION << '\n';
      return 0;
    case command_line::action::check:
      return floodgate::app::check_config(parsed.cmd.config_path, std::cout, std::cerr);
    case command_line::action::run:
      break;
  }

  auto cfg = floodgate::app::load_or_report(parsed.cmd.config_path, std::cerr);
  if (!cfg) return 1;
  try {
    floodgate::app::setup_logging(cfg->logging);
    floodgate::app::raise_descriptor_limit();
    floodgate::app::gateway_app app(std::move(cfg), parsed.cmd.config_path);
    return app.run();
  } catch (const std::exception& e) {
    // Start-up failures (port in use, bad address): one line and a non-zero exit, no core.
    std::cerr << program << ": " << e.what() << '\n';
    return 1;
  }
}
