#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <gtest/gtest.h>

#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/verdict.hpp>

#include "redis/check_script.hpp"
#include "redis_server.hpp"
#include "sync_redis.hpp"

namespace floodgate::test {

/// One throwaway redis-server per test suite, the check script loaded into it,
/// and a way to run the script at an injected time (ARGV[1]).
class script_fixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<redis_server>();
    conn_ = std::make_unique<sync_redis>(server_->port());
    auto r = conn_->run({"SCRIPT", "LOAD", std::string(redis::check_script())});
    ASSERT_EQ(r->type, REDIS_REPLY_STRING) << (r->str ? r->str : "");
    sha_.assign(r->str, r->len);
  }
  static void TearDownTestSuite() {
    conn_.reset();
    server_.reset();
  }
  void SetUp() override { server_->command({"FLUSHALL"}); }

  /// Runs the script for `key` at `now_us` (0 = Redis TIME) and parses the verdict.
  static limit::verdict check(std::string_view key, std::span<const limit::limit_spec> limits,
                              std::int64_t now_us = 0) {
    std::string cmd;
    redis::append_check_command(cmd, sha_, prefix, key, limits,
                                now_us == 0 ? std::string() : std::to_string(now_us));
    auto r = conn_->run_formatted(cmd);
    auto parsed = redis::parse_check_reply(*r, limits);
    EXPECT_TRUE(parsed.has_value()) << (r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
    return parsed ? parsed->verdict : limit::verdict{};
  }

  static constexpr std::string_view prefix = "t:";
  static inline std::unique_ptr<redis_server> server_;
  static inline std::unique_ptr<sync_redis> conn_;
  static inline std::string sha_;
};

}  // namespace floodgate::test
