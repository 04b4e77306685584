// The SPEC spellings of the limiter's enums (config values, metric labels,
// PostgreSQL columns, /health): one table each, so parsing and printing agree.

#include <array>
#include <utility>

#include <floodgate/limit/circuit_breaker.hpp>
#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/limiter.hpp>

namespace floodgate::limit {
namespace {

constexpr std::array<std::pair<algorithm, std::string_view>, 6> algorithm_names{{
    {algorithm::token_bucket, "token_bucket"},
    {algorithm::leaky_bucket, "leaky_bucket"},
    {algorithm::fixed_window, "fixed_window"},
    {algorithm::sliding_window, "sliding_window"},
    {algorithm::sliding_window_counter, "sliding_window_counter"},
    {algorithm::gcra, "gcra"},
}};

}  // namespace

std::string_view to_string(algorithm a) noexcept {
  for (const auto& [value, name] : algorithm_names) {
    if (value == a) return name;
  }
  return "unknown";
}

std::optional<algorithm> algorithm_from_string(std::string_view s) noexcept {
  for (const auto& [value, name] : algorithm_names) {
    if (name == s) return value;
  }
  return std::nullopt;
}

std::string_view to_string(decision d) noexcept {
  switch (d) {
    case decision::allowed:
      return "allowed";
    case decision::blocked:
      return "blocked";
    case decision::shadow_blocked:
      return "shadow_blocked";
    case decision::fail_open:
      return "fail_open";
    case decision::fail_closed:
      return "fail_closed";
    case decision::unlimited:
      return "unlimited";
  }
  return "unknown";
}

std::string_view to_string(circuit_state s) noexcept {
  switch (s) {
    case circuit_state::closed:
      return "closed";
    case circuit_state::open:
      return "open";
    case circuit_state::half_open:
      return "half_open";
  }
  return "unknown";
}

}  // namespace floodgate::limit
