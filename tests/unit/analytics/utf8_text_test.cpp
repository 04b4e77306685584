#include "utf8_text.hpp"

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

// Verifies valid text passes unchanged and every bad byte or NUL becomes U+FFFD.
TEST(utf8_text, makes_text_valid_utf8) {
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
