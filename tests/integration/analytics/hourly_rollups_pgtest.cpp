// The hourly rollups the writer maintains next to the minute ones: equal to aggregates of
// the raw events, and to the sums of their minutes.
#include <floodgate/analytics/recorder.hpp>

#include <string>

#include "pg_fixture.hpp"

namespace floodgate::test {
namespace {

using namespace std::chrono;
using analytics::decision_event;
using analytics::recorder;

// Events spread evenly over the last five hours, so several hours are whole and two are
// partial; decisions and clients cycle so every hour has blocked clients.
decision_event spread_event(const std::string& route, int i, int count) {
  static const char* const decisions[] = {"allowed", "blocked",   "allowed", "shadow_blocked",
                                          "blocked", "fail_open", "allowed", "fail_closed"};
  decision_event e;
  e.ts = system_clock::now() - milliseconds{static_cast<long long>(i) * 5 * 3600 * 1000 / count};
  e.gateway_id = "gw-test";
  e.route = route + (i % 2 == 0 ? "-a" : "-b");
  e.client_key = "client-" + std::to_string(i % 11);
  e.method = "GET";
  e.path = "/item/" + std::to_string(i);
  e.decision = decisions[i % 8];
  e.algorithm = "token_bucket";
  e.status = 200;
  e.latency_ms = 0.37 * (i % 3000);
  return e;
}

// Rows of one query missing from the other, both ways.
std::string symmetric_difference(const std::string& a, const std::string& b) {
  return "SELECT count(*) FROM ((" + a + " EXCEPT " + b + ") UNION ALL (" + b + " EXCEPT " + a +
         ")) d";
}

// Verifies decision_rollup_hour and blocked_clients_hour equal aggregates of the raw events
// per hour, that each hour row is the sum of its minute rows (histograms included), and
// that decision_series_minute holds the per-minute totals over routes.
TEST_F(pg_test, hourly_rollups_equal_raw_aggregates) {
  const std::string route = "hourly";
  constexpr int count = 6000;
  auto o = test_recorder_options(pg());
  o.batch_size = 700;  // batches cross minute and hour boundaries
  recorder r(o);
  for (int i = 0; i < count; ++i) r.record(spread_event(route, i, count));
  r.stop(seconds{30});
  ASSERT_EQ(r.written(), static_cast<std::uint64_t>(count));

  const std::string ours = " route LIKE '" + route + "-%' ";
  const auto raw_decisions =
      "SELECT date_trunc('hour', ts, 'UTC'), route, decision, count(*), "
      "round(sum(latency_ms)::numeric, 6) FROM decision_events WHERE" +
      ours + "GROUP BY 1, 2, 3";
  const auto hour_decisions =
      "SELECT hour, route, decision, requests, round(latency_sum_ms::numeric, 6) FROM "
      "decision_rollup_hour WHERE" +
      ours;
  EXPECT_EQ(pg().count(symmetric_difference(raw_decisions, hour_decisions)), 0);
  EXPECT_GE(pg().count("SELECT count(DISTINCT hour) FROM decision_rollup_hour WHERE" + ours), 5);

  // Histograms: each hour's buckets are the element-wise sum of its minutes' buckets.
  const auto minute_buckets =
      "SELECT date_trunc('hour', minute, 'UTC'), route, decision, i, sum(b) FROM "
      "decision_rollup_minute, unnest(latency_buckets) WITH ORDINALITY AS u(b, i) WHERE" +
      ours + "GROUP BY 1, 2, 3, 4";
  const auto hour_buckets =
      "SELECT hour, route, decision, i, b::numeric FROM decision_rollup_hour, "
      "unnest(latency_buckets) WITH ORDINALITY AS u(b, i) WHERE" +
      ours;
  EXPECT_EQ(pg().count(symmetric_difference(minute_buckets, hour_buckets)), 0);
  EXPECT_EQ(pg().count("SELECT sum(latency_buckets[9]) FROM decision_rollup_hour WHERE" + ours),
            pg().count("SELECT count(*) FROM decision_events WHERE" + ours +
                       "AND latency_ms > 100 AND latency_ms <= 250"));

  // decision_series_minute: requests per minute and decision over all routes, so it is
  // compared on the minutes where every raw event is one of ours (other tests of this
  // binary may share the cluster).
  const std::string our_minutes =
      "SELECT date_trunc('minute', ts) FROM decision_events GROUP BY 1 HAVING bool_and(" + ours +
      ")";
  const auto raw_series =
      "SELECT date_trunc('minute', ts), decision, count(*) FROM decision_events WHERE "
      "date_trunc('minute', ts) IN (" +
      our_minutes + ") GROUP BY 1, 2";
  const auto series =
      "SELECT minute, decision, requests FROM decision_series_minute WHERE minute IN (" +
      our_minutes + ")";
  EXPECT_EQ(pg().count(symmetric_difference(raw_series, series)), 0);
  EXPECT_GE(pg().count("SELECT count(*) FROM (" + our_minutes + ") m"), 200);

  const auto raw_blocked =
      "SELECT date_trunc('hour', ts, 'UTC'), route, client_key, count(*) FROM decision_events "
      "WHERE "
      "decision = 'blocked' AND" +
      ours + "GROUP BY 1, 2, 3";
  const auto hour_blocked =
      "SELECT hour, route, client_key, blocked FROM blocked_clients_hour WHERE" + ours;
  EXPECT_EQ(pg().count(symmetric_difference(raw_blocked, hour_blocked)), 0);
  EXPECT_EQ(pg().count("SELECT sum(blocked) FROM blocked_clients_hour WHERE" + ours), count / 4);
}

}  // namespace
}  // namespace floodgate::test
