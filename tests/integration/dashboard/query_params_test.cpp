// Parsing and validation of the API's query parameters.
#include <gtest/gtest.h>

#include "query_params.hpp"

namespace floodgate::dashboard {
namespace {

using std::chrono::seconds;

query_map q(std::initializer_list<std::pair<const std::string, std::string>> items) {
  return query_map(items);
}

// Verifies path/query splitting and percent-decoding.
TEST(parse_target, splits_and_decodes) {
  const auto t = parse_target("/api/x?window=1h&a%20b=c+d&&flag&window=5m");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/x");
  EXPECT_EQ(t->query.at("window"), "5m") << "last value wins";
  EXPECT_EQ(t->query.at("a b"), "c d");
  EXPECT_EQ(t->query.at("flag"), "");
  EXPECT_EQ(parse_target("/")->path, "/");
  EXPECT_FALSE(parse_target("/x?a=%4"));
  EXPECT_FALSE(parse_target("/x?a=%g1"));
}

// Verifies the absolute form (RFC 9112 §3.2.2, sent through proxies) is read as its
// path and query, whatever the scheme's case; an empty path is "/".
TEST(parse_target, absolute_form_is_its_path_and_query) {
  const auto t = parse_target("http://dash.example:8080/api/summary?window=5m");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/summary");
  EXPECT_EQ(t->query.at("window"), "5m");
  EXPECT_EQ(parse_target("HTTPS://x/health")->path, "/health");
  EXPECT_EQ(parse_target("http://x")->path, "/");
  const auto bare = parse_target("http://x?window=1h");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->path, "/");
  EXPECT_EQ(bare->query.at("window"), "1h");
  // Only the scheme makes it absolute: a path that merely contains one stays a path.
  EXPECT_EQ(parse_target("/http://x/health")->path, "/http://x/health");
}

// Verifies windows: whole minutes within bounds, default 1h.
TEST(window_param, accepts_minutes_within_bounds) {
  EXPECT_EQ(*window_param(q({})), seconds(3600));
  EXPECT_EQ(*window_param(q({{"window", "5m"}})), seconds(300));
  EXPECT_EQ(*window_param(q({{"window", "1d"}})), seconds(86400));
  EXPECT_EQ(*window_param(q({{"window", "120"}})), seconds(120))
      << "bare seconds as in routes.yaml";
  EXPECT_EQ(*window_param(q({{"window", "31d"}})), seconds(31 * 86400));
  for (const char* bad : {"", "abc", "0", "30s", "90s", "32d", "-5m", "1.5s", "5x"}) {
    const auto r = window_param(q({{"window", bad}}));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().rfind("window: ", 0), 0u) << r.error();
  }
}

// Verifies steps: at least a minute, whole minutes, not longer than the window, point cap.
TEST(step_param, bounds_points) {
  EXPECT_EQ(*step_param(q({{"step", "1m"}}), seconds(3600)), seconds(60));
  EXPECT_EQ(*step_param(q({{"step", "1m"}}), seconds(1500 * 60)), seconds(60)) << "exactly the cap";
  EXPECT_FALSE(step_param(q({{"step", "1m"}}), seconds(1501 * 60)));
  EXPECT_FALSE(step_param(q({{"step", "30s"}}), seconds(3600)));
  EXPECT_FALSE(step_param(q({{"step", "2h"}}), seconds(3600)));
  EXPECT_FALSE(step_param(q({{"step", "nope"}}), seconds(3600)));
}

// Verifies the default step gives at most 60 whole-minute points.
TEST(step_param, default_keeps_about_sixty_points) {
  EXPECT_EQ(*step_param(q({}), seconds(300)), seconds(60));
  EXPECT_EQ(*step_param(q({}), seconds(3600)), seconds(60));
  EXPECT_EQ(*step_param(q({}), seconds(6 * 3600)), seconds(360));
  EXPECT_EQ(*step_param(q({}), seconds(3660)), seconds(120)) << "61 minutes round up";
}

// Verifies limit: 1..100, default 10.
TEST(limit_param, accepts_one_to_hundred) {
  EXPECT_EQ(*limit_param(q({})), 10u);
  EXPECT_EQ(*limit_param(q({{"limit", "1"}})), 1u);
  EXPECT_EQ(*limit_param(q({{"limit", "100"}})), 100u);
  for (const char* bad : {"0", "101", "-1", "ten", "", "5 "}) {
    EXPECT_FALSE(limit_param(q({{"limit", bad}}))) << bad;
  }
}

}  // namespace
}  // namespace floodgate::dashboard
