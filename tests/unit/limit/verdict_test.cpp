// finalize(): which limit the headers describe, and the check's retry_after.

#include <chrono>

#include <gtest/gtest.h>

#include <floodgate/limit/verdict.hpp>

namespace floodgate::limit {
namespace {

using std::chrono::milliseconds;

limit_status status(std::uint64_t remaining, bool allowed, std::int64_t retry_ms,
                    std::int64_t reset_ms) {
  return {10, remaining, milliseconds(reset_ms), milliseconds(retry_ms), allowed};
}

// Verifies allowed is true only when every limit allows.
TEST(verdict, allowed_only_when_all_allow) {
  verdict v;
  v.limits = {status(3, true, 0, 100), status(0, false, 500, 900)};
  finalize(v);
  EXPECT_FALSE(v.allowed);
  v.limits[1] = status(1, true, 0, 900);
  finalize(v);
  EXPECT_TRUE(v.allowed);
}

// Verifies the most restrictive limit is the one with the smallest remaining.
TEST(verdict, most_restrictive_is_smallest_remaining) {
  verdict v;
  v.limits = {status(5, true, 0, 100), status(2, true, 0, 100), status(7, true, 0, 100)};
  finalize(v);
  EXPECT_EQ(v.most_restrictive, 1u);
}

// Verifies ties on remaining go to the longest retry_after, then the longest reset.
TEST(verdict, ties_go_to_the_longest_wait) {
  verdict v;
  v.limits = {status(0, false, 200, 5000), status(0, false, 900, 1000),
              status(0, false, 900, 3000)};
  finalize(v);
  EXPECT_EQ(v.most_restrictive, 2u);
  v.limits = {status(1, true, 0, 100), status(1, true, 0, 400), status(1, true, 0, 400)};
  finalize(v);
  EXPECT_EQ(v.most_restrictive, 1u) << "full ties keep the first";
}

// Verifies retry_after() is the longest retry_after among denying limits only.
TEST(verdict, retry_after_is_the_longest_denial) {
  verdict v;
  v.limits = {status(0, false, 300, 300), status(4, true, 0, 60'000), status(0, false, 1200, 2000)};
  finalize(v);
  EXPECT_EQ(v.retry_after(), milliseconds(1200));
  v.limits = {status(4, true, 0, 60'000)};
  finalize(v);
  EXPECT_EQ(v.retry_after(), milliseconds(0));
}

// Verifies an empty verdict (no limits) is allowed.
TEST(verdict, empty_is_allowed) {
  verdict v;
  finalize(v);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.retry_after(), milliseconds(0));
}

}  // namespace
}  // namespace floodgate::limit
