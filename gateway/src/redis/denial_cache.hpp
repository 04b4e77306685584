#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <floodgate/limit/limit_spec.hpp>
#include <floodgate/limit/verdict.hpp>

namespace floodgate::redis::detail {

/// Appends the cache key of a check to `out`: the client key plus every limit,
/// so the same client under different limits (a reload changed them) never
/// shares an entry.
void append_cache_key(std::string& out, std::string_view key,
                      std::span<const limit::limit_spec> limits);

/// Remembers recent denials so a client that keeps knocking while denied costs
/// no Redis call until its Retry-After has passed.
///
/// Exact, not an approximation: a denied request consumes nothing, so until
/// the earliest retry moment every check of the same key and limits is denied
/// again, whichever gateway sees it. `until` must therefore be computed from a
/// time no later than the decision (the moment the request was sent).
///
/// Bounded LRU. Not thread safe: one per connection, used on its thread.
class denial_cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit denial_cache(std::size_t capacity = 4096) : capacity_(capacity) {}

  /// Records that `key` is denied until `until` (steady clock).
  void insert(std::string key, const limit::verdict& v, clock::time_point decided,
              clock::time_point until);

  /// The cached denial of `key` as of `now` (retry_after and reset_after
  /// shortened by the time elapsed since the decision), or nullopt when there
  /// is none or it has expired (an expired entry is dropped).
  [[nodiscard]] std::optional<limit::verdict> find(std::string_view key, clock::time_point now);

  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
  [[nodiscard]] bool empty() const noexcept { return map_.empty(); }

 private:
  struct entry {
    limit::verdict verdict;
    clock::time_point decided;
    clock::time_point until;
    std::list<std::string>::iterator lru;
  };

  // Transparent hashing: lookups by string_view allocate nothing.
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  std::size_t capacity_;
  std::list<std::string> lru_;  // front = most recently inserted/used
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> map_;
};

}  // namespace floodgate::redis::detail
