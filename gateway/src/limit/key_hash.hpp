#pragma once

// How memory_store addresses a limit's state without storing the key string:
// a 64-bit id of (key, limit index, algorithm, limit, window) plus a 32-bit tag
// of the key. A wrong match needs both to collide (about 2^-96 per pair).

#include <cstdint>
#include <functional>
#include <string_view>

#include <floodgate/limit/limit_spec.hpp>

namespace floodgate::limit {

/// splitmix64's finalizer: every input bit flips about half the output bits.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

[[nodiscard]] inline std::uint64_t hash_key(std::string_view key) noexcept {
  return std::hash<std::string_view>{}(key);
}

/// FNV-1a, 32 bits: independent of hash_key's algorithm.
[[nodiscard]] constexpr std::uint32_t tag_key(std::string_view key) noexcept {
  std::uint32_t h = 2166136261U;
  for (const char c : key) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return h;
}

/// The map key of limit number `index` (with spec `s`) of the key hashed to `key_hash`.
/// A changed spec gets a new id, so it never reuses an incompatible state.
[[nodiscard]] constexpr std::uint64_t limit_id(std::uint64_t key_hash, std::size_t index,
                                               const limit_spec& s) noexcept {
  std::uint64_t id = mix64(key_hash + 0x9e3779b97f4a7c15ULL * (index + 1));
  id = mix64(id ^ (static_cast<std::uint64_t>(s.algo) << 56) ^ s.limit);
  return mix64(id ^ static_cast<std::uint64_t>(s.window.count()));
}

}  // namespace floodgate::limit
