#pragma once

// Shared algorithm test vectors: the same table runs against memory_store (unit
// tests, fake clock) and redis_store (redistest, Redis TIME), so the C++ and the
// Lua implementations of docs/limiter.md cannot drift apart.
//
// Every expected value here was worked out by hand from the formulas in
// docs/limiter.md, not captured from an implementation.

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include <floodgate/limit/limit_spec.hpp>

namespace floodgate::test {

/// One request of a vector and what the store must answer for it.
struct limit_vector_step {
  std::int64_t at_us = 0;  // offset from limit_vector_epoch_us (time-stepped vectors)
  bool allowed = true;
  std::vector<std::uint64_t> remaining;  // verdict.limits[i].remaining, one per limit
  /// verdict.retry_after() in ms (0 when allowed); -1: not checked. For
  /// realtime_safe vectors this is the value at zero elapsed time: against a real
  /// clock the answer may be smaller by at most the real time elapsed since the
  /// first step, never larger.
  std::int64_t retry_after_ms = 0;
};

/// A key's limits and a sequence of checks against one fresh key.
struct limit_vector {
  std::string_view name;
  std::vector<limit::limit_spec> limits;
  /// True when every step is at offset 0 and the decisions do not depend on a few
  /// milliseconds of real time (long windows): runnable against Redis, whose clock
  /// cannot be faked. False: needs an injected clock at limit_vector_epoch_us + at_us.
  bool realtime_safe = false;
  std::vector<limit_vector_step> steps;
};

/// Start of the time-stepped vectors: 2025-11-22T00:00:00Z, aligned to a day, so
/// every fixed window of these vectors starts exactly at offset 0.
inline constexpr std::int64_t limit_vector_epoch_us = 1'763'769'600'000'000;

namespace vector_detail {
using limit::algorithm;
using limit::limit_spec;
using ms = std::chrono::milliseconds;
inline constexpr ms one_second{1000};
inline constexpr ms one_hour{3'600'000};
inline constexpr ms one_day{86'400'000};
}  // namespace vector_detail

/// The table. Built once; safe to call from several tests.
inline const std::vector<limit_vector>& limit_vectors() {
  using namespace vector_detail;
  static const std::vector<limit_vector> vectors{
      // ---- bursts at one instant: limit requests allowed, then denied ------------
      {"token_bucket burst",
       {{algorithm::token_bucket, 3, one_hour}},
       true,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 1'200'000},  // one token = 3600 s / 3
        {0, false, {0}, 1'200'000}}},
      {"leaky_bucket burst",
       {{algorithm::leaky_bucket, 3, one_hour}},
       true,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 1'200'000},
        {0, false, {0}, 1'200'000}}},
      {"fixed_window burst",  // retry depends on where now falls in the day: unchecked
       {{algorithm::fixed_window, 3, one_day}},
       true,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, -1},
        {0, false, {0}, -1}}},
      {"sliding_window burst",
       {{algorithm::sliding_window, 3, one_hour}},
       true,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 3'600'000},  // the oldest leaves the window
        {0, false, {0}, 3'600'000}}},
      {"sliding_window_counter burst",  // retry depends on the window position: unchecked
       {{algorithm::sliding_window_counter, 3, one_hour}},
       true,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, -1},
        {0, false, {0}, -1}}},
      {"gcra burst",
       {{algorithm::gcra, 3, one_hour}},
       true,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 1'200'000},  // emission interval T = 3600 s / 3
        {0, false, {0}, 1'200'000}}},
      {"two limits burst: a denied request consumes nothing",
       {{algorithm::token_bucket, 5, one_hour}, {algorithm::sliding_window, 3, one_hour}},
       true,
       {{0, true, {4, 2}, 0},
        {0, true, {3, 1}, 0},
        {0, true, {2, 0}, 0},
        {0, false, {2, 0}, 3'600'000},  // the bucket would allow but is not charged
        {0, false, {2, 0}, 3'600'000}}},

      // ---- time-stepped: boundaries and retry_after exactness ---------------------
      // token_bucket 3/s: one token per 333333.3 µs, scaled s = tokens * 1e6.
      {"token_bucket refill",
       {{algorithm::token_bucket, 3, one_second}},
       false,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 334},         // ceil(1e6 / 3) = 333334 µs
        {333'333, false, {0}, 1},     // s = 999999: one µs short
        {333'334, true, {0}, 0},      // s = 1000002
        {333'334, false, {0}, 334},   // ceil(999998 / 3) = 333333 µs
        {5'000'000, true, {2}, 0}}},  // refilled to full (capacity 3), then one taken
      // leaky_bucket 3 per 3 s: one request drains in 1 s.
      {"leaky_bucket drain",
       {{algorithm::leaky_bucket, 3, std::chrono::milliseconds{3000}}},
       false,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 1000},
        {999'999, false, {0}, 1},  // level 6000003 of 9e6: 1 µs short
        {1'000'000, true, {0}, 0},
        {1'000'001, false, {0}, 1000},  // ceil(2999997 / 3) = 999999 µs
        {4'000'000, true, {2}, 0}}},    // drained empty
      {"fixed_window edges",
       {{algorithm::fixed_window, 2, one_second}},
       false,
       {{0, true, {1}, 0},
        {500'000, true, {0}, 0},
        {999'999, false, {0}, 1},   // window ends in 1 µs
        {1'000'000, true, {1}, 0},  // exactly at the edge: a new window
        {1'000'000, true, {0}, 0},
        {1'000'000, false, {0}, 1000}}},
      {"sliding_window log",
       {{algorithm::sliding_window, 2, one_second}},
       false,
       {{0, true, {1}, 0},
        {400'000, true, {0}, 0},
        {999'999, false, {0}, 1},      // the request at 0 leaves at 1000000
        {1'000'000, true, {0}, 0},     // window (0, 1000000]: the one at 0 is out
        {1'000'000, false, {0}, 400},  // the one at 400000 leaves at 1400000
        {1'399'999, false, {0}, 1},
        {1'400'000, true, {0}, 0}}},
      // sliding_window_counter 4/s.
      {"sliding_window_counter weighting",
       {{algorithm::sliding_window_counter, 4, one_second}},
       false,
       {{0, true, {3}, 0},
        {0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},
        {0, false, {0}, 1250},  // next window, where 4 * (1 - e) + 1 <= 4 at e = 0.25 s
        {1'249'999, false, {0}, 1},
        {1'250'000, true, {0}, 0},     // estimate 4 * 0.75 + 0 = 3, + 1 <= 4
        {1'500'000, true, {0}, 0},     // estimate 4 * 0.5 + 1 = 3
        {1'500'000, false, {0}, 250},  // needs 4 * (1 - e) + 2 <= 3: e = 0.75 s
        {2'000'000, true, {1}, 0},     // previous 2, weight 1: 2 + 1 <= 4
        {4'000'000, true, {3}, 0}}},   // two windows later: all forgotten
      // gcra 3/s: T = 333333.3 µs is not an integer; the state keeps it exact.
      {"gcra fractional emission interval",
       {{algorithm::gcra, 3, one_second}},
       false,
       {{0, true, {2}, 0},
        {0, true, {1}, 0},
        {0, true, {0}, 0},  // exactly limit in a burst, despite T * 3 rounding
        {0, false, {0}, 334},
        {333'333, false, {0}, 1},
        {333'334, true, {0}, 0},
        {333'334, false, {0}, 334}}},
      {"two limits stepped: all or nothing",
       {{algorithm::token_bucket, 2, one_second},
        {algorithm::fixed_window, 3, std::chrono::milliseconds{10'000}}},
       false,
       {{0, true, {1, 2}, 0},
        {0, true, {0, 1}, 0},
        {0, false, {0, 1}, 500},  // the window is not charged
        {0, false, {0, 1}, 500},
        {500'000, true, {0, 0}, 0},
        {1'000'000, false, {1, 0}, 9000},  // the bucket is not charged either
        {1'000'000, false, {1, 0}, 9000},
        {10'000'000, true, {1, 2}, 0}}},
  };
  return vectors;
}

}  // namespace floodgate::test
