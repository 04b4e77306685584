#include "stats.hpp"

namespace floodgate::dashboard {

void decision_counts::add(std::string_view decision, std::uint64_t n) noexcept {
  if (decision == "allowed") {
    allowed += n;
  } else if (decision == "blocked") {
    blocked += n;
  } else if (decision == "shadow_blocked") {
    shadow_blocked += n;
  } else if (decision == "fail_open") {
    fail_open += n;
  } else if (decision == "fail_closed") {
    fail_closed += n;
  } else {
    other += n;
  }
}

void decision_counts::add(const decision_counts& o) noexcept {
  allowed += o.allowed;
  blocked += o.blocked;
  shadow_blocked += o.shadow_blocked;
  fail_open += o.fail_open;
  fail_closed += o.fail_closed;
  other += o.other;
}

std::uint64_t decision_counts::total() const noexcept {
  return forwarded() + refused() + other;
}

std::uint64_t decision_counts::forwarded() const noexcept {
  return allowed + shadow_blocked + fail_open;
}

std::uint64_t decision_counts::refused() const noexcept {
  return blocked + fail_closed;
}

double decision_counts::block_rate() const noexcept {
  const auto t = total();
  return t == 0 ? 0.0 : static_cast<double>(refused()) / static_cast<double>(t);
}

void traffic_stats::add(const traffic_stats& o) noexcept {
  counts.add(o.counts);
  latency_sum_ms += o.latency_sum_ms;
  for (std::size_t i = 0; i < latency.size(); ++i) latency[i] += o.latency[i];
}

std::optional<double> traffic_stats::percentile_ms(double q) const noexcept {
  if (counts.total() == 0) return std::nullopt;
  return analytics::latency_percentile_ms(latency, q);
}

std::optional<double> traffic_stats::mean_ms() const noexcept {
  const auto t = counts.total();
  if (t == 0) return std::nullopt;
  return latency_sum_ms / static_cast<double>(t);
}

}  // namespace floodgate::dashboard
