#include "copy_text.hpp"

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

using namespace std::chrono;

// Verifies timestamps are UTC with microseconds and an explicit offset.
TEST(copy_text, formats_timestamptz_literals) {
  const system_clock::time_point t{seconds{1763812345} + microseconds{42}};
  EXPECT_EQ(format_timestamp(t), "2025-11-22 11:52:25.000042+00");
  EXPECT_EQ(format_timestamp(std::int64_t{0}), "1970-01-01 00:00:00.000000+00");
  // Nanoseconds are truncated, not rounded into the next second.
  const system_clock::time_point almost{seconds{59} + nanoseconds{999999999}};
  EXPECT_EQ(format_timestamp(almost), "1970-01-01 00:00:59.999999+00");
}

// Verifies valid text passes unchanged and every bad byte or NUL becomes U+FFFD.
TEST(copy_text, makes_text_valid_utf8) {
  EXPECT_TRUE(is_valid_utf8("/api/data?q=caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_EQ(to_valid_utf8("/caf\xC3\xA9"), "/caf\xC3\xA9");
  EXPECT_FALSE(is_valid_utf8("/a\xFFz"));
  EXPECT_EQ(to_valid_utf8("/a\xFFz"), "/a\xEF\xBF\xBDz");
  EXPECT_EQ(to_valid_utf8(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(to_valid_utf8("\xC3"), "\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

}  // namespace
}  // namespace floodgate::analytics
