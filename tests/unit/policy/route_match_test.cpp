#include "policy/route_match.hpp"

#include <gtest/gtest.h>

namespace floodgate::policy {
namespace {

config::route_config route(std::string name, std::string path,
                           std::vector<std::string> methods = {}) {
  config::route_config r;
  r.name = std::move(name);
  r.path = std::move(path);
  r.methods = std::move(methods);
  r.upstream = "backend";
  return r;
}

// Verifies a prefix matches only on a path segment boundary.
TEST(path_matches, segment_boundary) {
  EXPECT_TRUE(path_matches("/api/data", "/api/data"));
  EXPECT_TRUE(path_matches("/api/data", "/api/data/"));
  EXPECT_TRUE(path_matches("/api/data", "/api/data/x/y"));
  EXPECT_TRUE(path_matches("/api/data", "/api/data?q=1"));
  EXPECT_FALSE(path_matches("/api/data", "/api/database"));
  EXPECT_FALSE(path_matches("/api/data", "/api/dat"));
  EXPECT_FALSE(path_matches("/api/data", "/api"));
  EXPECT_FALSE(path_matches("/api/data", "/other/api/data"));
}

// Verifies "/" and prefixes ending in '/' match everything below them.
TEST(path_matches, trailing_slash_prefixes) {
  EXPECT_TRUE(path_matches("/", "/"));
  EXPECT_TRUE(path_matches("/", "/anything/at/all"));
  EXPECT_TRUE(path_matches("/api/", "/api/x"));
  EXPECT_FALSE(path_matches("/api/", "/api"));
}

// Verifies the query string never decides a match.
TEST(path_matches, query_is_ignored) {
  EXPECT_FALSE(path_matches("/api/data", "/api?x=/api/data"));
  EXPECT_TRUE(path_matches("/api/data", "/api/data#frag"));
}

// Verifies an empty method list accepts all methods, and GET implies HEAD.
TEST(method_matches, lists_and_head) {
  const auto any = route("any", "/");
  EXPECT_TRUE(method_matches(any, "DELETE"));
  const auto get = route("get", "/", {"GET"});
  EXPECT_TRUE(method_matches(get, "GET"));
  EXPECT_TRUE(method_matches(get, "HEAD"));
  EXPECT_FALSE(method_matches(get, "POST"));
  EXPECT_FALSE(method_matches(get, "get"));  // methods are case-sensitive (RFC 9110 §9.1)
  const auto post = route("post", "/", {"POST", "PUT"});
  EXPECT_FALSE(method_matches(post, "HEAD"));
  EXPECT_TRUE(method_matches(post, "PUT"));
}

// Verifies the first matching route in file order wins, not the longest prefix.
TEST(match_route, first_match_in_file_order) {
  config::config cfg;
  cfg.routes = {route("writes", "/api/data", {"POST"}), route("data", "/api/data"),
                route("api", "/api"), route("rest", "/")};
  EXPECT_EQ(match_route(cfg, "POST", "/api/data/1")->name, "writes");
  EXPECT_EQ(match_route(cfg, "GET", "/api/data/1")->name, "data");
  EXPECT_EQ(match_route(cfg, "GET", "/api/database")->name, "api");
  EXPECT_EQ(match_route(cfg, "GET", "/favicon.ico")->name, "rest");

  cfg.routes = {route("rest", "/"), route("data", "/api/data")};
  EXPECT_EQ(match_route(cfg, "GET", "/api/data")->name, "rest");
}

// Verifies no route yields nullptr (the caller answers 404).
TEST(match_route, none) {
  config::config cfg;
  cfg.routes = {route("data", "/api/data", {"GET"})};
  EXPECT_EQ(match_route(cfg, "GET", "/api/other"), nullptr);
  EXPECT_EQ(match_route(cfg, "POST", "/api/data"), nullptr);
  EXPECT_EQ(match_route(config::config{}, "GET", "/"), nullptr);
}

}  // namespace
}  // namespace floodgate::policy
