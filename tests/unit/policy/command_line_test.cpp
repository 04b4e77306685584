// The process side of the policy (src/app): command line parsing and which settings a
// reload can apply.
#include "app/command_line.hpp"

#include <gtest/gtest.h>

#include "app/reload.hpp"

namespace floodgate::app {
namespace {

using action = command_line::action;

parse_result parse(std::initializer_list<std::string_view> args) {
  const std::vector<std::string_view> v(args);
  return parse_command_line(v);
}

// Verifies the SPEC forms and the accepted spellings of --config.
TEST(parse_command_line, forms) {
  auto r = parse({"--config", "routes.yaml"});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.cmd.what, action::run);
  EXPECT_EQ(r.cmd.config_path, "routes.yaml");

  r = parse({"--config", "a.yaml", "--check"});
  EXPECT_EQ(r.cmd.what, action::check);
  EXPECT_EQ(r.cmd.config_path, "a.yaml");
  EXPECT_EQ(parse({"--check", "--config=b.yaml"}).cmd.config_path, "b.yaml");
  EXPECT_EQ(parse({"-c", "c.yaml"}).cmd.config_path, "c.yaml");

  EXPECT_EQ(parse({"--version"}).cmd.what, action::version);
  EXPECT_EQ(parse({"--help"}).cmd.what, action::help);
  EXPECT_EQ(parse({"--config", "x", "--help"}).cmd.what, action::help);
}

// Verifies every malformed command line is an error (exit 2), never a silent default.
TEST(parse_command_line, errors) {
  EXPECT_EQ(parse({}).error, "--config is required");
  EXPECT_EQ(parse({"--check"}).error, "--config is required");
  EXPECT_EQ(parse({"--config"}).error, "--config needs a file name");
  EXPECT_EQ(parse({"--config", "a", "--verbose"}).error, "unknown option '--verbose'");
  EXPECT_EQ(parse({"routes.yaml"}).error, "unknown option 'routes.yaml'");
}

// Verifies the usage text names every form.
TEST(usage, mentions_every_form) {
  const auto u = usage("floodgate");
  EXPECT_TRUE(u.starts_with("usage: floodgate --config routes.yaml"));
  EXPECT_NE(u.find("--check"), std::string::npos);
  EXPECT_NE(u.find("--version"), std::string::npos);
}

// Verifies a reload reports exactly the settings that need a restart.
TEST(restart_only_changes, lists_what_a_reload_cannot_apply) {
  config::config a;
  config::config b;
  EXPECT_TRUE(restart_only_changes(a, b).empty());

  b.routes.resize(3);  // routes, limits, logging, server: all reloadable
  b.logging.level = "debug";
  b.server.drain_timeout = std::chrono::seconds(1);
  EXPECT_TRUE(restart_only_changes(a, b).empty());

  b.listen.port = 9999;
  b.threads = 7;
  b.redis = config::redis_config{};
  b.analytics = config::analytics_config{};
  b.circuit_breaker.failure_threshold = 9;
  EXPECT_EQ(restart_only_changes(a, b), (std::vector<std::string>{"listen", "threads", "redis",
                                                                  "circuit_breaker", "analytics"}));

  a.redis = config::redis_config{};
  b = a;
  b.redis->url = "redis://10.0.0.1:6379/0";
  b.redis->timeout = std::chrono::milliseconds(5);
  EXPECT_EQ(restart_only_changes(a, b), (std::vector<std::string>{"redis.url", "redis.timeout"}));
}

}  // namespace
}  // namespace floodgate::app
