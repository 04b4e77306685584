// Algorithm names and the limiter's error category.

#include <string>

#include <gtest/gtest.h>

#include <floodgate/limit/error.hpp>
#include <floodgate/limit/limit_spec.hpp>

namespace floodgate::limit {
namespace {

// Verifies every algorithm round-trips through its SPEC spelling.
TEST(algorithm_names, round_trip) {
  for (const auto a :
       {algorithm::token_bucket, algorithm::leaky_bucket, algorithm::fixed_window,
        algorithm::sliding_window, algorithm::sliding_window_counter, algorithm::gcra}) {
    const auto parsed = algorithm_from_string(to_string(a));
    ASSERT_TRUE(parsed.has_value()) << to_string(a);
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_EQ(to_string(algorithm::sliding_window_counter), "sliding_window_counter");
}

// Verifies unknown or differently spelled names are refused, not defaulted.
TEST(algorithm_names, refuses_unknown) {
  EXPECT_FALSE(algorithm_from_string("token-bucket"));
  EXPECT_FALSE(algorithm_from_string("Token_Bucket"));
  EXPECT_FALSE(algorithm_from_string(""));
  EXPECT_FALSE(algorithm_from_string("sliding_window "));
}

// Verifies errc values compare as error codes of the limiter category, with messages.
TEST(limiter_errors, category_and_messages) {
  const boost::system::error_code ec = errc::circuit_open;
  EXPECT_EQ(&ec.category(), &limiter_category());
  EXPECT_STREQ(ec.category().name(), "floodgate.limit");
  EXPECT_NE(ec.message().find("circuit"), std::string::npos);
  for (int v = 1; v <= static_cast<int>(errc::invalid_limit); ++v) {
    EXPECT_NE(limiter_category().message(v), "unknown limiter error") << v;
  }
  EXPECT_EQ(limiter_category().message(999), "unknown limiter error");
}

}  // namespace
}  // namespace floodgate::limit
