// The shipped examples: config/routes.yaml documents every key, and both it
// and config/demo.yaml load cleanly with the environment defaults.
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "config/loader.hpp"
#include "config/schema.hpp"

namespace floodgate::config {
namespace {

const std::string examples = FLOODGATE_CONFIG_EXAMPLES;

std::optional<std::string> no_env(const std::string&) {
  return std::nullopt;
}

config_ptr load_example(const std::string& name) {
  const std::string path = examples + "/" + name;
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return load_string(text.str(), name, no_env);
  } catch (const config_error& e) {
    ADD_FAILURE() << format_problems(e);
    return nullptr;
  }
}

/// Keys used at `where` (schema::key_set notation), over every instance of it.
void collect_keys(const YAML::Node& node, const std::string& where,
                  std::map<std::string, std::set<std::string>>& used) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      used[where].insert(key);
      std::string child = where.empty() ? key : where + "." + key;
      if (where == "upstreams") child = "upstreams.*";
      collect_keys(kv.second, child, used);
    }
  } else if (node.IsSequence()) {
    for (const auto& element : node) collect_keys(element, where + "[]", used);
  }
}

// Verifies the commented example loads with the environment defaults.
TEST(examples, routes_yaml_loads) {
  const auto c = load_example("routes.yaml");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->gateway_id, "gw-1");
  EXPECT_EQ(c->routes.size(), 4u);
  EXPECT_TRUE(c->redis.has_value());
  EXPECT_TRUE(c->analytics.has_value());
}

// Verifies every key the loader accepts appears in routes.yaml at least once,
// and nothing else does (the loader would have refused it anyway).
TEST(examples, routes_yaml_uses_every_key) {
  std::map<std::string, std::set<std::string>> used;
  collect_keys(YAML::LoadFile(examples + "/routes.yaml"), "", used);
  for (const auto& set : schema::all) {
    const std::set<std::string> allowed(set.keys.begin(), set.keys.end());
    EXPECT_EQ(used[std::string(set.where)], allowed) << "keys at '" << set.where << "'";
  }
  // Every algorithm is shown at least once.
  std::set<std::string> algorithms;
  const auto c = load_example("routes.yaml");
  ASSERT_NE(c, nullptr);
  for (const auto& route : c->routes) {
    for (const auto& l : route.limits) algorithms.insert(std::string(limit::to_string(l.algo)));
  }
  EXPECT_EQ(algorithms.size(), 6u);
}

// Verifies the demo config: the listener, backend and the one limited route.
TEST(examples, demo_yaml_loads) {
  const auto c = load_example("demo.yaml");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->listen, (endpoint{"127.0.0.1", 8000}));
  EXPECT_EQ(c->upstreams.at("backend").servers, (std::vector<endpoint>{{"127.0.0.1", 9001}}));
  EXPECT_EQ(c->redis->url, "redis://127.0.0.1:6379/0");
  EXPECT_EQ(c->analytics->postgres, "postgresql://floodgate:floodgate@127.0.0.1:5432/floodgate");
  ASSERT_FALSE(c->routes.empty());
  const route_config& demo = c->routes[0];
  EXPECT_EQ(demo.name, "demo");
  EXPECT_EQ(demo.path, "/api");
  EXPECT_EQ(demo.limits, (std::vector<limit::limit_spec>{
                             {limit::algorithm::fixed_window, 10, std::chrono::minutes(1)}}));
}

// Verifies the demo config follows the environment (docker-compose, CI).
TEST(examples, demo_yaml_environment) {
  std::ifstream in(examples + "/demo.yaml");
  std::ostringstream text;
  text << in.rdbuf();
  const auto c = load_string(text.str(), "demo.yaml",
                             [](const std::string& name) -> std::optional<std::string> {
                               if (name == "FLOODGATE_REDIS_URL") return "redis://redis:6379/1";
                               if (name == "FLOODGATE_GATEWAY_ID") return "gw-2";
                               return std::nullopt;
                             });
  EXPECT_EQ(c->redis->url, "redis://redis:6379/1");
  EXPECT_EQ(c->gateway_id, "gw-2");
}

}  // namespace
}  // namespace floodgate::config
