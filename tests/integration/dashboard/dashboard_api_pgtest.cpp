// The dashboard's JSON API against a real PostgreSQL holding known events: every number is
// checked against what the test itself computes from the seeded events.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <floodgate/analytics/latency_buckets.hpp>

#include "dashboard_stack.hpp"
#include "http_get.hpp"

namespace floodgate::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using analytics::decision_event;

bool is_refused(const std::string& d) {
  return d == "blocked" || d == "fail_closed";
}

json::value get_json(const std::string& target, unsigned expected_status = 200) {
  const auto r = http_request(dashboard_stack::get().port(), target);
  EXPECT_EQ(r.status, expected_status) << target << ": " << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "application/json") << target;
  EXPECT_EQ(r.headers.at("cache-control"), "no-store") << target;
  return json::parse(r.body);
}

std::uint64_t u(const json::value& v, const char* key) {
  return v.at(key).to_number<std::uint64_t>();
}

// The interval [lower, upper] of the latency bucket holding the true q-quantile of
// `latencies` (nearest rank): the precision the dashboard can promise.
std::pair<double, double> bucket_around_quantile(std::vector<double> latencies, double q) {
  std::sort(latencies.begin(), latencies.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(latencies.size())));
  const double truth = latencies[std::max<std::size_t>(rank, 1) - 1];
  const auto i = analytics::latency_bucket_index(truth);
  const double lower = i == 0 ? 0.0 : analytics::latency_bucket_bounds_ms[i - 1];
  return {lower, analytics::latency_bucket_bounds_ms[i]};
}

class dashboard_api
    : public ::testing::TestWithParam<std::pair<const char*, std::chrono::seconds>> {};

// Verifies totals, the allowed/blocked split, the per-decision breakdown and the block rate.
TEST_P(dashboard_api, summary_matches_seeded_events) {
  const auto [window_text, window] = GetParam();
  const auto events = dashboard_stack::get().in_window(window);
  std::map<std::string, std::uint64_t> by_decision;
  std::uint64_t refused = 0;
  std::set<std::string> routes;
  for (const auto& e : events) {
    ++by_decision[e.decision];
    refused += is_refused(e.decision) ? 1 : 0;
    routes.insert(e.route);
  }
  ASSERT_FALSE(events.empty());

  const auto s = get_json(std::string("/api/summary?window=") + window_text);
  EXPECT_EQ(u(s, "window_seconds"), static_cast<std::uint64_t>(window.count()));
  EXPECT_EQ(u(s, "total"), events.size());
  EXPECT_EQ(u(s, "blocked"), refused);
  EXPECT_EQ(u(s, "allowed"), events.size() - refused);
  EXPECT_DOUBLE_EQ(s.at("block_rate").to_number<double>(),
                   static_cast<double>(refused) / static_cast<double>(events.size()));
  for (const char* d : {"allowed", "blocked", "shadow_blocked", "fail_open", "fail_closed"}) {
    EXPECT_EQ(u(s.at("decisions"), d), by_decision[d]) << d;
  }
  EXPECT_EQ(u(s.at("decisions"), "other"), 0u);
  EXPECT_EQ(u(s, "routes"), routes.size());
}

// Verifies per-route counts, busiest-first order and p50/p99 within bucket precision.
TEST_P(dashboard_api, routes_match_seeded_events) {
  const auto [window_text, window] = GetParam();
  std::map<std::string, std::vector<decision_event>> by_route;
  for (auto& e : dashboard_stack::get().in_window(window)) by_route[e.route].push_back(e);

  const auto routes = get_json(std::string("/api/routes?window=") + window_text).as_array();
  ASSERT_EQ(routes.size(), by_route.size());
  std::uint64_t previous_total = UINT64_MAX;
  for (const auto& r : routes) {
    const std::string name(r.at("route").as_string());
    ASSERT_TRUE(by_route.contains(name)) << name;
    const auto& events = by_route[name];
    std::uint64_t refused = 0;
    std::vector<double> latencies;
    for (const auto& e : events) {
      refused += is_refused(e.decision) ? 1 : 0;
      latencies.push_back(e.latency_ms);
    }
    EXPECT_EQ(u(r, "total"), events.size()) << name;
    EXPECT_EQ(u(r, "blocked"), refused) << name;
    EXPECT_EQ(u(r, "allowed"), events.size() - refused) << name;
    EXPECT_LE(u(r, "total"), previous_total) << "busiest route first";
    previous_total = u(r, "total");
    for (const auto& [key, q] : {std::pair{"p50_ms", 0.5}, std::pair{"p99_ms", 0.99}}) {
      const auto [lower, upper] = bucket_around_quantile(latencies, q);
      const double p = r.at(key).to_number<double>();
      EXPECT_GE(p, lower) << name << ' ' << key;
      EXPECT_LE(p, upper) << name << ' ' << key;
    }
  }
}

