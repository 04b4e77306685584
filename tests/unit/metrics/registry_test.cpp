#include <gtest/gtest.h>

#include <stdexcept>

#include "metrics/registry.hpp"

namespace floodgate::metrics {
namespace {

// Verifies the exact exposition of a small registry: headers, label order and
// escaping, callbacks, and a histogram's _bucket/_sum/_count lines.
TEST(registry, exact_exposition) {
  registry r;
  auto& requests = r.counter("floodgate_requests_total", "Requests by route and decision.",
                             {"route", "decision"});
  requests.with({"data", "allowed"}).inc(3);
  requests.with({"data", "blocked"}).inc();
  requests.with({"odd\"name\\x\n", "allowed"}).inc();
  r.callback_gauge("floodgate_circuit_state", "Circuit breaker: 0 closed, 1 open, 2 half-open.",
                   [] { return 2.0; });
  auto& latency = r.histogram("floodgate_request_duration_seconds", "Time in the gateway.",
                              {"route"}, {0.1, 0.5, 1});
  latency.with({"data"}).observe(0.05);
  latency.with({"data"}).observe(0.5);
  latency.with({"data"}).observe(2.25);
  r.gauge("floodgate_queue", "Queued.").with({}).set(0.25);

  EXPECT_EQ(r.render(),
            "# HELP floodgate_requests_total Requests by route and decision.\n"
            "# TYPE floodgate_requests_total counter\n"
            "floodgate_requests_total{route=\"data\",decision=\"allowed\"} 3\n"
            "floodgate_requests_total{route=\"data\",decision=\"blocked\"} 1\n"
            "floodgate_requests_total{route=\"odd\\\"name\\\\x\\n\",decision=\"allowed\"} 1\n"
            "# HELP floodgate_circuit_state Circuit breaker: 0 closed, 1 open, 2 half-open.\n"
            "# TYPE floodgate_circuit_state gauge\n"
            "floodgate_circuit_state 2\n"
            "# HELP floodgate_request_duration_seconds Time in the gateway.\n"
            "# TYPE floodgate_request_duration_seconds histogram\n"
            "floodgate_request_duration_seconds_bucket{route=\"data\",le=\"0.1\"} 1\n"
            "floodgate_request_duration_seconds_bucket{route=\"data\",le=\"0.5\"} 2\n"
            "floodgate_request_duration_seconds_bucket{route=\"data\",le=\"1\"} 2\n"
            "floodgate_request_duration_seconds_bucket{route=\"data\",le=\"+Inf\"} 3\n"
            "floodgate_request_duration_seconds_sum{route=\"data\"} 2.8\n"
            "floodgate_request_duration_seconds_count{route=\"data\"} 3\n"
            "# HELP floodgate_queue Queued.\n"
            "# TYPE floodgate_queue gauge\n"
            "floodgate_queue 0.25\n");
}

// Verifies a family with labels but no samples yet still announces itself.
TEST(registry, empty_family_has_header) {
  registry r;
  (void)r.counter("floodgate_requests_total", "Requests.", {"route"});
  EXPECT_EQ(r.render(),
            "# HELP floodgate_requests_total Requests.\n"
            "# TYPE floodgate_requests_total counter\n");
}

// Verifies callbacks run at every render and labelled callbacks share one family.
TEST(registry, callbacks_are_read_at_render) {
  registry r;
  double written = 5;
  r.callback_counter("floodgate_analytics_events_total", "Events.", {"outcome"}, {"written"},
                     [&] { return written; });
  r.callback_counter("floodgate_analytics_events_total", "Events.", {"outcome"}, {"dropped"},
                     [] { return 0.0; });
  const std::string header =
      "# HELP floodgate_analytics_events_total Events.\n"
      "# TYPE floodgate_analytics_events_total counter\n";
  EXPECT_EQ(r.render(), header +
                            "floodgate_analytics_events_total{outcome=\"dropped\"} 0\n"
                            "floodgate_analytics_events_total{outcome=\"written\"} 5\n");
  written = 1234567;
  EXPECT_EQ(r.render(), header +
                            "floodgate_analytics_events_total{outcome=\"dropped\"} 0\n"
                            "floodgate_analytics_events_total{outcome=\"written\"} 1234567\n");
  // Registering the same label values again replaces the function.
  r.callback_counter("floodgate_analytics_events_total", "Events.", {"outcome"}, {"dropped"},
                     [] { return 7.0; });
  EXPECT_NE(r.render().find("{outcome=\"dropped\"} 7\n"), std::string::npos);
}

// Verifies with() returns the same child for the same values, a new one otherwise.
TEST(registry, children_are_stable) {
  registry r;
  auto& f = r.counter("c_total", "C.", {"route"});
  counter& a = f.with({"a"});
  EXPECT_EQ(&a, &f.with({"a"}));
  const std::string name = "a";
  EXPECT_EQ(&a, &f.with({name}));
  EXPECT_NE(&a, &f.with({"b"}));
}

// Verifies registering a name again returns the existing family when it matches.
TEST(registry, reregistration) {
  registry r;
  auto& first = r.counter("c_total", "C.", {"route"});
  EXPECT_EQ(&first, &r.counter("c_total", "C.", {"route"}));
  EXPECT_THROW((void)r.counter("c_total", "C.", {"other"}), std::invalid_argument);
  EXPECT_THROW((void)r.gauge("c_total", "C.", {"route"}), std::invalid_argument);
  EXPECT_THROW(r.callback_counter("c_total", "C.", {"route"}, {"x"}, [] { return 0.0; }),
               std::invalid_argument);
  auto& h = r.histogram("h_seconds", "H.", {}, {1.0});
  EXPECT_EQ(&h, &r.histogram("h_seconds", "H.", {}, {1.0}));
}

// Verifies programming errors are caught at registration or first use.
TEST(registry, invalid_use) {
  registry r;
  EXPECT_THROW((void)r.counter("bad-name", "B."), std::invalid_argument);
  EXPECT_THROW((void)r.counter("ok_total", "B.", {"__x"}), std::invalid_argument);
  EXPECT_THROW((void)r.histogram("h", "H.", {"le"}, {1.0}), std::invalid_argument);
  EXPECT_THROW((void)r.histogram("h2", "H.", {}, {2.0, 1.0}), std::invalid_argument);
  auto& f = r.counter("two_total", "T.", {"a", "b"});
  EXPECT_THROW((void)f.with({"only-one"}), std::invalid_argument);
  EXPECT_THROW(r.callback_gauge("g", "G.", {"a"}, {}, [] { return 0.0; }), std::invalid_argument);
}

}  // namespace
}  // namespace floodgate::metrics
