#include <floodgate/limit/memory_store.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/container/small_vector.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <floodgate/limit/error.hpp>

#include "limit/completion.hpp"
#include "limit/key_hash.hpp"
#include "limit/limit_state.hpp"

namespace floodgate::limit {
namespace {

constexpr std::size_t shard_count = 64;
// The incremental sweep: every sweep_every-th check of a thread visits up to
// sweep_budget entries of its own shard and as many of some other shard. That is
// 8 entries of each per check on average: enough to keep up with keys arriving (at
// most one new entry per limit per check), little enough to stay in the noise of a
// check's latency. Not on every check: with two worker threads deciding for one
// busy key, each check writing the sweep's cursor and locking another shard moved
// more cache lines between the cores every time (docs/performance.md).
constexpr std::uint32_t sweep_every = 8;
constexpr std::size_t sweep_budget = 8 * sweep_every;
// Typical routes have one to three limits: no allocation for those.
constexpr std::size_t inline_limits = 4;
// A full shard evicts the state nearest to fresh among this many from its sweep cursor:
// an estimate of the shard's earliest, as Redis samples keys for its LRU, without an
// ordered index that every check would have to maintain.
constexpr std::size_t eviction_sample = 16;

struct entry {
  std::int64_t idle_at_us = 0;  // from then on the state equals a fresh one
  std::uint32_t key_tag = 0;    // second hash of the key: tells 64-bit id collisions apart
  limit_state state;
};

using state_map = boost::unordered_flat_map<std::uint64_t, entry>;

// Cache-line aligned so that two cores working on neighbouring shards do not
// false-share the mutexes.
struct alignas(64) shard {
  std::mutex mu;
  state_map states;
  // Where the sweep goes on: the id of the entry it stopped at, looked up again at the
  // next sweep. Not an iterator: any insert may move every entry of a flat map, and
  // Boost 1.81 also rehashes in place (same bucket_count) when inserts and erases
  // alternate, so no cheap test says when a kept iterator went stale (one that did
  // was read and erased after its memory was freed).
  std::optional<std::uint64_t> resume_at;

  // Visits up to `budget` entries from where the last sweep stopped, dropping idle ones.
  std::size_t sweep(std::int64_t now_us, std::size_t budget) {
    std::size_t dropped = 0;
    auto it = resume_at ? states.find(*resume_at) : states.end();
    bool wrapped = false;
    for (std::size_t i = 0; i < budget; ++i) {
      if (it == states.end()) {
        if (wrapped) break;  // a small map: seen whole this call
        it = states.begin();
        wrapped = true;
        if (it == states.end()) break;
      }
      // Erasing leaves the other iterators of a flat map valid (it never rehashes).
      const auto next = std::next(it);
      if (it->second.idle_at_us <= now_us) {
        states.erase(it);
        ++dropped;
      }
      it = next;
    }
    resume_at = it == states.end() ? std::nullopt : std::optional(it->first);
    if (dropped > 0) shrink_if_mostly_empty();
    return dropped;
  }

  // A flat map never gives its bucket array back by itself: after a burst of keys (a
  // client rotating API keys) memory would stay at the peak. Shrunk once it is seven
  // eighths empty, far from where inserting grows it again, and never below a small
  // size, so a steady shard is not rehashed back and forth.
  void shrink_if_mostly_empty() {
    constexpr std::size_t small_map = 1024;
    if (states.bucket_count() > small_map && states.size() * 8 < states.bucket_count())
      states.rehash(0);
  }

  // Makes room for `needed` new states under `cap`: idle states go first, then the
  // ones nearest to fresh among eviction_sample from the cursor, skipping those tagged
  // `keep` (the key being checked: its states were read for this check). Returns the
  // states evicted.
  std::size_t make_room(std::size_t cap, std::size_t needed, std::int64_t now_us,
                        std::uint32_t keep) {
    if (states.size() + needed <= cap) return 0;
    sweep(now_us, sweep_budget);
    std::size_t evicted = 0;
    while (states.size() + needed > cap && !states.empty()) {
      auto it = resume_at ? states.find(*resume_at) : states.end();
      auto victim = states.end();
      for (std::size_t i = 0; i < eviction_sample; ++i) {
        if (it == states.end()) it = states.begin();
        if (it->second.key_tag != keep &&
            (victim == states.end() || it->second.idle_at_us < victim->second.idle_at_us))
          victim = it;
        ++it;
      }
      if (victim == states.end()) break;  // only the checked key's own states were seen
      const auto next = std::next(victim);
      resume_at = next == states.end() ? std::nullopt : std::optional(next->first);
      states.erase(victim);
      ++evicted;
    }
    return evicted;
  }

  // Returns the entry and whether it is new.
  std::pair<entry&, bool> find_or_insert(std::uint64_t id) {
    auto [it, inserted] = states.try_emplace(id);
    return {it->second, inserted};
  }
};

std::int64_t to_us(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

// Whether this check of the calling thread is one that sweeps.
bool sweep_turn() noexcept {
  thread_local std::uint32_t checks = 0;
  return ++checks % sweep_every == 0;
}

std::chrono::milliseconds ceil_ms(std::int64_t us) noexcept {
  return std::chrono::milliseconds((us + 999) / 1000);
}

}  // namespace

struct memory_store::impl {
  clock_function now;
  std::array<shard, shard_count> shards;
  std::atomic<std::size_t> shard_cap{0};  // states per shard; 0 = no bound
  std::atomic<std::uint64_t> evicted{0};

  static std::size_t per_shard(std::size_t max_states) noexcept {
    return max_states == 0 ? 0
                           : std::max<std::size_t>(1, (max_states + shard_count - 1) / shard_count);
  }