// Verifies the (client, route) ranking of `blocked` decisions; fail_closed is not counted.
TEST_P(dashboard_api, top_blocked_matches_seeded_events) {
  const auto [window_text, window] = GetParam();
  std::map<std::pair<std::string, std::string>, std::uint64_t> counts;
  for (const auto& e : dashboard_stack::get().in_window(window)) {
    if (e.decision == "blocked") ++counts[{e.client_key, e.route}];
  }
  std::vector<std::pair<std::pair<std::string, std::string>, std::uint64_t>> expected(
      counts.begin(), counts.end());
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });

  for (const std::size_t limit : {std::size_t{2}, std::size_t{100}}) {
    const auto top = get_json(std::string("/api/top-blocked?window=") + window_text +
                              "&limit=" + std::to_string(limit))
                         .as_array();
    ASSERT_EQ(top.size(), std::min(limit, expected.size()));
    for (std::size_t i = 0; i < top.size(); ++i) {
      EXPECT_EQ(top[i].at("client_key").as_string(), expected[i].first.first) << i;
      EXPECT_EQ(top[i].at("route").as_string(), expected[i].first.second) << i;
      EXPECT_EQ(u(top[i], "blocked"), expected[i].second) << i;
    }
  }
}

// Verifies every step is present (zeros included), aligned, and holds exactly its events.
TEST_P(dashboard_api, timeseries_matches_seeded_events) {
  const auto [window_text, window] = GetParam();
  // Whole-hour steps are summed from the hourly rollups, the others from minutes.
  std::vector<std::int64_t> steps{60, 300};
  if (window >= 1h) steps.push_back(3600);
  for (const auto step : steps) {
    const auto series = get_json(std::string("/api/timeseries?window=") + window_text +
                                 "&step=" + std::to_string(step))
                            .as_array();
    ASSERT_FALSE(series.empty());
    const auto expected_points = window.count() / step;
    EXPECT_GE(static_cast<long>(series.size()), expected_points);
    EXPECT_LE(static_cast<long>(series.size()), expected_points + 1);

    std::map<std::int64_t, std::pair<std::uint64_t, std::uint64_t>> expected;
    for (const auto& e : dashboard_stack::get().in_window(window)) {
      const auto epoch =
          std::chrono::duration_cast<std::chrono::seconds>(e.ts.time_since_epoch()).count();
      auto& [allowed, blocked] = expected[epoch / step * step];
      ++(is_refused(e.decision) ? blocked : allowed);
    }
    std::int64_t previous = 0;
    std::size_t matched = 0;
    for (const auto& p : series) {
      const auto ts = p.at("ts").to_number<std::int64_t>();
      EXPECT_EQ(ts % step, 0) << "aligned to the step";
      if (previous != 0) {
        EXPECT_EQ(ts - previous, step) << "no gaps";
      }
      previous = ts;
      const auto it = expected.find(ts);
      const auto want =
          it == expected.end() ? std::pair<std::uint64_t, std::uint64_t>{} : it->second;
      matched += it == expected.end() ? 0 : 1;
      EXPECT_EQ(u(p, "allowed"), want.first) << "ts " << ts;
      EXPECT_EQ(u(p, "blocked"), want.second) << "ts " << ts;
    }
    EXPECT_EQ(matched, expected.size()) << "every event's step is in the series";
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    EXPECT_LE(previous, now);
    EXPECT_GT(previous, now - step - 60) << "the last step holds the current minute";
  }
}

