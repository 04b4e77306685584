#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace floodgate::redis {

/// Where and how to connect, parsed from `redis.url`.
struct redis_endpoint {
  bool unix_socket = false;
  std::string host;  // TCP host (IP literal or name; "localhost" kept as written)
  std::uint16_t port = 6379;
  std::string path;      // unix socket path
  std::string username;  // Redis 6 ACL user; empty = default user
  std::string password;  // empty = no AUTH
  int db = 0;            // SELECT when non-zero
};

/// Parses `redis://[[user]:password@]host[:port][/db]` and `unix:///path[?db=N]`.
/// IPv6 hosts are written in brackets. Errors name what is wrong.
[[nodiscard]] boost::system::result<redis_endpoint, std::string> parse_redis_url(
    std::string_view url);

}  // namespace floodgate::redis