  // Keys hash to shards unevenly, and a shard may see no traffic at all for a
  // while: a thread's sweeping checks also sweep the other shards in turn,
  // skipping one that someone holds.
  void sweep_some_other_shard(std::size_t own_shard, std::int64_t now_us) {
    thread_local std::size_t next = 0;
    next = (next + 1) % shard_count;
    if (next == own_shard) next = (next + 1) % shard_count;
    if (shard& other = shards[next]; other.mu.try_lock()) {
      std::lock_guard lock(other.mu, std::adopt_lock);
      other.sweep(now_us, sweep_budget);
    }
  }
};

memory_store::memory_store(clock_function now, std::size_t max_states)
    : impl_(std::make_unique<impl>()) {
  impl_->now =
      now ? std::move(now) : clock_function([] { return std::chrono::system_clock::now(); });
  set_max_states(max_states);
}

void memory_store::set_max_states(std::size_t max_states) noexcept {
  impl_->shard_cap.store(impl::per_shard(max_states), std::memory_order_relaxed);
}

std::uint64_t memory_store::evicted() const noexcept {
  return impl_->evicted.load(std::memory_order_relaxed);
}

memory_store::~memory_store() = default;

std::size_t memory_store::size() const {
  std::size_t total = 0;
  for (auto& sh : impl_->shards) {
    std::lock_guard lock(sh.mu);
    total += sh.states.size();
  }
  return total;
}

std::size_t memory_store::purge_idle() {
  const std::int64_t now_us = to_us(impl_->now());
  std::size_t dropped = 0;
  for (auto& sh : impl_->shards) {
    std::lock_guard lock(sh.mu);
    dropped += boost::unordered::erase_if(
        sh.states, [&](const auto& kv) { return kv.second.idle_at_us <= now_us; });
    sh.resume_at.reset();
    sh.shrink_if_mostly_empty();
  }
  return dropped;
}

void memory_store::do_check(std::string_view key, std::span<const limit_spec> limits,
                            boost::asio::any_completion_handler<check_signature> handler) {
  auto r = check_now(key, limits);
  detail::post_completion(std::move(handler), r.ec, std::move(r.v));
}

std::optional<immediate_check> memory_store::try_check_now(std::string_view key,
                                                           std::span<const limit_spec> limits) {
  return check_now(key, limits);
}

immediate_check memory_store::check_now(std::string_view key, std::span<const limit_spec> limits) {
  for (const auto& spec : limits) {
    if (!is_supported(spec)) return {make_error_code(errc::invalid_limit), verdict{}};
  }

  const std::uint64_t key_hash = hash_key(key);
  const std::uint32_t tag = tag_key(key);
  const std::size_t shard_index = key_hash % shard_count;
  shard& sh = impl_->shards[shard_index];
  boost::container::small_vector<evaluation, inline_limits> evals;
  bool all_allowed = true;
  std::size_t new_states = 0;  // limits of this key without a state yet
  std::chrono::system_clock::time_point decided_at;
  std::int64_t now_us = 0;
  const bool sweeping = sweep_turn();
  {
    std::lock_guard lock(sh.mu);
    // Read under the lock, so a state never sees time go backwards between two
    // checks that race for it.
    decided_at = impl_->now();
    now_us = to_us(decided_at);
    // Phase 1: evaluate every limit; nothing is written yet.
    for (std::size_t i = 0; i < limits.size(); ++i) {
      const auto& spec = limits[i];
      const auto it = sh.states.find(limit_id(key_hash, i, spec));
      if (it == sh.states.end()) ++new_states;
      const bool usable =
          it != sh.states.end() && it->second.key_tag == tag && matches(spec, it->second.state);
      evals.push_back(usable ? evaluate(spec, it->second.state, now_us)
                             : evaluate(spec, fresh_state(spec, now_us), now_us));
      all_allowed = all_allowed && evals.back().result.allowed;
    }
    // Phase 2: all or nothing.
    if (all_allowed) {
      if (const auto cap = impl_->shard_cap.load(std::memory_order_relaxed);
          cap != 0 && new_states != 0) {
        if (const auto n = sh.make_room(cap, new_states, now_us, tag); n != 0)
          impl_->evicted.fetch_add(n, std::memory_order_relaxed);
      }
      for (std::size_t i = 0; i < limits.size(); ++i) {
        const auto& spec = limits[i];
        auto [e, inserted] = sh.find_or_insert(limit_id(key_hash, i, spec));
        if (inserted || e.key_tag != tag || !matches(spec, e.state)) {
          // New, or held by a key whose 64-bit id collides: start fresh, as phase 1 did.
          e.key_tag = tag;
          e.state = fresh_state(spec, now_us);
        }
        commit(spec, e.state, evals[i], now_us);
        e.idle_at_us = now_us + evals[i].result.reset_after_us;
      }
    }
    if (sweeping) sh.sweep(now_us, sweep_budget);
  }
  if (sweeping) impl_->sweep_some_other_shard(shard_index, now_us);

  verdict v;
  v.decided_at = decided_at;
  v.limits.reserve(limits.size());
  for (std::size_t i = 0; i < limits.size(); ++i) {
    const limit_result& r = evals[i].result;
    limit_status s;
    s.limit = limits[i].limit;
    s.allowed = r.allowed;
    // A limit that allowed inside a denied check was not charged (docs/limiter.md).
    s.remaining = r.remaining + (r.allowed && !all_allowed ? 1 : 0);
    s.reset_after = ceil_ms(r.reset_after_us);
    s.retry_after = ceil_ms(r.retry_after_us);
    v.limits.push_back(s);
  }
  finalize(v);
  return {boost::system::error_code{}, std::move(v)};
}

}  // namespace floodgate::limit
