#include "text/log_value.hpp"

#include <string>

#include <gtest/gtest.h>

namespace floodgate::text {
namespace {

// Verifies the usual values (addresses, keys, paths) are written as they are.
TEST(log_value, leaves_plain_values_alone) {
  EXPECT_EQ(log_value("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(log_value("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(log_value("api:key-123_ABC"), "api:key-123_ABC");
  EXPECT_EQ(log_value("/api/data%20x"), "/api/data%20x");
}

// Verifies client-controlled text cannot forge fields, carry raw bytes or run long.
TEST(log_value, quotes_what_could_forge_a_field) {
  EXPECT_EQ(log_value("k1 status=200 route=admin"), R"("k1 status=200 route=admin")");
  EXPECT_EQ(log_value("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(log_value("a\tb\x01\xff"), R"("a\tb\x01\xff")");
  EXPECT_EQ(log_value(std::string(200, 'k'), 8), R"("kkkkkkkk...")");
  EXPECT_EQ(log_value("", 8), "");
}

}  // namespace
}  // namespace floodgate::text
