#include "policy/local_responses.hpp"

#include <gtest/gtest.h>

namespace floodgate::policy {
namespace {

using limit::circuit_state;

// Verifies the SPEC body of a denied request, byte for byte.
TEST(local_responses, rate_limited_body) {
  EXPECT_EQ(rate_limited_body("data", 12),
            R"({"error": "rate_limited", "route": "data", "retry_after": 12})");
}

// Verifies the other JSON bodies and that strings are escaped.
TEST(local_responses, other_bodies) {
  EXPECT_EQ(limiter_unavailable_body("data"),
            R"({"error": "limiter_unavailable", "route": "data"})");
  EXPECT_EQ(not_found_body("/a\"b"), R"({"error": "not_found", "path": "/a\"b"})");
  EXPECT_EQ(json_string("x\\y\n\x01"), R"("x\\y\n\u0001")");
}

// Verifies status, content type and length of a local response.
TEST(local_responses, make_local_response) {
  const auto res = make_local_response(429, "application/json", "{}", 10);
  EXPECT_EQ(res.result_int(), 429u);
  EXPECT_EQ(res.version(), 10u);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
  EXPECT_EQ(res[boost::beast::http::field::content_length], "2");
}

// Verifies the /health body for the healthy and each degraded state.
TEST(health_response, states) {
  health_status h;
  auto res = health_response(h);
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(
      res.body(),
      R"({"status": "ok", "redis": "disabled", "circuit": "closed", "analytics": "disabled"})");

  h.redis_up = true;
  h.analytics_up = true;
  EXPECT_EQ(health_response(h).body(),
            R"({"status": "ok", "redis": "up", "circuit": "closed", "analytics": "up"})");

  h.redis_up = false;
  h.circuit = circuit_state::open;
  EXPECT_EQ(health_response(h).body(),
            R"({"status": "degraded", "redis": "down", "circuit": "open", "analytics": "up"})");

  h.redis_up = true;
  h.circuit = circuit_state::half_open;
  EXPECT_EQ(health_response(h).body(),
            R"({"status": "degraded", "redis": "up", "circuit": "half_open", "analytics": "up"})");

  h.circuit = circuit_state::closed;
  h.analytics_up = false;
  EXPECT_EQ(health_response(h).body(),
            R"({"status": "degraded", "redis": "up", "circuit": "closed", "analytics": "down"})");
}

// Verifies a draining gateway answers 503 so load balancers move away.
TEST(health_response, draining_is_503) {
  health_status h;
  h.draining = true;
  const auto res = health_response(h);
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_EQ(
      res.body(),
      R"({"status": "ok", "redis": "disabled", "circuit": "closed", "analytics": "disabled"})");
}

}  // namespace
}  // namespace floodgate::policy
