#include "limit/algorithms.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

// Every formula here is written down in docs/limiter.md, where the Lua scripts
// take them from. Integers only: a rounding difference between C++ and Lua
// would let two stores disagree about the same request.

namespace floodgate::limit {
namespace {

constexpr std::int64_t max_exact = std::int64_t{1} << 53;

// a, b >= 0, b > 0.
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) noexcept {
  return (a + b - 1) / b;
}

constexpr std::int64_t limit_of(const limit_spec& s) noexcept {
  return static_cast<std::int64_t>(s.limit);
}

constexpr std::uint64_t as_count(std::int64_t n) noexcept {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(n, 0));
}

constexpr std::int64_t aligned_start(std::int64_t now_us, std::int64_t w) noexcept {
  // Floor division: correct for times before the epoch too (fake clocks).
  const std::int64_t q = now_us / w;
  return (now_us % w < 0 ? q - 1 : q) * w;
}

struct metered {
  limit_result result;
  std::int64_t level = 0;  // after this request
};

// Shared by the token and leaky buckets and gcra: they are one meter seen from
// three sides. `level` is the scaled fill (>= 0) after leaking to now; the
// capacity is l * w and one request adds w.
metered meter(std::int64_t level, std::int64_t l, std::int64_t w) noexcept {
  const std::int64_t capacity = l * w;
  limit_result r;
  r.allowed = level + w <= capacity;
  if (r.allowed) level += w;
  r.remaining = as_count((capacity - level) / w);
  r.retry_after_us = r.allowed ? 0 : ceil_div(level + w - capacity, l);
  r.reset_after_us = ceil_div(level, l);
  return {r, level};
}

}  // namespace

bool is_supported(const limit_spec& s) noexcept {
  if (s.limit < 1 || s.window.count() < 1) return false;
  const std::int64_t w = window_us(s);
  if (w >= max_exact) return false;
  switch (s.algo) {
    case algorithm::fixed_window:
      // Counts and times only: no product of limit and window.
      return true;
    case algorithm::sliding_window:
      // The log's ring buffer counts in 32 bits (and 2^32 entries is 32 GiB per key anyway).
      return s.limit <= std::numeric_limits<std::uint32_t>::max();
    default:
      // The meters and the weighted counter scale by the window: C = limit * w.
      return s.limit <= static_cast<std::uint64_t>(max_exact / w);
  }
}

token_bucket_state fresh_token_bucket(const limit_spec& s, std::int64_t now_us) noexcept {
  return {limit_of(s) * window_us(s), now_us};
}

leaky_bucket_state fresh_leaky_bucket(std::int64_t now_us) noexcept {
  return {0, now_us};
}

fixed_window_state fresh_fixed_window(const limit_spec& s, std::int64_t now_us) noexcept {
  return {aligned_start(now_us, window_us(s)), 0};
}

sliding_window_counter_state fresh_sliding_window_counter(const limit_spec& s,
                                                          std::int64_t now_us) noexcept {
  return {aligned_start(now_us, window_us(s)), 0, 0};
}

gcra_state fresh_gcra(std::int64_t now_us) noexcept {
  return {now_us, 0};
}

outcome<token_bucket_state> token_bucket(const limit_spec& s, const token_bucket_state& state,
                                         std::int64_t now_us) noexcept {
  assert(is_supported(s));
  const std::int64_t l = limit_of(s);
  const std::int64_t w = window_us(s);
  // Past one window the bucket is full whatever it held; clamping keeps e * l exact.
  const std::int64_t elapsed = std::clamp<std::int64_t>(now_us - state.updated_us, 0, w);
  const std::int64_t tokens = std::min(l * w, state.tokens + elapsed * l);
  // tokens = C - level: the same meter as the leaky bucket, counted the other way.
  const metered m = meter(l * w - tokens, l, w);
  return {m.result, {l * w - m.level, now_us}};
}

outcome<leaky_bucket_state> leaky_bucket(const limit_spec& s, const leaky_bucket_state& state,
                                         std::int64_t now_us) noexcept {
  assert(is_supported(s));
  const std::int64_t l = limit_of(s);
  const std::int64_t w = window_us(s);
  const std::int64_t elapsed = std::clamp<std::int64_t>(now_us - state.updated_us, 0, w);
  const std::int64_t leaked = std::max<std::int64_t>(0, state.level - elapsed * l);
  const metered m = meter(leaked, l, w);
  return {m.result, {m.level, now_us}};
}

