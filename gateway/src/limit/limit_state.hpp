#pragma once

// One limit's state of any algorithm, and the two phases a store runs over all
// limits of a key: evaluate every limit (pure), then commit all or none.

#include <cstdint>
#include <variant>

#include <floodgate/limit/limit_spec.hpp>

#include "limit/algorithms.hpp"

namespace floodgate::limit {

/// Alternatives in `algorithm` enumerator order.
using limit_state = std::variant<token_bucket_state, leaky_bucket_state, fixed_window_state,
                                 timestamp_log, sliding_window_counter_state, gcra_state>;

/// What committing an evaluation writes; same alternative order as limit_state.
using limit_change = std::variant<token_bucket_state, leaky_bucket_state, fixed_window_state,
                                  sliding_window_update, sliding_window_counter_state, gcra_state>;

/// The result of one limit for one request, and the change to commit if the
/// whole check allows.
struct evaluation {
  limit_result result;
  limit_change change;
};

/// The state of a key never seen before (or gone idle) for `s.algo`.
[[nodiscard]] limit_state fresh_state(const limit_spec& s, std::int64_t now_us);

/// True when `state` holds the alternative of `s.algo`.
[[nodiscard]] bool matches(const limit_spec& s, const limit_state& state) noexcept;

/// Phase 1: runs the algorithm of `s` on `state` at `now_us`. Pure.
/// Preconditions: is_supported(s), matches(s, state).
[[nodiscard]] evaluation evaluate(const limit_spec& s, const limit_state& state,
                                  std::int64_t now_us) noexcept;

/// Phase 2: writes `e.change` into `state` (the state `e` was evaluated on).
void commit(const limit_spec& s, limit_state& state, const evaluation& e, std::int64_t now_us);

}  // namespace floodgate::limit
