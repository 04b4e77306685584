#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include <floodgate/limit/store.hpp>

namespace floodgate::limit {

/// Limits kept in process memory (a single gateway instance).
///
/// Implements the algorithms of docs/limiter.md exactly as the Redis scripts do.
/// State lives in 64 shards, each a mutex and a flat hash map, chosen by the
/// key's hash, so all limits of one key are decided under one lock (atomically:
/// a denied check consumes nothing) and different keys rarely contend.
///
/// Per (key, limit index, algorithm, limit, window) there is one state of
/// 24 bytes or less (sliding_window adds 8 bytes per logged request), addressed
/// by a 64-bit hash of those plus a 32-bit check hash of the key. A state that is
/// back to "fresh" (its reset_after has passed) is dropped by an incremental
/// sweep that visits a few entries of the shard on every check.
///
/// With `max_states` set, memory has a bound whatever keys clients choose: a check
/// that needs new states in a full shard first drops idle ones, then evicts the
/// states nearest to fresh (the earliest reset among a sample), never one of the
/// key being checked. An evicted key starts afresh, which is the least a bound can
/// cost: its state was about to be forgotten anyway. The bound is per shard
/// (max_states / 64), so the total is approximate to a shard's share.
///
/// Thread safe. Completions never run inline: they are posted to the handler's
/// associated executor (the system executor when it has none, e.g. use_future).
class memory_store final : public store {
 public:
  /// Wall-clock source: injected for tests, std::chrono::system_clock by default.
  using clock_function = std::function<std::chrono::system_clock::time_point()>;

  /// `max_states` 0: no bound (memory follows the keys alive, see above).
  explicit memory_store(clock_function now = {}, std::size_t max_states = 0);
  ~memory_store() override;
  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  /// Limit states held now, over all shards (locks each shard in turn).
  [[nodiscard]] std::size_t size() const;

  /// Changes the bound (0: none) for the states created from now on (on reload).
  void set_max_states(std::size_t max_states) noexcept;

  /// States evicted to stay within max_states so far.
  [[nodiscard]] std::uint64_t evicted() const noexcept;

  /// Drops every idle state at once (e.g. from a timer when traffic is sparse);
  /// returns how many were dropped.
  std::size_t purge_idle();

  /// Always answers: process memory needs no I/O.
  [[nodiscard]] std::optional<immediate_check> try_check_now(
      std::string_view key, std::span<const limit_spec> limits) override;

 private:
  [[nodiscard]] immediate_check check_now(std::string_view key, std::span<const limit_spec> limits);
  void do_check(std::string_view key, std::span<const limit_spec> limits,
                boost::asio::any_completion_handler<check_signature> handler) override;

  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace floodgate::limit