outcome<fixed_window_state> fixed_window(const limit_spec& s, const fixed_window_state& state,
                                         std::int64_t now_us) noexcept {
  assert(is_supported(s));
  const std::int64_t l = limit_of(s);
  const std::int64_t w = window_us(s);
  const std::int64_t start = aligned_start(now_us, w);
  std::int64_t count = state.window_start_us == start ? state.count : 0;
  limit_result r;
  r.allowed = count < l;
  if (r.allowed) ++count;
  r.remaining = as_count(l - count);
  r.reset_after_us = start + w - now_us;
  r.retry_after_us = r.allowed ? 0 : r.reset_after_us;
  return {r, {start, count}};
}

outcome<sliding_window_update> sliding_window(const limit_spec& s, const timestamp_log& log,
                                              std::int64_t now_us) noexcept {
  assert(is_supported(s));
  const std::int64_t l = limit_of(s);
  const std::int64_t w = window_us(s);
  // The window is (now - w, now]: a timestamp exactly w old has left it.
  const std::size_t expired = log.count_at_or_before(now_us - w);
  auto count = static_cast<std::int64_t>(log.size() - expired);
  limit_result r;
  r.allowed = count < l;
  if (r.allowed) ++count;
  r.remaining = as_count(l - count);
  if (!r.allowed) r.retry_after_us = std::max<std::int64_t>(0, log.at(expired) + w - now_us);
  // Allowed: the newest entry is now. Denied: the log holds >= l >= 1 entries.
  r.reset_after_us = r.allowed ? w : std::max<std::int64_t>(0, log.newest() + w - now_us);
  return {r, {expired, r.allowed}};
}

outcome<sliding_window_counter_state> sliding_window_counter(
    const limit_spec& s, const sliding_window_counter_state& state, std::int64_t now_us) noexcept {
  assert(is_supported(s));
  const std::int64_t l = limit_of(s);
  const std::int64_t w = window_us(s);
  const std::int64_t start = aligned_start(now_us, w);
  std::int64_t prev = 0;
  std::int64_t curr = 0;
  if (state.window_start_us == start) {
    prev = state.previous;
    curr = state.current;
  } else if (state.window_start_us == start - w) {
    prev = state.current;
  }
  const std::int64_t elapsed = now_us - start;  // [0, w)
  // estimate = prev * (w - elapsed) / w + curr, compared after scaling by w.
  const std::int64_t weighted_prev = prev * (w - elapsed);
  limit_result r;
  r.allowed = weighted_prev + (curr + 1) * w <= l * w;
  if (r.allowed) ++curr;
  r.remaining = as_count((l * w - weighted_prev - curr * w) / w);

  if (!r.allowed) {
    // Smallest elapsed e1 in this window with prev * (w - e1) <= (l - 1 - curr) * w ...
    std::int64_t retry = -1;
    if (curr + 1 <= l && prev > 0) {
      const std::int64_t e1 = w - ((l - 1 - curr) * w) / prev;
      if (e1 < w) retry = e1 - elapsed;
    }
    // ... else in the next window, where prev' = curr and curr' = 0.
    if (retry < 0) {
      const std::int64_t e2 = curr == 0 ? 0 : std::max<std::int64_t>(0, w - ((l - 1) * w) / curr);
      retry = (w - elapsed) + e2;
    }
    r.retry_after_us = retry;
  }
  if (curr > 0) {
    r.reset_after_us = (w - elapsed) + w;
  } else if (prev > 0) {
    r.reset_after_us = w - elapsed;
  }
  return {r, {start, prev, curr}};
}

outcome<gcra_state> gcra(const limit_spec& s, const gcra_state& state,
                         std::int64_t now_us) noexcept {
  assert(is_supported(s));
  const std::int64_t l = limit_of(s);
  const std::int64_t w = window_us(s);
  // D = (max(TAT, now) - now) * l: how far ahead the TAT is, in 1/l µs. A TAT
  // more than 2w ahead only happens when the clock stepped back; clamping keeps
  // D * l exact and still denies.
  const std::int64_t ahead =
      state.tat_us < now_us ? 0 : std::min(state.tat_us - now_us, 2 * w) * l + state.tat_fraction;
  const metered m = meter(ahead, l, w);
  return {m.result, {now_us + m.level / l, m.level % l}};
}

}  // namespace floodgate::limit
