// with_default_options: client-side settings added to a connection string without ever
// overriding what the operator wrote, for URIs and key=value strings alike.
#include <gtest/gtest.h>

#include <floodgate/analytics/connection_string.hpp>

namespace floodgate::analytics {
namespace {

const std::vector<std::pair<std::string, std::string>> defaults = {{"keepalives", "1"},
                                                                   {"tcp_user_timeout", "10000"}};

// Verifies a URI becomes key=value with the defaults added and its own settings kept.
TEST(with_default_options, converts_a_uri_and_adds_what_is_missing) {
  const auto out = with_default_options(
      "postgresql://floodgate:pw@127.0.0.1:5433/floodgate?tcp_user_timeout=500", defaults);
  EXPECT_EQ(out,
            "user='floodgate' password='pw' dbname='floodgate' host='127.0.0.1' port='5433' "
            "tcp_user_timeout='500' keepalives='1'");
  EXPECT_FALSE(connection_string_problem(out));
}

// Verifies values are quoted the way libpq reads them back (quotes and backslashes).
TEST(with_default_options, quotes_values) {
  const auto out = with_default_options("host=/tmp/x password='a\\'b\\\\c'", {});
  EXPECT_EQ(out, "password='a\\'b\\\\c' host='/tmp/x'");
  EXPECT_FALSE(connection_string_problem(out));
}

// Verifies a string libpq cannot parse is returned as it is, for connect to report.
TEST(with_default_options, leaves_an_unparsable_string_alone) {
  EXPECT_EQ(with_default_options("hostt=x", defaults), "hostt=x");
}

}  // namespace
}  // namespace floodgate::analytics
