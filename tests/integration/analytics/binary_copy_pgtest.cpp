// The binary COPY and the prepared rollup statement against a real PostgreSQL: every column
// type reads back exactly as recorded, and keys that mean something in array literals or
// SQL (quotes, commas, braces, backslashes, the word NULL) land in the rollups unchanged.
#include <floodgate/analytics/recorder.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "pg_fixture.hpp"

namespace floodgate::test {
namespace {

using namespace std::chrono;
using analytics::decision_event;
using analytics::recorder;

// Microseconds since 1970, floored, as PostgreSQL should hold them.
long long unix_us(system_clock::time_point t) {
  return floor<microseconds>(t.time_since_epoch()).count();
}

// Verifies each column of decision_events reads back exactly: timestamps to the
// microsecond on both sides of PostgreSQL's 2000 epoch, UTF-8 and COPY-special text,
// NULL algorithm, integers, and doubles bit for bit (NaN stored as 0).
TEST_F(pg_test, binary_copy_round_trips_every_column) {
  const std::string route = "round-trip";
  const system_clock::time_point epoch_2000{seconds{946684800}};
  struct sample {
    system_clock::time_point ts;
    std::string client_key, method, algorithm;
    int status;
    double latency_ms, stored_latency_ms;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<sample> samples{
      {system_clock::now(), "10.0.0.1", "GET", "token_bucket", 200, 0.1, 0.1},
      {epoch_2000 - microseconds{1}, "", "POST", "", 429, 1e-300, 1e-300},
      {epoch_2000, "caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80", "DELETE", "gcra", 0, 0, 0},
      {epoch_2000 + nanoseconds{1999}, "tab\there\nnl\\bs'q\"", "PATCH", "x", -1, -2.5, -2.5},
      {system_clock::time_point{seconds{1763812345} + microseconds{999999}}, "k", "GET",
       "fixed_window", std::numeric_limits<int>::max(), 1e300, 1e300},
      {system_clock::now(), "k", "GET", "leaky_bucket", 599, nan, 0},
  };
  {
    recorder r(test_recorder_options(pg()));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto& s = samples[i];
      decision_event e;
      e.ts = s.ts;
      e.gateway_id = "gw-\xC3\xA9";
      e.route = route;
      e.client_key = s.client_key;
      e.method = s.method;
      e.path = "/" + std::to_string(i) + "/" + std::string(3000, 'p');
      e.decision = "allowed";
      e.algorithm = s.algorithm;
      e.status = s.status;
      e.latency_ms = s.latency_ms;
      r.record(std::move(e));
    }
    r.stop(seconds{30});
    ASSERT_EQ(r.written(), samples.size());
  }
  for (std::size_t i = 0; i < samples.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& s = samples[i];
    const auto where =
        " FROM decision_events WHERE route = " + sql_literal(route) +
        " AND path = " + sql_literal("/" + std::to_string(i) + "/" + std::string(3000, 'p'));
    EXPECT_EQ(pg().count("SELECT (extract(epoch FROM ts) * 1000000)::bigint" + where),
              unix_us(s.ts));
    EXPECT_EQ(pg().scalar("SELECT gateway_id" + where), "gw-\xC3\xA9");
    EXPECT_EQ(pg().scalar("SELECT client_key" + where), s.client_key);
    EXPECT_EQ(pg().scalar("SELECT method" + where), s.method);
    EXPECT_EQ(pg().scalar("SELECT decision" + where), "allowed");
    EXPECT_EQ(pg().count("SELECT count(*)" + where + " AND algorithm IS NULL"),
              s.algorithm.empty() ? 1 : 0);
    if (!s.algorithm.empty()) {
      EXPECT_EQ(pg().scalar("SELECT algorithm" + where), s.algorithm);
    }
    EXPECT_EQ(pg().count("SELECT status" + where), s.status);
    // float8 text output is the shortest exact form: parsing it back gives the same double.
    EXPECT_EQ(std::stod(pg().scalar("SELECT latency_ms" + where)), s.stored_latency_ms);
  }
}

// Verifies rollup keys that are special in array literals or SQL arrive unchanged, and
// that minute and hour rollups (and the series) equal aggregates of the raw rows.
TEST_F(pg_test, rollup_keys_survive_array_literals) {
  const std::vector<std::string> routes{"arr\"q,{x}\\ NULL", "arr-plain"};
  const std::vector<std::string> clients{"NULL", "", "a,b", "{}", "q'\"\\", " sp "};
  {
    recorder r(test_recorder_options(pg()));
    int i = 0;
    for (const auto& route : routes) {
      for (const auto& client : clients) {
        for (int k = 0; k < 3; ++k, ++i) {
          r.record(decision_event{.ts = system_clock::now(),
                                  .gateway_id = "gw",
                                  .route = route,
                                  .client_key = client,
                                  .method = "GET",
                                  .path = "/",
                                  .decision = k == 0 ? "allowed" : "blocked",
                                  .algorithm = "token_bucket",
                                  .status = k == 0 ? 200 : 429,
                                  .latency_ms = 0.5 * i});
        }
      }
    }
    r.stop(seconds{30});
    ASSERT_EQ(r.written(), routes.size() * clients.size() * 3);
  }
  std::string in_routes = "(";
  for (const auto& route : routes)
    in_routes += (in_routes.size() > 1 ? "," : "") + sql_literal(route);
  in_routes += ")";
  // Rows on one side and not the other, both ways, must be none.
  const auto differences = [&](const std::string& a, const std::string& b) {
    return pg().count("SELECT count(*) FROM ((" + a + " EXCEPT " + b + ") UNION ALL (" + b +
                      " EXCEPT " + a + ")) d");
  };
  for (const std::string unit : {"minute", "hour"}) {
    SCOPED_TRACE(unit);
    EXPECT_EQ(differences("SELECT date_trunc('" + unit +
                              "', ts, 'UTC'), route, client_key, count(*) FROM decision_events "
                              "WHERE decision = 'blocked' AND route IN " +
                              in_routes + " GROUP BY 1, 2, 3",
                          "SELECT " + unit + ", route, client_key, blocked FROM blocked_clients_" +
                              unit + " WHERE route IN " + in_routes),
              0);
    EXPECT_EQ(differences("SELECT date_trunc('" + unit +
                              "', ts, 'UTC'), route, decision, count(*), sum(latency_ms) FROM "
                              "decision_events WHERE route IN " +
                              in_routes + " GROUP BY 1, 2, 3",
                          "SELECT " + unit +
                              ", route, decision, requests, latency_sum_ms FROM "
                              "decision_rollup_" +
                              unit + " WHERE route IN " + in_routes),
              0);
  }
  EXPECT_EQ(pg().count("SELECT count(DISTINCT client_key) FROM blocked_clients_minute WHERE "
                       "route = " +
                       sql_literal(routes[0])),
            static_cast<long long>(clients.size()));
}

}  // namespace
}  // namespace floodgate::test