INSTANTIATE_TEST_SUITE_P(windows, dashboard_api,
                         ::testing::Values(std::pair{"5m", std::chrono::seconds(5min)},
                                           std::pair{"1h", std::chrono::seconds(1h)},
                                           std::pair{"6h", std::chrono::seconds(6h)},
                                           std::pair{"24h", std::chrono::seconds(24h)}),
                         [](const auto& param_info) {
                           return std::string("window_") + param_info.param.first;
                         });

// Verifies that the default window is one hour, as SPEC shows.
TEST(dashboard_api_defaults, window_defaults_to_one_hour) {
  const auto s = get_json("/api/summary");
  EXPECT_EQ(u(s, "window_seconds"), 3600u);
  EXPECT_EQ(u(s, "total"), dashboard_stack::get().in_window(1h).size());
  EXPECT_EQ(get_json("/api/top-blocked").as_array().size(),
            std::min<std::size_t>(10, get_json("/api/top-blocked?limit=100").as_array().size()));
}

// Verifies that route names and client keys keep their exact text through JSON escaping.
TEST(dashboard_api_defaults, user_controlled_strings_round_trip_escaped) {
  const auto r =
      http_request(dashboard_stack::get().port(), "/api/top-blocked?window=5m&limit=100");
  EXPECT_EQ(r.body.find('<'), std::string::npos) << "angle brackets are escaped: " << r.body;
  bool found = false;
  const auto clients = json::parse(r.body);
  for (const auto& c : clients.as_array()) {
    if (c.at("client_key").as_string() == "<img src=x onerror=alert(1)>") {
      found = true;
      EXPECT_EQ(c.at("route").as_string(), "<script>alert(\"r\")</script>");
    }
  }
  EXPECT_TRUE(found);
}

// Verifies that bad parameters are refused with 400 and a JSON error naming the parameter.
TEST(dashboard_api_errors, bad_parameters_are_400) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/api/summary?window=abc", "window"},         {"/api/summary?window=0", "window"},
      {"/api/summary?window=30s", "window"},         {"/api/summary?window=90s", "window"},
      {"/api/routes?window=40d", "window"},          {"/api/routes?window=-5m", "window"},
      {"/api/top-blocked?limit=0", "limit"},         {"/api/top-blocked?limit=101", "limit"},
      {"/api/top-blocked?limit=ten", "limit"},       {"/api/timeseries?window=1h&step=30s", "step"},
      {"/api/timeseries?window=1h&step=2h", "step"}, {"/api/timeseries?window=2d&step=1m", "step"},
      {"/api/timeseries?window=1h&step=", "step"},   {"/api/summary?window=%zz", "percent"},
  };
  for (const auto& [target, word] : cases) {
    const auto e = get_json(target, 400);
    EXPECT_EQ(e.at("error").as_string(), "bad_request") << target;
    EXPECT_NE(std::string(e.at("message").as_string()).find(word), std::string::npos)
        << target << ": " << e.at("message");
  }
  EXPECT_EQ(get_json("/api/nothing", 404).at("error").as_string(), "not_found");
  const auto post = http_request(dashboard_stack::get().port(), "/api/summary", "POST");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.headers.at("allow"), "GET, HEAD");
}

// Verifies /health follows PostgreSQL: 200 up, 503 while it is stopped, 200 once it is back,
// and that the API answers 503 (not a hang, not a crash) meanwhile.
TEST(dashboard_health, follows_postgres_down_and_back) {
  auto& stack = dashboard_stack::get();
  const auto up = get_json("/health");
  EXPECT_EQ(up.at("status").as_string(), "ok");
  EXPECT_EQ(up.at("postgres").as_string(), "up");

  stack.postgres().stop();
  const auto down = get_json("/health", 503);
  EXPECT_EQ(down.at("postgres").as_string(), "down");
  EXPECT_EQ(get_json("/api/summary", 503).at("error").as_string(), "postgres_unavailable");
  EXPECT_EQ(http_request(stack.port(), "/").status, 200u) << "the page does not need PostgreSQL";

  stack.postgres().start();
  const auto back = get_json("/health");
  EXPECT_EQ(back.at("postgres").as_string(), "up");
  EXPECT_EQ(u(get_json("/api/summary?window=1h"), "total"), stack.in_window(1h).size());
}

}  // namespace
}  // namespace floodgate::test
