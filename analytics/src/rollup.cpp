#include "rollup.hpp"

#include "utf8_text.hpp"

namespace floodgate::analytics {

std::int64_t minute_of(std::chrono::system_clock::time_point ts) noexcept {
  using std::chrono::minutes;
  // floor, not duration_cast: times before 1970 must not round towards zero.
  const auto m = std::chrono::floor<minutes>(ts.time_since_epoch());
  return std::chrono::duration_cast<std::chrono::seconds>(m).count();
}

namespace {

// Keys are the text as stored: two raw keys that differ only in invalid bytes become the
// same row, and must be summed here, or one upsert would hit that row twice and fail.
std::string stored_text(const std::string& s) {
  return is_valid_utf8(s) ? s : to_valid_utf8(s);
}

}  // namespace

batch_rollups aggregate(std::span<const decision_event> events) {
  batch_rollups r;
  // Consecutive events mostly share minute, route and decision (and a blocked client
  // often repeats): the previous event's rows are reused without building a key (two
  // string copies) or searching the map. Equal raw text means equal stored text.
  const decision_event* previous = nullptr;
  std::int64_t previous_minute = 0;
  decision_rollup* d = nullptr;
  const decision_event* previous_blocked = nullptr;
  std::int64_t previous_blocked_minute = 0;
  std::uint64_t* blocked = nullptr;
  for (const auto& e : events) {
    const auto minute = minute_of(e.ts);
    if (previous == nullptr || minute != previous_minute || e.route != previous->route ||
        e.decision != previous->decision) {
      d = &r.decisions[decision_rollup_key{minute, stored_text(e.route), stored_text(e.decision)}];
      previous = &e;
      previous_minute = minute;
    }
    ++d->requests;
    const double latency_ms = finite_latency(e.latency_ms);
    d->latency_sum_ms += latency_ms;
    ++d->latency_buckets[latency_bucket_index(latency_ms)];
    if (e.decision == "blocked") {
      if (previous_blocked == nullptr || minute != previous_blocked_minute ||
          e.route != previous_blocked->route || e.client_key != previous_blocked->client_key) {
        blocked = &r.blocked_clients[blocked_client_key{minute, stored_text(e.route),
                                                        stored_text(e.client_key)}];
        previous_blocked = &e;
        previous_blocked_minute = minute;
      }
      ++*blocked;
    }
  }
  return r;
}

std::map<series_key, std::uint64_t> series_of(const batch_rollups& minutes) {
  std::map<series_key, std::uint64_t> series;
  for (const auto& [key, d] : minutes.decisions) {
    const auto& [minute, route, decision] = key;
    series[series_key{minute, decision}] += d.requests;
  }
  return series;
}

batch_rollups by_hour(const batch_rollups& minutes) {
  batch_rollups r;
  for (const auto& [key, d] : minutes.decisions) {
    const auto& [minute, route, decision] = key;
    auto& h = r.decisions[decision_rollup_key{hour_of(minute), route, decision}];
    h.requests += d.requests;
    h.latency_sum_ms += d.latency_sum_ms;
    for (std::size_t i = 0; i < h.latency_buckets.size(); ++i) {
      h.latency_buckets[i] += d.latency_buckets[i];
    }
  }
  for (const auto& [key, blocked] : minutes.blocked_clients) {
    const auto& [minute, route, client_key] = key;
    r.blocked_clients[blocked_client_key{hour_of(minute), route, client_key}] += blocked;
  }
  return r;
}

}  // namespace floodgate::analytics
