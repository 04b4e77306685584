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
  // sf_string("<route>-<i>"): the digits and '-' need no escaping, so the quoted
  // route is built once and each item name only appends to it.
  std::string quoted_route = sf_string(route);
  quoted_route.pop_back();  // the closing quote comes after "-<i>"
  const auto append_item_name = [&](std::string& to, std::size_t i) {
    to.append(quoted_route).append("-").append(std::to_string(i)).append("\"");
  };

  // Up to six fields: no regrowth of the list per request.
  out.reserve((which.x_ratelimit ? 4 : 0) + (which.ietf ? 2 : 0));
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
    policy.reserve(limits.size() * (quoted_route.size() + 32));
    for (std::size_t i = 0; i < limits.size(); ++i) {
      if (i != 0) policy += ", ";
      // Sub-second windows still need an integer w; round up like every other delta here.
      const auto w = std::max<std::int64_t>(1, ceil_seconds(limits[i].window));
      append_item_name(policy, i);
      policy.append(";q=").append(std::to_string(limits[i].limit));
      policy.append(";w=").append(std::to_string(w));
    }
    out.emplace_back("RateLimit-Policy", std::move(policy));
    std::string current;
    current.reserve(quoted_route.size() + 32);
    append_item_name(current, index);
    current.append(";r=").append(std::to_string(status.remaining));
    current.append(";t=").append(std::to_string(ceil_seconds(status.reset_after)));
    out.emplace_back("RateLimit", std::move(current));
  }
  return out;
}

}  // namespace floodgate::policy
