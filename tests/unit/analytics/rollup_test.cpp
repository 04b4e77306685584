#include "rollup.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

using namespace std::chrono;

decision_event event(system_clock::time_point ts, std::string route, std::string client,
                     std::string decision, double latency_ms) {
  decision_event e;
  e.ts = ts;
  e.route = std::move(route);
  e.client_key = std::move(client);
  e.decision = std::move(decision);
  e.latency_ms = latency_ms;
  return e;
}

// Verifies rows are grouped by (minute, route, decision) with sums and histograms.
TEST(rollup, aggregates_per_minute_route_and_decision) {
  const system_clock::time_point t0{seconds{1763812320}};  // a whole minute
  const std::vector<decision_event> batch{
      event(t0, "data", "a", "allowed", 1.0),
      event(t0 + seconds{59}, "data", "b", "allowed", 3.0),
      event(t0 + seconds{60}, "data", "a", "allowed", 7.0),
      event(t0 + seconds{1}, "data", "a", "blocked", 0.2),
      event(t0 + seconds{2}, "other", "a", "fail_closed", 0.1),
  };
  const auto r = aggregate(batch);
  ASSERT_EQ(r.decisions.size(), 4u);
  const auto& first = r.decisions.at({1763812320, "data", "allowed"});
  EXPECT_EQ(first.requests, 2u);
  EXPECT_DOUBLE_EQ(first.latency_sum_ms, 4.0);
  EXPECT_EQ(first.latency_buckets[1], 1u);  // 1.0 ms
  EXPECT_EQ(first.latency_buckets[3], 1u);  // 3.0 ms
  EXPECT_EQ(r.decisions.at({1763812380, "data", "allowed"}).requests, 1u);
  EXPECT_EQ(r.decisions.at({1763812320, "other", "fail_closed"}).requests, 1u);
}

// Verifies only decision "blocked" counts against a client (fail_closed is ours).
TEST(rollup, blocked_clients_count_only_blocked) {
  const system_clock::time_point t0{seconds{1763812320}};
  const std::vector<decision_event> batch{
      event(t0, "data", "a", "blocked", 1), event(t0, "data", "a", "blocked", 1),
      event(t0, "data", "b", "fail_closed", 1), event(t0, "data", "c", "shadow_blocked", 1),
      event(t0, "data", "d", "allowed", 1)};
  const auto r = aggregate(batch);
  ASSERT_EQ(r.blocked_clients.size(), 1u);
  EXPECT_EQ(r.blocked_clients.at({1763812320, "data", "a"}), 2u);
}

// Verifies minutes floor (also before 1970) and non-finite latencies count as 0.
TEST(rollup, minute_floor_and_bad_latency) {
  EXPECT_EQ(minute_of(system_clock::time_point{seconds{119}}), 60);
  EXPECT_EQ(minute_of(system_clock::time_point{seconds{-1}}), -60);
  const std::vector<decision_event> batch{
      event(system_clock::time_point{}, "r", "c", "allowed", std::nan("")),
      event(system_clock::time_point{}, "r", "c", "allowed", 2.0)};
  const auto r = aggregate(batch);
  EXPECT_DOUBLE_EQ(r.decisions.begin()->second.latency_sum_ms, 2.0);
}

// Verifies keys that differ only in invalid bytes are stored as one text and summed into
// one row (an upsert touching the same row twice would fail the whole batch).
TEST(rollup, keys_are_the_stored_text) {
  const system_clock::time_point t0{seconds{1763812320}};
  const std::vector<decision_event> batch{event(t0, "data", "key\xFF", "blocked", 1),
                                          event(t0, "data", "key\xFE", "blocked", 1)};
  const auto r = aggregate(batch);
  ASSERT_EQ(r.blocked_clients.size(), 1u);
  EXPECT_EQ(r.blocked_clients.at({1763812320, "data", "key\xEF\xBF\xBD"}), 2u);
}

}  // namespace
}  // namespace floodgate::analytics
