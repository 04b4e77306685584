#include "policy/rate_limit_headers.hpp"

#include <algorithm>

namespace floodgate::policy {

namespace chrono = std::chrono;

std::int64_t ceil_seconds(chrono::milliseconds d) noexcept {
  return chrono::ceil<chrono::seconds>(d).count();
}

std::int64_t retry_after_seconds(const limit::verdict& v) noexcept {
  // A denied request always waits at least a second: "Retry-After: 0" invites a hot loop.
  return std::max<std::int64_t>(1, ceil_seconds(v.retry_after()));
}

std::string sf_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

header_list rate_limit_headers(std::string_view route, std::span<const limit::limit_spec> limits,
                               const limit::verdict& v, header_selection which,
                               chrono::system_clock::time_point now) {
  header_list out;
  if (limits.empty() || v.limits.size() != limits.size() || v.most_restrictive >= limits.size()) {
    return out;
  }
  const auto index = v.most_restrictive;
  const auto& status = v.limits[index];
  const auto item_name = [&](std::size_t i) {
    return sf_string(std::string(route) + "-" + std::to_string(i));
  };

  if (which.x_ratelimit) {
    const auto decided = v.decided_at == chrono::system_clock::time_point{} ? now : v.decided_at;
    const auto reset_at = chrono::ceil<chrono::seconds>(decided + status.reset_after);
    out.emplace_back("X-RateLimit-Limit", std::to_string(status.limit));
    out.emplace_back("X-RateLimit-Remaining", std::to_string(status.remaining));
    out.emplace_back("X-RateLimit-Reset", std::to_string(reset_at.time_since_epoch().count()));
    out.emplace_back("X-RateLimit-Strategy", std::string(to_string(limits[index].algo)));
  }
  if (which.ietf) {
    std::string policy;
    for (std::size_t i = 0; i < limits.size(); ++i) {
      if (i != 0) policy += ", ";
      // Sub-second windows still need an integer w; round up like every other delta here.
      const auto w = std::max<std::int64_t>(1, ceil_seconds(limits[i].window));
      policy += item_name(i) + ";q=" + std::to_string(limits[i].limit) + ";w=" + std::to_string(w);
    }
    out.emplace_back("RateLimit-Policy", std::move(policy));
    out.emplace_back("RateLimit", item_name(index) + ";r=" + std::to_string(status.remaining) +
                                      ";t=" + std::to_string(ceil_seconds(status.reset_after)));
  }
  return out;
}

}  // namespace floodgate::policy
