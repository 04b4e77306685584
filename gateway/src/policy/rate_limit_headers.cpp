#include "policy/rate_limit_headers.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace floodgate::policy {

namespace chrono = std::chrono;

std::int64_t ceil_seconds(chrono::milliseconds d) noexcept {
  return chrono::ceil<chrono::seconds>(d).count();
}

std::int64_t retry_after_seconds(const limit::verdict& v) noexcept {
  // A denied request always waits at least a second: "Retry-After: 0" invites a hot loop.
  return std::max<std::int64_t>(1, ceil_seconds(v.retry_after()));
}

namespace {

// The inside of a structured-field string (RFC 8941 §3.3.3): '"' and '\\' escaped.
void append_sf_chars(std::string& to, std::string_view text) {
  for (const char c : text) {
    if (c == '"' || c == '\\') to += '\\';
    to += c;
  }
}

template <typename Integer>
void append_number(std::string& to, Integer n) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), n).ptr;
  to.append(digits.data(), end);
}

// The structured-field string "<route>-<i>" (RFC 8941 §3.3.3): only the route
// can need escaping; the digits and '-' never do.
void append_item_name(std::string& to, std::string_view route, std::size_t i) {
  to += '"';
  append_sf_chars(to, route);
  to += '-';
  append_number(to, i);
  to += '"';
}

}  // namespace

header_list rate_limit_headers(std::string_view route, std::span<const limit::limit_spec> limits,
                               const limit::verdict& v, header_selection which,
                               chrono::system_clock::time_point now) {
  header_list out;
  if (limits.empty() || v.limits.size() != limits.size() || v.most_restrictive >= limits.size()) {
    return out;
  }
  const auto index = v.most_restrictive;
  const auto& status = v.limits[index];
  // One allocation for the whole block.
  out.reserve(160 + limits.size() * (route.size() + 48));
  if (which.x_ratelimit) {
    const auto decided = v.decided_at == chrono::system_clock::time_point{} ? now : v.decided_at;
    const auto reset_at = chrono::ceil<chrono::seconds>(decided + status.reset_after);
    append_number(out.begin("X-RateLimit-Limit"), status.limit);
    out.end();
    append_number(out.begin("X-RateLimit-Remaining"), status.remaining);
    out.end();
    append_number(out.begin("X-RateLimit-Reset"), reset_at.time_since_epoch().count());
    out.end();
    out.add("X-RateLimit-Strategy", to_string(limits[index].algo));
  }
  if (which.ietf) {
    auto& policy = out.begin("RateLimit-Policy");
    for (std::size_t i = 0; i < limits.size(); ++i) {
      if (i != 0) policy += ", ";
      // Sub-second windows still need an integer w; round up like every other delta here.
      const auto w = std::max<std::int64_t>(1, ceil_seconds(limits[i].window));
      append_item_name(policy, route, i);
      policy.append(";q=");
      append_number(policy, limits[i].limit);
      policy.append(";w=");
      append_number(policy, w);
    }
    out.end();
    auto& current = out.begin("RateLimit");
    append_item_name(current, route, index);
    current.append(";r=");
    append_number(current, status.remaining);
    current.append(";t=");
    append_number(current, ceil_seconds(status.reset_after));
    out.end();
  }
  return out;
}

}  // namespace floodgate::policy
