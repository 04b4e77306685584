#include "limit/limit_state.hpp"

#include <cassert>
#include <type_traits>

namespace floodgate::limit {
namespace {

// The variants are indexed by the algorithm enumerator; a reordering is caught here.
static_assert(std::is_same_v<std::variant_alternative_t<
                                 static_cast<std::size_t>(algorithm::sliding_window), limit_state>,
                             timestamp_log>);
static_assert(std::is_same_v<
              std::variant_alternative_t<static_cast<std::size_t>(algorithm::gcra), limit_change>,
              gcra_state>);

}  // namespace

limit_state fresh_state(const limit_spec& s, std::int64_t now_us) {
  switch (s.algo) {
    case algorithm::token_bucket:
      return fresh_token_bucket(s, now_us);
    case algorithm::leaky_bucket:
      return fresh_leaky_bucket(now_us);
    case algorithm::fixed_window:
      return fresh_fixed_window(s, now_us);
    case algorithm::sliding_window:
      return timestamp_log{};
    case algorithm::sliding_window_counter:
      return fresh_sliding_window_counter(s, now_us);
    case algorithm::gcra:
      return fresh_gcra(now_us);
  }
  assert(false && "unknown algorithm");
  return fresh_token_bucket(s, now_us);
}

bool matches(const limit_spec& s, const limit_state& state) noexcept {
  return state.index() == static_cast<std::size_t>(s.algo);
}

evaluation evaluate(const limit_spec& s, const limit_state& state, std::int64_t now_us) noexcept {
  assert(matches(s, state));
  return std::visit(
      [&](const auto& st) -> evaluation {
        using state_type = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<state_type, token_bucket_state>) {
          auto [r, next] = token_bucket(s, st, now_us);
          return {r, next};
        } else if constexpr (std::is_same_v<state_type, leaky_bucket_state>) {
          auto [r, next] = leaky_bucket(s, st, now_us);
          return {r, next};
        } else if constexpr (std::is_same_v<state_type, fixed_window_state>) {
          auto [r, next] = fixed_window(s, st, now_us);
          return {r, next};
        } else if constexpr (std::is_same_v<state_type, timestamp_log>) {
          auto [r, next] = sliding_window(s, st, now_us);
          return {r, next};
        } else if constexpr (std::is_same_v<state_type, sliding_window_counter_state>) {
          auto [r, next] = sliding_window_counter(s, st, now_us);
          return {r, next};
        } else {
          static_assert(std::is_same_v<state_type, gcra_state>);
          auto [r, next] = gcra(s, st, now_us);
          return {r, next};
        }
      },
      state);
}

void commit(const limit_spec& s, limit_state& state, const evaluation& e, std::int64_t now_us) {
  assert(state.index() == e.change.index());
  if (auto* log = std::get_if<timestamp_log>(&state)) {
    const auto& update = std::get<sliding_window_update>(e.change);
    log->drop_oldest(update.expired);
    if (update.append) log->push(now_us, static_cast<std::size_t>(s.limit));
    return;
  }
  // Every other algorithm's change is its whole next state: copy the alternative.
  std::visit(
      [&](const auto& next) {
        using next_type = std::decay_t<decltype(next)>;
        if constexpr (!std::is_same_v<next_type, sliding_window_update>) state = next;
      },
      e.change);
}

}  // namespace floodgate::limit
