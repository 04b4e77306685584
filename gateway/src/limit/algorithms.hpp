#pragma once

// The six algorithms of SPEC.md as pure functions of (spec, state, now).
//
// No I/O and no clock reads: `now_us` is integer microseconds since the Unix
// epoch, passed in. The maths is integer-only and is written down formula by
// formula in docs/limiter.md, which the Redis Lua scripts implement too; keep
// the two in step (tests/support/limit_vectors.hpp runs against both).

#include <cstdint>

#include <floodgate/limit/limit_spec.hpp>

#include "limit/timestamp_log.hpp"

namespace floodgate::limit {

/// Where one request stands against one limit.
struct limit_result {
  bool allowed = false;
  std::uint64_t remaining = 0;      // requests still allowed after this one
  std::int64_t reset_after_us = 0;  // until the state equals a fresh one (fully available)
  std::int64_t retry_after_us = 0;  // 0 when allowed; else the smallest delay that allows
};

/// A result plus the state (or state change) to write if the whole check allows.
template <typename Next>
struct outcome {
  limit_result result;
  Next next;
};

/// Tokens scaled by the window in µs (one token = W units), so refill is integral.
struct token_bucket_state {
  std::int64_t tokens = 0;
  std::int64_t updated_us = 0;
};

/// Level scaled like token_bucket_state::tokens (one request = W units).
struct leaky_bucket_state {
  std::int64_t level = 0;
  std::int64_t updated_us = 0;
};

struct fixed_window_state {
  std::int64_t window_start_us = 0;
  std::int64_t count = 0;
};

struct sliding_window_counter_state {
  std::int64_t window_start_us = 0;
  std::int64_t previous = 0;  // count of the window before window_start_us
  std::int64_t current = 0;
};

/// Theoretical arrival time, exactly: tat_us + tat_fraction / limit.
struct gcra_state {
  std::int64_t tat_us = 0;
  std::int64_t tat_fraction = 0;  // 0 <= tat_fraction < limit
};

/// How the sliding_window log changes: drop the `expired` oldest entries, and
/// append now when allowed.
struct sliding_window_update {
  std::size_t expired = 0;
  bool append = false;
};

/// The window in microseconds.
[[nodiscard]] constexpr std::int64_t window_us(const limit_spec& s) noexcept {
  return static_cast<std::int64_t>(s.window.count()) * 1000;
}

// Fresh states: what a key that was never seen (or has gone idle) starts from.
[[nodiscard]] token_bucket_state fresh_token_bucket(const limit_spec& s,
                                                    std::int64_t now_us) noexcept;
[[nodiscard]] leaky_bucket_state fresh_leaky_bucket(std::int64_t now_us) noexcept;
[[nodiscard]] fixed_window_state fresh_fixed_window(const limit_spec& s,
                                                    std::int64_t now_us) noexcept;
[[nodiscard]] sliding_window_counter_state fresh_sliding_window_counter(
    const limit_spec& s, std::int64_t now_us) noexcept;
[[nodiscard]] gcra_state fresh_gcra(std::int64_t now_us) noexcept;

// One request at `now_us` against one limit. Preconditions: is_supported(s),
// `state` belongs to the algorithm of the function's name.
[[nodiscard]] outcome<token_bucket_state> token_bucket(const limit_spec& s,
                                                       const token_bucket_state& state,
                                                       std::int64_t now_us) noexcept;
[[nodiscard]] outcome<leaky_bucket_state> leaky_bucket(const limit_spec& s,
                                                       const leaky_bucket_state& state,
                                                       std::int64_t now_us) noexcept;
[[nodiscard]] outcome<fixed_window_state> fixed_window(const limit_spec& s,
                                                       const fixed_window_state& state,
                                                       std::int64_t now_us) noexcept;
[[nodiscard]] outcome<sliding_window_update> sliding_window(const limit_spec& s,
                                                            const timestamp_log& log,
                                                            std::int64_t now_us) noexcept;
[[nodiscard]] outcome<sliding_window_counter_state> sliding_window_counter(
    const limit_spec& s, const sliding_window_counter_state& state, std::int64_t now_us) noexcept;
[[nodiscard]] outcome<gcra_state> gcra(const limit_spec& s, const gcra_state& state,
                                       std::int64_t now_us) noexcept;

}  // namespace floodgate::limit
