#pragma once

// One key with one limit, driven through the pure algorithms the way a store
// does: fresh state on first use, commit only what was allowed.

#include <cstdint>
#include <optional>

#include "limit/limit_state.hpp"

namespace floodgate::limit::test {

class single_limit {
 public:
  explicit single_limit(limit_spec s) : spec_(s) {}

  /// One request at `now_us`; commits when allowed.
  limit_result hit(std::int64_t now_us) {
    if (!state_) state_ = fresh_state(spec_, now_us);
    const evaluation e = evaluate(spec_, *state_, now_us);
    if (e.result.allowed) commit(spec_, *state_, e, now_us);
    return e.result;
  }

  /// What a request at `now_us` would get, without committing anything.
  [[nodiscard]] limit_result peek(std::int64_t now_us) const {
    if (state_) return evaluate(spec_, *state_, now_us).result;
    return evaluate(spec_, fresh_state(spec_, now_us), now_us).result;
  }

  [[nodiscard]] const limit_spec& spec() const { return spec_; }

 private:
  limit_spec spec_;
  std::optional<limit_state> state_;
};

}  // namespace floodgate::limit::test
