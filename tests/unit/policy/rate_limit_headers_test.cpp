#include "policy/rate_limit_headers.hpp"

#include <gtest/gtest.h>

namespace floodgate::policy {
namespace {

using namespace std::chrono_literals;
using limit::algorithm;

std::string header(const header_list& h, std::string_view name) {
  const auto v = h.find(name);
  return v ? std::string(*v) : "<absent>";
}

const std::vector<limit::limit_spec> two_limits{{algorithm::sliding_window, 10, 60s},
                                                {algorithm::token_bucket, 100, 1h}};

// A verdict as a store returns it: limit 0 has 7 left and resets in 40.2 s.
limit::verdict allowed_verdict(std::chrono::system_clock::time_point at) {
  limit::verdict v;
  v.allowed = true;
  v.limits = {{10, 7, 40200ms, 0ms, true}, {100, 93, 252000ms, 0ms, true}};
  v.most_restrictive = 0;
  v.decided_at = at;
  return v;
}

// The headers a route named `route` with `limits` sends for `v`.
header_list rate_limit_headers(std::string_view route, std::span<const limit::limit_spec> limits,
                               const limit::verdict& v, header_selection which,
                               std::chrono::system_clock::time_point now) {
  return rate_limit_header_text(route, limits, which).render(v, now);
}

const auto t0 = std::chrono::system_clock::time_point{1763812304500ms};

// Verifies the SPEC example: X-RateLimit-* describe the most restrictive limit.
TEST(rate_limit_headers, x_ratelimit_from_most_restrictive) {
  const auto h = rate_limit_headers("data", two_limits, allowed_verdict(t0), {}, {});
  EXPECT_EQ(header(h, "X-RateLimit-Limit"), "10");
  EXPECT_EQ(header(h, "X-RateLimit-Remaining"), "7");
  // 1763812304.5 + 40.2 = 1763812344.7 -> rounded up.
  EXPECT_EQ(header(h, "X-RateLimit-Reset"), "1763812345");
  EXPECT_EQ(header(h, "X-RateLimit-Strategy"), "sliding_window");
}

// Verifies the IETF draft fields: every limit in RateLimit-Policy, the restrictive one in
// RateLimit.
TEST(rate_limit_headers, ietf_structured_fields) {
  const auto h = rate_limit_headers("data", two_limits, allowed_verdict(t0), {}, {});
  EXPECT_EQ(header(h, "RateLimit-Policy"), R"("data-0";q=10;w=60, "data-1";q=100;w=3600)");
  EXPECT_EQ(header(h, "RateLimit"), R"("data-0";r=7;t=41)");

  auto v = allowed_verdict(t0);
  v.most_restrictive = 1;
  const auto h1 = rate_limit_headers("data", two_limits, v, {}, {});
  EXPECT_EQ(header(h1, "RateLimit"), R"("data-1";r=93;t=252)");
  EXPECT_EQ(header(h1, "X-RateLimit-Strategy"), "token_bucket");
}

// Verifies whole seconds are reported without rounding down, and sub-second windows say w=1.
TEST(rate_limit_headers, rounding) {
  const std::vector<limit::limit_spec> small{{algorithm::gcra, 5, 250ms}};
  limit::verdict v;
  v.limits = {{5, 4, 1000ms, 0ms, true}};
  v.decided_at = std::chrono::system_clock::time_point{1000s};
  const auto h = rate_limit_headers("r", small, v, {}, {});
  EXPECT_EQ(header(h, "RateLimit-Policy"), R"("r-0";q=5;w=1)");
  EXPECT_EQ(header(h, "RateLimit"), R"("r-0";r=4;t=1)");
  EXPECT_EQ(header(h, "X-RateLimit-Reset"), "1001");  // exact second stays exact

  v.limits[0].reset_after = 1ms;
  EXPECT_EQ(header(rate_limit_headers("r", small, v, {}, {}), "RateLimit"), R"("r-0";r=4;t=1)");
  v.limits[0].reset_after = 0ms;
  EXPECT_EQ(header(rate_limit_headers("r", small, v, {}, {}), "RateLimit"), R"("r-0";r=4;t=0)");
}

// Verifies `now` stands in when the store did not stamp the decision.
// Verifies item names are sf-strings of "<route>-<i>" even for a name that needs
// escaping (the loader forbids such names; the header code must not rely on it).
TEST(rate_limit_headers, item_names_are_escaped) {
  const std::vector<limit::limit_spec> one{{algorithm::gcra, 5, 2s}};
  limit::verdict v;
  v.limits = {{5, 4, 1000ms, 0ms, true}};
  const auto h = rate_limit_headers(R"(a"b\c)", one, v, {}, t0);
  EXPECT_EQ(header(h, "RateLimit-Policy"), R"("a\"b\\c-0";q=5;w=2)");
  EXPECT_EQ(header(h, "RateLimit"), R"("a\"b\\c-0";r=4;t=1)");
}

TEST(rate_limit_headers, falls_back_to_now) {
  auto v = allowed_verdict({});
  const auto h = rate_limit_headers("data", two_limits, v, {}, t0);
  EXPECT_EQ(header(h, "X-RateLimit-Reset"), "1763812345");
}

// Verifies `headers:` selects the families, and [] sends none.
TEST(rate_limit_headers, selection) {
  const auto v = allowed_verdict(t0);
  auto h = rate_limit_headers("data", two_limits, v, {.x_ratelimit = false, .ietf = true}, {});
  EXPECT_EQ(header(h, "X-RateLimit-Limit"), "<absent>");
  EXPECT_NE(header(h, "RateLimit"), "<absent>");
  h = rate_limit_headers("data", two_limits, v, {.x_ratelimit = true, .ietf = false}, {});
  EXPECT_EQ(header(h, "RateLimit-Policy"), "<absent>");
  EXPECT_EQ(h.fields().size(), 4u);
  EXPECT_TRUE(rate_limit_headers("data", two_limits, v, {false, false}, {}).empty());
}

// Verifies a verdict that does not fit the limits produces no headers instead of garbage.
TEST(rate_limit_headers, mismatched_verdict) {
  limit::verdict v;
  EXPECT_TRUE(rate_limit_headers("data", two_limits, v, {}, t0).empty());
  EXPECT_TRUE(rate_limit_headers("data", {}, allowed_verdict(t0), {}, t0).empty());
}

// Verifies Retry-After is never early: any fraction rounds up, and never below 1 s.
TEST(retry_after_seconds, never_early) {
  limit::verdict v;
  v.allowed = false;
  v.limits = {{10, 0, 5000ms, 11001ms, false}, {100, 50, 9000ms, 0ms, true}};
  EXPECT_EQ(retry_after_seconds(v), 12);
  v.limits[0].retry_after = 12000ms;
  EXPECT_EQ(retry_after_seconds(v), 12);
  v.limits[0].retry_after = 1ms;
  EXPECT_EQ(retry_after_seconds(v), 1);
  v.limits[0].retry_after = 0ms;
  EXPECT_EQ(retry_after_seconds(v), 1);
  // Property: for any wait, the advertised seconds cover it and exceed it by less than 1 s.
  for (std::int64_t ms = 1; ms < 5000; ms += 37) {
    v.limits[0].retry_after = std::chrono::milliseconds(ms);
    const auto s = retry_after_seconds(v);
    EXPECT_GE(s * 1000, ms);
    EXPECT_LT(s * 1000 - ms, 1000);
  }
}

}  // namespace
}  // namespace floodgate::policy
