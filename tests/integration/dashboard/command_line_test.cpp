// floodgate-dashboard's command line: --version, --help, and configuration errors.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "dashboard_stack.hpp"

namespace floodgate::test {
namespace {

// The shell command running the dashboard with `args`, stderr included. Built by
// appending: GCC 12 warns falsely (-Wrestrict) on `"literal" + std::string&&`.
std::string dashboard(const std::string& args) {
  std::string command = "'";
  command += dashboard_binary();
  command += "' ";
  command += args;
  command += " 2>&1";
  return command;
}

// Verifies --version and --help print and exit 0.
TEST(dashboard_command_line, version_and_help) {
  const auto version = run_command(dashboard("--version"));
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("floodgate-dashboard ", 0), 0u) << version.output;
  const auto help = run_command(dashboard("--help"));
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--config"), std::string::npos);
}

// Verifies usage errors exit 1 with a message.
TEST(dashboard_command_line, usage_errors_exit_1) {
  for (const char* args : {"", "--config", "--bogus"}) {
    const auto r = run_command(dashboard(args));
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_NE(r.output.find("usage:"), std::string::npos) << args << ": " << r.output;
  }
}

// Verifies an invalid routes.yaml is reported as file:line:col and exits 1.
TEST(dashboard_command_line, invalid_config_names_file_line_and_column) {
  temp_dir dir;
  const std::string path = dir.path() + "/routes.yaml";
  std::ofstream(path) << "dashboard:\n  listen: 127.0.0.1:8080\n  lisen: x\n";
  const auto r = run_command(dashboard("--config '" + path + "'"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("routes.yaml:3:"), std::string::npos) << r.output;
}

// Verifies a configuration without analytics.postgres is refused (nothing to read).
TEST(dashboard_command_line, missing_postgres_is_an_error) {
  temp_dir dir;
  const std::string path = dir.path() + "/routes.yaml";
  std::ofstream(path) << "dashboard:\n  listen: 127.0.0.1:" << free_port()
                      << "\nupstreams:\n  b:\n    servers: [\"127.0.0.1:9\"]\n"
                      << "routes:\n  - name: all\n    path: /\n    upstream: b\n";
  const auto r = run_command(dashboard("--config '" + path + "'"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("analytics.postgres"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace floodgate::test
