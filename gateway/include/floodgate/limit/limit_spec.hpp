#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace floodgate::limit {

/// The six algorithms of SPEC.md. The enumerator order is part of the Redis
/// key layout (see redis_store) and of the embedded Lua dispatch: append only.
enum class algorithm : std::uint8_t {
  token_bucket,
  leaky_bucket,
  fixed_window,
  sliding_window,
  sliding_window_counter,
  gcra,
};

/// SPEC spelling ("token_bucket", ...). Never fails.
[[nodiscard]] std::string_view to_string(algorithm a) noexcept;

/// Parses the SPEC spelling; nullopt for anything else.
[[nodiscard]] std::optional<algorithm> algorithm_from_string(std::string_view s) noexcept;

/// One limit of a route: `limit` requests per `window`.
struct limit_spec {
  algorithm algo = algorithm::token_bucket;
  std::uint64_t limit = 0;              // requests (bucket capacity for the buckets)
  std::chrono::milliseconds window{0};  // > 0

  friend bool operator==(const limit_spec&, const limit_spec&) = default;
};

/// True when the stores can evaluate `s` exactly: limit >= 1, window >= 1 ms; for
/// token_bucket, leaky_bucket, sliding_window_counter and gcra, which scale counts by
/// the window, limit * window in µs <= 2^53 (every intermediate value then fits a Lua
/// double; e.g. 104,249 per day, 2.5 million per hour); for sliding_window limit < 2^32;
/// fixed_window only counts. Stores answer errc::invalid_limit otherwise; the config
/// loader rejects such limits up front.
[[nodiscard]] bool is_supported(const limit_spec& s) noexcept;

}  // namespace floodgate::limit
