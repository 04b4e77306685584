#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <hiredis/hiredis.h>
#include <boost/container/small_vector.hpp>
#include <boost/system/result.hpp>

#include <floodgate/limit/error.hpp>
#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/verdict.hpp>

namespace floodgate::redis {

/// The embedded Lua files (gateway/src/lua) concatenated in their fixed order
/// into the one check script: prelude, the six algorithms, check.lua driver.
[[nodiscard]] std::string_view check_script();

/// What follows the hash tag in the state keys of a route with `limits`. A limit's
/// identity is `<first>-<limit>-<window_ms>`, `<first>` being its algorithm id in
/// the packed key and its position in the route for a sliding window's own key, so
/// a route whose limits change (algorithm, count or window) never reads a state
/// kept under other numbers: it starts afresh, as in the memory store.
struct state_key_layout {
  state_key_layout() = default;
  explicit state_key_layout(std::span<const limit::limit_spec> limits);
  /// Rebuilds the layout for `limits`, reusing the strings' storage.
  void assign(std::span<const limit::limit_spec> limits);

  /// `:<identities of the limits that are not sliding windows, comma-separated>:v4`
  std::string packed_suffix;
  /// `:<index>-<limit>-<window_ms>:sliding_window:v3`, one per sliding_window limit.
  boost::container::small_vector<std::string, 2> sliding_window_suffixes;
};

/// Redis key of the packed states of `key` ("route:client") for `limits`:
/// `<prefix>{<key>}:<identities>:v4` (a route of a sliding window counter of 100
/// per minute then a token bucket of 10 per second: `{...}:4-100-60000,0-10-1000:v4`).
/// It holds one slot per limit that is not a sliding window, in order. The braces
/// are a Redis Cluster hash tag, so every key of one decision lives in one slot;
/// '{', '}' and '%' in `key` are percent-encoded so the tag cannot be cut short.
/// `v4` names the format (v3 named the algorithms only, v2 was one string per
/// limit, v1 a hash per limit).
[[nodiscard]] std::string packed_state_key(std::string_view prefix, std::string_view key,
                                           std::span<const limit::limit_spec> limits);

/// Redis key of the sorted set of sliding_window limit `limits[index]` for `key`:
/// `<prefix>{<key>}:<index>-<limit>-<window_ms>:sliding_window:v3`.
[[nodiscard]] std::string sliding_window_key(std::string_view prefix, std::string_view key,
                                             std::span<const limit::limit_spec> limits,
                                             std::size_t index);

/// Appends the RESP encoding of
/// `EVALSHA sha k packed_key sliding_window_keys... now_us (algo limit window_ms)*n`
/// to `out` (k = 1 + the number of sliding_window limits).
/// `now_us` empty = the script reads Redis's TIME (production); tests pass a time.
void append_check_command(std::string& out, std::string_view sha, std::string_view prefix,
                          std::string_view key, std::span<const limit::limit_spec> limits,
                          std::string_view now_us = {});

/// Formats check commands like append_check_command, keeping everything but the
/// keys (the EVALSHA head and the ARGV of the limits) from the previous call while
/// the SHA and the limit set stay the same: consecutive checks are mostly of the
/// same route, so only the client's keys are written per decision. One per
/// connection; not thread safe.
class check_command_formatter {
 public:
  void append(std::string& out, std::string_view sha, std::string_view prefix, std::string_view key,
              std::span<const limit::limit_spec> limits);

 private:
  std::string sha_;
  boost::container::small_vector<limit::limit_spec, 4> limits_;
  std::string head_;  // *argc, EVALSHA, sha, numkeys
  std::string tail_;  // now_us (empty) and (algo limit window_ms) per limit
  state_key_layout layout_;
};

/// Appends the RESP encoding of an arbitrary command (SCRIPT LOAD, AUTH, ...).
void append_command(std::string& out, std::span<const std::string_view> argv);

/// A parsed check reply: the verdict, plus the exact retry_after of the whole
/// check in µs (the verdict's ms are rounded up) for the denial cache.
struct check_result {
  limit::verdict verdict;
  std::int64_t retry_after_us = 0;
};

/// Turns the script's reply into a verdict (limits copied from `limits`).
/// A malformed reply or a Redis error is limit::errc::script_error.
[[nodiscard]] boost::system::result<check_result> parse_check_reply(
    const redisReply& reply, std::span<const limit::limit_spec> limits);

}  // namespace floodgate::redis
