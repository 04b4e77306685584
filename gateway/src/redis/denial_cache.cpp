#include "redis/denial_cache.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace floodgate::redis::detail {

namespace {

using std::chrono::milliseconds;

// Shortens a duration by `elapsed`, rounding up so a retry is never early.
milliseconds shorten(milliseconds d, denial_cache::clock::duration elapsed) {
  if (d.count() == 0) return d;
  const auto left = std::chrono::ceil<milliseconds>(d - elapsed);
  return std::max(left, milliseconds{0});
}

void append_number(std::string& out, std::uint64_t n) {
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  out.append(buf.data(), end);
}

}  // namespace

void append_cache_key(std::string& out, std::string_view key,
                      std::span<const limit::limit_spec> limits) {
  out.append(key);
  for (const auto& l : limits) {
    out += '|';
    append_number(out, static_cast<std::uint64_t>(l.algo));
    out += '/';
    append_number(out, l.limit);
    out += '/';
    append_number(out, static_cast<std::uint64_t>(l.window.count()));
  }
}

void denial_cache::insert(std::string key, const limit::verdict& v, clock::time_point decided,
                          clock::time_point until) {
  if (capacity_ == 0) return;
  if (auto it = map_.find(key); it != map_.end()) {
    lru_.erase(it->second.lru);
    map_.erase(it);
  }
  while (map_.size() >= capacity_) {
    map_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(key);
  map_.emplace(std::move(key), entry{v, decided, until, lru_.begin()});
}

std::optional<limit::verdict> denial_cache::find(std::string_view key, clock::time_point now) {
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  entry& e = it->second;
  if (now >= e.until) {
    lru_.erase(e.lru);
    map_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, e.lru);
  const auto elapsed = now - e.decided;
  limit::verdict v = e.verdict;
  v.from_cache = true;
  for (auto& s : v.limits) {
    s.retry_after = shorten(s.retry_after, elapsed);
    s.reset_after = shorten(s.reset_after, elapsed);
    if (!s.allowed) s.remaining = 0;
  }
  v.decided_at += std::chrono::duration_cast<std::chrono::system_clock::duration>(elapsed);
  return v;
}

}  // namespace floodgate::redis::detail
