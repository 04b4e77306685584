#include "text/route_path.hpp"

#include <gtest/gtest.h>

namespace floodgate::text {
namespace {

// The routed path of `target`, or "<none>" when it cannot be routed.
std::string routed(std::string_view target) {
  std::string storage;
  const auto path = route_path(target, storage);
  return path ? std::string(*path) : "<none>";
}

// Verifies that an ordinary path is routed as written, without a copy.
TEST(route_path, leaves_plain_paths_alone) {
  std::string storage;
  const std::string_view target = "/api/data/item?x=1";
  const auto path = route_path(target, storage);
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, "/api/data/item");
  EXPECT_EQ(path->data(), target.data());
  EXPECT_EQ(routed("/"), "/");
  EXPECT_EQ(routed("/a/"), "/a/");
  EXPECT_EQ(routed("*"), "*");
}

// Verifies the spellings of one path that must route like it (NGINX's normalisation).
TEST(route_path, normalises_other_spellings) {
  EXPECT_EQ(routed("//login"), "/login");
  EXPECT_EQ(routed("/api//data///item"), "/api/data/item");
  EXPECT_EQ(routed("/./login"), "/login");
  EXPECT_EQ(routed("/public/../login?q=/../x"), "/login");
  EXPECT_EQ(routed("/a/b/.."), "/a/");
  EXPECT_EQ(routed("/a/."), "/a/");
  EXPECT_EQ(routed("/a/.."), "/");
  EXPECT_EQ(routed("/%6Cogin"), "/login");
  EXPECT_EQ(routed("/public/%2e%2E/login"), "/login");
  EXPECT_EQ(routed("/%7euser/%41pi"), "/~user/Api");
  EXPECT_EQ(routed("/.well-known/x"), "/.well-known/x");
  EXPECT_EQ(routed("/a..b/c"), "/a..b/c");
  // Not an escape: kept as written.
  EXPECT_EQ(routed("/100%"), "/100%");
  EXPECT_EQ(routed("/a%zz"), "/a%zz");
  EXPECT_EQ(routed("/a%4"), "/a%4");
}

// Verifies escaped separators stay escapes (one spelling: uppercase hex) by default:
// data inside a segment, so "..%2f" is no dot segment; every other escape is decoded
// ("%3A" is ':' to every server). Decoded, they are separators (the other reading).
TEST(route_path, reads_escaped_separators_both_ways) {
  EXPECT_EQ(routed("/api%2Fdata"), "/api%2Fdata");
  EXPECT_EQ(routed("/api%2fdata"), "/api%2Fdata");
  EXPECT_EQ(routed("/limited/..%2fx"), "/limited/..%2Fx");
  EXPECT_EQ(routed("/limited/%2e%2e%2fx"), "/limited/..%2Fx");
  EXPECT_EQ(routed("/a%5c..%5cb"), "/a%5C..%5Cb");
  EXPECT_EQ(routed("/v1/things%3Abatch"), "/v1/things:batch");
  EXPECT_EQ(routed("/a%20b"), "/a b");
  std::string storage;
  const auto decoded = [&](std::string_view target) {
    const auto path = route_path(target, storage, encoded_separators::decoded);
    return path ? std::string(*path) : "<none>";
  };
  EXPECT_EQ(decoded("/limited/..%2fx"), "/x");
  EXPECT_EQ(decoded("/api%2Fdata"), "/api/data");
  EXPECT_EQ(decoded("/a%5cb"), "/a/b");
  EXPECT_EQ(decoded("/%2e%2e%2fetc"), "<none>");
  EXPECT_TRUE(has_encoded_separator("/api%2Fdata"));
  EXPECT_TRUE(has_encoded_separator("/a%5C"));
  EXPECT_FALSE(has_encoded_separator("/a%2"));
  EXPECT_FALSE(has_encoded_separator("/plain/path"));
}

// Verifies the paths no route can take: above the root, or with a NUL.
TEST(route_path, refuses_what_cannot_be_routed) {
  EXPECT_EQ(routed("/../etc/passwd"), "<none>");
  EXPECT_EQ(routed("/a/../../b"), "<none>");
  EXPECT_EQ(routed("/%2e%2e/b"), "<none>");
  EXPECT_EQ(routed("/a%00b"), "<none>");
}

}  // namespace
}  // namespace floodgate::text
