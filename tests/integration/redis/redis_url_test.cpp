// redis.url parsing (no server).
#include <gtest/gtest.h>

#include "redis/redis_url.hpp"

namespace floodgate::redis {
namespace {

TEST(redis_url, parses_host_port_db) {
  auto ep = parse_redis_url("redis://127.0.0.1:6380/2");
  ASSERT_TRUE(ep) << ep.error();
  EXPECT_FALSE(ep->unix_socket);
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->db, 2);
  EXPECT_TRUE(ep->password.empty());
}

TEST(redis_url, defaults_port_and_db) {
  auto ep = parse_redis_url("redis://localhost");
  ASSERT_TRUE(ep) << ep.error();
  EXPECT_EQ(ep->host, "localhost");
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->db, 0);
}

TEST(redis_url, parses_password_and_user) {
  auto ep = parse_redis_url("redis://:s%40cret:x@10.0.0.1:7000/0");
  ASSERT_TRUE(ep) << ep.error();
  EXPECT_EQ(ep->password, "s@cret:x");
  EXPECT_TRUE(ep->username.empty());
  auto acl = parse_redis_url("redis://alice:pw@[::1]:7001");
  ASSERT_TRUE(acl) << acl.error();
  EXPECT_EQ(acl->username, "alice");
  EXPECT_EQ(acl->password, "pw");
  EXPECT_EQ(acl->host, "::1");
  EXPECT_EQ(acl->port, 7001);
}

TEST(redis_url, parses_unix_sockets) {
  auto ep = parse_redis_url("unix:///run/redis/redis.sock?db=3");
  ASSERT_TRUE(ep) << ep.error();
  EXPECT_TRUE(ep->unix_socket);
  EXPECT_EQ(ep->path, "/run/redis/redis.sock");
  EXPECT_EQ(ep->db, 3);
}

TEST(redis_url, rejects_nonsense) {
  EXPECT_FALSE(parse_redis_url("http://127.0.0.1:6379"));
  EXPECT_FALSE(parse_redis_url("redis://:6379"));
  EXPECT_FALSE(parse_redis_url("redis://host:0"));
  EXPECT_FALSE(parse_redis_url("redis://host:70000"));
  EXPECT_FALSE(parse_redis_url("redis://host:6379/x"));
  EXPECT_FALSE(parse_redis_url("unix://relative.sock"));
  EXPECT_NE(parse_redis_url("redis://host:port").error().find("port"), std::string::npos);
}

}  // namespace
}  // namespace floodgate::redis
