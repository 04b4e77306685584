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

rate_limit_header_text::rate_limit_header_text(std::string_view route,
                                               std::span<const limit::limit_spec> limits,
                                               header_selection which)
    : which_(which) {
  header_list policy;
  auto& policy_value = policy.begin("RateLimit-Policy");
  for (std::size_t i = 0; i < limits.size(); ++i) {
    header_list fixed;
    append_number(fixed.begin("X-RateLimit-Limit"), limits[i].limit);
    fixed.end();
    fixed.add("X-RateLimit-Strategy", to_string(limits[i].algo));
    std::string item = "RateLimit: ";
    append_item_name(item, route, i);
    item.append(";r=");
    limits_.push_back({std::string(fixed.text()), std::move(item)});

    if (i != 0) policy_value += ", ";
    // Sub-second windows still need an integer w; round up like every other delta here.
    const auto w = std::max<std::int64_t>(1, ceil_seconds(limits[i].window));
    append_item_name(policy_value, route, i);
    policy_value.append(";q=");
    append_number(policy_value, limits[i].limit);
    policy_value.append(";w=");
    append_number(policy_value, w);
  }
  policy.end();
  policy_line_ = std::string(policy.text());
}

header_list rate_limit_header_text::render(const limit::verdict& v,
                                           chrono::system_clock::time_point now) const {
  header_list out;
  if (limits_.empty() || v.limits.size() != limits_.size() ||
      v.most_restrictive >= limits_.size()) {
    return out;
  }
  const auto index = v.most_restrictive;
  const auto& status = v.limits[index];
  const auto& fixed = limits_[index];
  // One allocation for the whole block.
  out.reserve(fixed.x_limit_and_strategy.size() + fixed.ietf_item.size() + policy_line_.size() +
              96);
  if (which_.x_ratelimit) {
    const auto decided = v.decided_at == chrono::system_clock::time_point{} ? now : v.decided_at;
    const auto reset_at = chrono::ceil<chrono::seconds>(decided + status.reset_after);
    out.append_text(fixed.x_limit_and_strategy);
    append_number(out.begin("X-RateLimit-Remaining"), status.remaining);
    out.end();
    append_number(out.begin("X-RateLimit-Reset"), reset_at.time_since_epoch().count());
    out.end();
  }
  if (which_.ietf) {
    out.append_text(policy_line_);
    auto& current = out.append_text(fixed.ietf_item);
    append_number(current, status.remaining);
    current.append(";t=");
    append_number(current, ceil_seconds(status.reset_after));
    out.end();
  }
  return out;
}

}  // namespace floodgate::policy
