#include "rollup_statement.hpp"

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

// Verifies array elements are quoted so that separators, braces and NULL stay text.
TEST(rollup_statement, quotes_array_elements) {
  std::string literal;
  append_array_element(literal, R"(a,"b"\{c} NULL)");
  EXPECT_EQ(literal, R"("a,\"b\"\\{c} NULL")");
  literal.clear();
  append_array_element(literal, "");
  EXPECT_EQ(literal, R"("")");
}

// Verifies the parameters: minute rows, hour rows folded from them, the series over
// routes, the batch id; histograms flattened in row order.
TEST(rollup_statement, params_follow_the_rollups) {
  batch_rollups minutes;
  auto& a = minutes.decisions[{7200, "r1", "allowed"}];
  a.requests = 2;
  a.latency_sum_ms = 1.5;
  a.latency_buckets[0] = 2;
  auto& b = minutes.decisions[{7260, "r2", "allowed"}];
  b.requests = 1;
  b.latency_sum_ms = 0.25;
  b.latency_buckets[14] = 1;
  minutes.blocked_clients[{7260, "r2", "c\"1"}] = 3;
  const auto p = rollup_statement_params(minutes, "batch-1");
  ASSERT_EQ(p.size(), 24u);
  EXPECT_EQ(p[0], "{7200,7260}");
  EXPECT_EQ(p[1], R"({"r1","r2"})");
  EXPECT_EQ(p[2], R"({"allowed","allowed"})");
  EXPECT_EQ(p[3], "{2,1}");
  EXPECT_EQ(p[4], "{1.5,0.25}");
  EXPECT_EQ(p[5], "{2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1}");
  EXPECT_EQ(p[6], "{7260}");
  EXPECT_EQ(p[8], R"({"c\"1"})");
  EXPECT_EQ(p[9], "{3}");
  EXPECT_EQ(p[10], "{7200,7200}");  // both minutes are in the hour starting at 7200
  EXPECT_EQ(p[16], "{7200}");
  EXPECT_EQ(p[19], "{3}");
  EXPECT_EQ(p[20], "{7200,7260}");  // series: (minute, decision) over routes
  EXPECT_EQ(p[21], R"({"allowed","allowed"})");
  EXPECT_EQ(p[22], "{2,1}");
  EXPECT_EQ(p[23], "batch-1");
  // Placeholders up to $24, no more.
  const auto sql = rollup_statement_sql();
  EXPECT_NE(sql.find("$24"), std::string::npos);
  EXPECT_EQ(sql.find("$25"), std::string::npos);
}

// Verifies an empty batch gives empty arrays (no rows to insert), not malformed literals.
TEST(rollup_statement, empty_rollups_are_empty_arrays) {
  const auto p = rollup_statement_params({}, "b");
  ASSERT_EQ(p.size(), 24u);
  for (std::size_t i = 0; i < 23; ++i) EXPECT_EQ(p[i], "{}") << i;
}

}  // namespace
}  // namespace floodgate::analytics
