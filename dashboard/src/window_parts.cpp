#include "window_parts.hpp"

namespace floodgate::dashboard {
namespace {

constexpr std::int64_t hour = 3600;

// Floor and ceiling to whole hours; epoch seconds can be negative in principle.
constexpr std::int64_t floor_hour(std::int64_t t) noexcept {
  return (t / hour - (t % hour < 0 ? 1 : 0)) * hour;
}

constexpr std::int64_t ceil_hour(std::int64_t t) noexcept {
  const auto f = floor_hour(t);
  return f == t ? t : f + hour;
}

}  // namespace

window_parts split_window(std::int64_t first_minute, std::int64_t last_minute,
                          bool use_hours) noexcept {
  window_parts p;
  p.begin = first_minute;
  p.end = last_minute + 60;
  p.hours_begin = ceil_hour(p.begin);
  p.hours_end = floor_hour(p.end);
  if (!use_hours || p.hours_begin >= p.hours_end) {
    p.hours_begin = p.end;
    p.hours_end = p.end;
  }
  return p;
}

}  // namespace floodgate::dashboard
