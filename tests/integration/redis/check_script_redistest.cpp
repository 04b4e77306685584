// The check script itself, run against a real redis-server: it loads, follows
// the shared vectors of docs/limiter.md, is all-or-nothing, and leaves only
// hash-tagged keys with TTLs behind.
#include <algorithm>
#include <vector>

#include "limit_vectors.hpp"
#include "script_fixture.hpp"

namespace floodgate::test {
namespace {

using limit::algorithm;
using limit::limit_spec;
using std::chrono::milliseconds;

const std::vector<limit_spec> every_algorithm{
    {algorithm::token_bucket, 5, milliseconds(60'000)},
    {algorithm::leaky_bucket, 5, milliseconds(60'000)},
    {algorithm::fixed_window, 5, milliseconds(60'000)},
    {algorithm::sliding_window, 5, milliseconds(60'000)},
    {algorithm::sliding_window_counter, 5, milliseconds(60'000)},
    {algorithm::gcra, 5, milliseconds(60'000)},
};

using check_script_test = script_fixture;

// Verifies SCRIPT LOAD accepts the concatenated script (our Lua syntax check).
TEST_F(check_script_test, loads_and_returns_a_sha1) {
  ASSERT_EQ(sha_.size(), 40u);
  EXPECT_EQ(server_->command({"SCRIPT", "EXISTS", sha_}), "1");
}

// Verifies every shared vector, at its injected times, step by step.
TEST_F(check_script_test, follows_the_shared_vectors) {
  for (const auto& vec : limit_vectors()) {
    SCOPED_TRACE(std::string(vec.name));
    const std::string key = "vec:" + std::string(vec.name);
    for (std::size_t i = 0; i < vec.steps.size(); ++i) {
      const auto& step = vec.steps[i];
      SCOPED_TRACE("step " + std::to_string(i));
      auto v = check(key, vec.limits, limit_vector_epoch_us + step.at_us);
      EXPECT_EQ(v.allowed, step.allowed);
      ASSERT_EQ(v.limits.size(), step.remaining.size());
      for (std::size_t l = 0; l < step.remaining.size(); ++l)
        EXPECT_EQ(v.limits[l].remaining, step.remaining[l]) << "limit " << l;
      if (step.retry_after_ms >= 0) {
        EXPECT_EQ(v.retry_after().count(), step.retry_after_ms);
      }
    }
  }
}

// Verifies the realtime-safe vectors with Redis's own clock (TIME), as in production.
TEST_F(check_script_test, follows_the_realtime_vectors_on_redis_time) {
  for (const auto& vec : limit_vectors()) {
    if (!vec.realtime_safe) continue;
    SCOPED_TRACE(std::string(vec.name));
    const std::string key = "rt:" + std::string(vec.name);
    for (const auto& step : vec.steps) {
      auto v = check(key, vec.limits);
      EXPECT_EQ(v.allowed, step.allowed);
      for (std::size_t l = 0; l < step.remaining.size(); ++l)
        EXPECT_EQ(v.limits[l].remaining, step.remaining[l]);
      if (step.retry_after_ms > 0) {
        // Real time passes: never later than the vector, and not by much.
        EXPECT_LE(v.retry_after().count(), step.retry_after_ms);
        EXPECT_GE(v.retry_after().count(), step.retry_after_ms - 2000);
      }
    }
  }
}

// Verifies a denied check consumes nothing from any limit, the allowing ones included.
TEST_F(check_script_test, a_denied_check_consumes_nothing) {
  const std::vector<limit_spec> limits{{algorithm::fixed_window, 10, milliseconds(3'600'000)},
                                       {algorithm::token_bucket, 2, milliseconds(3'600'000)},
                                       {algorithm::sliding_window, 10, milliseconds(3'600'000)}};
  const std::int64_t t = limit_vector_epoch_us;
  EXPECT_TRUE(check("aon", limits, t).allowed);
  EXPECT_TRUE(check("aon", limits, t).allowed);
  for (int i = 0; i < 5; ++i) {
    auto v = check("aon", limits, t);
    EXPECT_FALSE(v.allowed);
    EXPECT_EQ(v.most_restrictive, 1u);
    EXPECT_EQ(v.limits[0].remaining, 8u);  // allowed by itself, not consumed
    EXPECT_EQ(v.limits[2].remaining, 8u);
  }
  // The route's packed key holds fixed_window's (window start, count), then token
  // bucket's two numbers: the count is 2.
  EXPECT_EQ(server_->command({"EVAL",
                              "return select(2, struct.unpack('<dd', redis.call('GET', KEYS[1])))",
                              "1", "t:{aon}:2-10-3600000,0-2-3600000:v4"}),
            "2");
  EXPECT_EQ(server_->command({"ZCARD", "t:{aon}:2-10-3600000:sliding_window:v3"}), "2");
}

// Verifies a packed string too short for the route's layout (not one a gateway
// writes: the key's name spells the layout) reads as fresh instead of failing.
TEST_F(check_script_test, a_short_packed_state_reads_as_fresh) {
  const std::vector<limit_spec> limits{{algorithm::token_bucket, 5, milliseconds(60'000)},
                                       {algorithm::gcra, 5, milliseconds(60'000)}};
  ASSERT_EQ(server_->command({"SET", "t:{short}:0-5-60000,5-5-60000:v4", std::string(20, 'x')}),
            "OK");
  const auto v = check("short", limits, limit_vector_epoch_us);
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.limits[0].remaining, 4u);
  EXPECT_EQ(v.limits[1].remaining, 4u);
  EXPECT_EQ(server_->command({"STRLEN", "t:{short}:0-5-60000,5-5-60000:v4"}),
            "32");  // rewritten whole
}

// Verifies a limit whose count or window changes (a reload) starts afresh, as in
// the memory store, instead of reading the state kept under the old numbers: a
// fixed window lowered below its count would answer remaining -3 (a malformed
// reply, counted as a Redis failure), a token bucket whose window grew from 1 s to
// 1 h would be empty for minutes.
TEST_F(check_script_test, a_changed_limit_starts_afresh) {
  const std::int64_t t = limit_vector_epoch_us;
  const std::vector<limit_spec> five{{algorithm::fixed_window, 5, milliseconds(3'600'000)},
                                     {algorithm::sliding_window, 5, milliseconds(3'600'000)}};
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(check("chg", five, t).allowed);
  EXPECT_FALSE(check("chg", five, t).allowed);
  const std::vector<limit_spec> two{{algorithm::fixed_window, 2, milliseconds(3'600'000)},
                                    {algorithm::sliding_window, 2, milliseconds(3'600'000)}};
  const auto lowered = check("chg", two, t);
  EXPECT_TRUE(lowered.allowed);
  ASSERT_EQ(lowered.limits.size(), 2u);
  EXPECT_EQ(lowered.limits[0].remaining, 1u);
  EXPECT_EQ(lowered.limits[1].remaining, 1u);

  const std::vector<limit_spec> per_second{{algorithm::token_bucket, 10, milliseconds(1000)}};
  const std::vector<limit_spec> per_hour{{algorithm::token_bucket, 10, milliseconds(3'600'000)}};
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(check("tb", per_second, t).allowed);
  const auto longer = check("tb", per_hour, t + 1000);
  EXPECT_TRUE(longer.allowed);
  EXPECT_EQ(longer.limits[0].remaining, 9u);
}

// Verifies Redis's clock stepping back (a failover to a replica behind by a few ms)
// never makes a reply malformed (check() fails the test when parse_check_reply
// refuses it): remaining stays >= 0 for every algorithm, and a GCRA whose TAT is
// now more than a window ahead still denies and says when.
TEST_F(check_script_test, a_clock_stepping_back_keeps_replies_well_formed) {
  const std::int64_t t = limit_vector_epoch_us + 500'000;
  for (const auto algo :
       {algorithm::gcra, algorithm::leaky_bucket, algorithm::token_bucket, algorithm::fixed_window,
        algorithm::sliding_window, algorithm::sliding_window_counter}) {
    SCOPED_TRACE(std::string(limit::to_string(algo)));
    const std::vector<limit_spec> limits{{algo, 2, milliseconds(1000)}};
    const std::string key = "back:" + std::string(limit::to_string(algo));
    EXPECT_TRUE(check(key, limits, t).allowed);
    EXPECT_TRUE(check(key, limits, t).allowed);
    const auto v = check(key, limits, t - 1000);
    ASSERT_EQ(v.limits.size(), 1u);
    EXPECT_LE(v.limits[0].remaining, 2u);
    if (algo == algorithm::gcra) {
      EXPECT_FALSE(v.allowed);
      EXPECT_EQ(v.limits[0].remaining, 0u);  // was -1: a "malformed" reply
      EXPECT_GT(v.retry_after().count(), 0);
      EXPECT_LE(v.retry_after().count(), 2000);
    }
  }
}

// Verifies a daily quota beyond the meters' exact range (fixed_window only counts)
// is counted exactly by the script, as by the memory store.
TEST_F(check_script_test, a_large_daily_fixed_window_counts_exactly) {
  const std::vector<limit_spec> quota{
      {algorithm::fixed_window, 1'000'000, milliseconds(86'400'000)}};
  ASSERT_TRUE(limit::is_supported(quota[0]));
  const std::int64_t t = limit_vector_epoch_us;
  for (std::uint64_t i = 1; i <= 3; ++i) {
    const auto v = check("quota", quota, t + static_cast<std::int64_t>(i));
    EXPECT_TRUE(v.allowed);
    EXPECT_EQ(v.limits[0].remaining, 1'000'000u - i);
  }
}

// Verifies every key written gets a TTL no longer than its window needs.
TEST_F(check_script_test, every_key_has_a_ttl) {
  EXPECT_TRUE(check("ttl", every_algorithm).allowed);
  const auto keys = server_->command({"KEYS", "*"});
  std::size_t count = 0;
  for (std::size_t at = 0; at <= keys.size();) {
    auto end = keys.find('\n', at);
    if (end == std::string::npos) end = keys.size();
    const auto key = keys.substr(at, end - at);
    at = end + 1;
    if (key.empty()) continue;
    ++count;
    const auto pttl = std::stoll(server_->command({"PTTL", key}));
    EXPECT_GT(pttl, 0) << key;
    EXPECT_LE(pttl, 2 * 60'000) << key;  // sliding_window_counter keeps two windows
  }
  // One packed key for the five fixed-size states, one sorted set for the log.
  EXPECT_EQ(count, 2u);
}

// Verifies the keys of one decision share one hash tag (one Cluster slot), even
// when the client key contains braces.
TEST_F(check_script_test, keys_carry_one_hash_tag) {
  EXPECT_EQ(redis::packed_state_key("fg:", "api:1.2.3.4", every_algorithm),
            "fg:{api:1.2.3.4}:0-5-60000,1-5-60000,2-5-60000,4-5-60000,5-5-60000:v4");
  EXPECT_EQ(redis::sliding_window_key("fg:", "r:}{x%", every_algorithm, 3),
            "fg:{r:%7D%7Bx%25}:3-5-60000:sliding_window:v3");
  EXPECT_TRUE(check("r:}evil{", every_algorithm).allowed);
  const auto keys = server_->command({"KEYS", "*"});
  std::size_t count = 0;
  for (std::size_t at = 0; (at = keys.find("t:{r:%7Devil%7B}:", at)) != std::string::npos; ++at)
    ++count;
  EXPECT_EQ(count, 2u);
}

// Verifies an unknown algorithm id is a script error, not a silent allow.
TEST_F(check_script_test, rejects_an_unknown_algorithm) {
  std::string cmd = "*6\r\n$7\r\nEVALSHA\r\n$40\r\n" + sha_ +
                    "\r\n$1\r\n1\r\n$3\r\nt:k\r\n$0\r\n\r\n$2\r\n99\r\n";
  // Append the missing limit/window arguments by hand (8 args in total).
  cmd.replace(0, 2, "*8");
  cmd += "$1\r\n5\r\n$4\r\n1000\r\n";
  auto r = conn_->run_formatted(cmd);
  ASSERT_EQ(r->type, REDIS_REPLY_ERROR);
  EXPECT_NE(std::string(r->str).find("unknown algorithm"), std::string::npos);
}

}  // namespace
}  // namespace floodgate::test

namespace floodgate::test {
namespace {

// Verifies the per-connection formatter writes exactly what append_check_command
// does while it reuses its cached parts, and rebuilds them when the limit set or
// the SHA changes (a reload, a SCRIPT LOAD after a restart).
TEST(check_command_formatter, matches_the_plain_formatting) {
  using limit::algorithm;
  using limit::limit_spec;
  using std::chrono::milliseconds;
  const std::vector<limit_spec> one{{algorithm::token_bucket, 10, milliseconds(1000)}};
  const std::vector<limit_spec> two{{algorithm::gcra, 5, milliseconds(60'000)},
                                    {algorithm::sliding_window, 100, milliseconds(3'600'000)}};
  const std::vector<limit_spec> changed{{algorithm::token_bucket, 11, milliseconds(1000)}};
  const std::string sha_a(40, 'a');
  const std::string sha_b(40, 'b');
  struct step {
    const std::string* sha;
    const std::vector<limit_spec>* limits;
    std::string_view key;
  };
  const std::vector<step> steps{{&sha_a, &one, "r:1.2.3.4"}, {&sha_a, &one, "r:{odd}%"},
                                {&sha_a, &two, "s:5.6.7.8"}, {&sha_a, &two, "s:5.6.7.9"},
                                {&sha_a, &changed, "r:1"},   {&sha_b, &changed, "r:1"},
                                {&sha_b, &one, "r:1"}};
  redis::check_command_formatter formatter;
  for (const auto& s : steps) {
    std::string expected;
    redis::append_check_command(expected, *s.sha, "fg:", s.key, *s.limits);
    std::string actual = "x";  // appends, never replaces
    formatter.append(actual, *s.sha, "fg:", s.key, *s.limits);
    EXPECT_EQ(actual, "x" + expected) << s.key;
  }
}

}  // namespace
}  // namespace floodgate::test
