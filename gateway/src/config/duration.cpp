#include "config/duration.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

namespace floodgate::config {
namespace {

// Ten years: anything longer is a typo, and it keeps every millisecond count
// far away from the limits of int64 arithmetic done by the limiter.
constexpr double max_duration_ms = 10.0 * 365 * 24 * 3600 * 1000;

struct unit {
  std::string_view suffix;
  std::int64_t ms;
};

// Smallest unit first; format_duration walks the table backwards.
constexpr std::array<unit, 5> duration_units{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 3600 * 1000},
    {"d", 24 * 3600 * 1000},
}};

/// Splits "12.5ms" into the number "12.5" and the suffix "ms".
std::pair<std::string_view, std::string_view> split_number(std::string_view text,
                                                           bool allow_fraction) {
  std::size_t i = 0;
  while (i < text.size() &&
         ((text[i] >= '0' && text[i] <= '9') || (allow_fraction && text[i] == '.'))) {
    ++i;
  }
  return {text.substr(0, i), text.substr(i)};
}

}  // namespace

boost::system::result<std::chrono::milliseconds> parse_duration(std::string_view text) noexcept {
  if (text.empty()) return parse_errc::empty;
  if (text.front() == '-') return parse_errc::negative;
  auto [number, suffix] = split_number(text, true);
  if (number.empty()) return parse_errc::invalid_number;

  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value,
                                   std::chars_format::fixed);
  if (ec != std::errc{} || end != number.data() + number.size()) {
    return parse_errc::invalid_number;
  }

  std::int64_t factor = 0;
  if (suffix.empty()) {
    factor = 1000;  // a bare number is seconds
  } else {
    for (const auto& u : duration_units) {
      if (u.suffix == suffix) factor = u.ms;
    }
    if (factor == 0) return parse_errc::invalid_unit;
  }

  const double ms = std::round(value * static_cast<double>(factor));
  if (!(ms <= max_duration_ms)) return parse_errc::out_of_range;
  return std::chrono::milliseconds{static_cast<std::int64_t>(ms)};
}

boost::system::result<std::uint64_t> parse_size(std::string_view text) noexcept {
  if (text.empty()) return parse_errc::empty;
  if (text.front() == '-') return parse_errc::negative;
  auto [number, suffix] = split_number(text, false);
  if (number.empty()) return parse_errc::invalid_number;

  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec == std::errc::result_out_of_range) return parse_errc::out_of_range;
  if (ec != std::errc{} || end != number.data() + number.size()) {
    return parse_errc::invalid_number;
  }

  unsigned shift = 0;
  if (suffix == "k" || suffix == "K") {
    shift = 10;
  } else if (suffix == "m" || suffix == "M") {
    shift = 20;
  } else if (suffix == "g" || suffix == "G") {
    shift = 30;
  } else if (!suffix.empty()) {
    return parse_errc::invalid_unit;
  }
  if (shift != 0 && value > (UINT64_MAX >> shift)) return parse_errc::out_of_range;
  return value << shift;
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto count = d.count();
  // Largest unit first, so one hour prints as "1h" and not "60m".
  for (auto it = duration_units.rbegin(); it != duration_units.rend(); ++it) {
    if (count != 0 && count % it->ms == 0) {
      return std::to_string(count / it->ms) + std::string(it->suffix);
    }
  }
  return std::to_string(count) + "ms";
}

}  // namespace floodgate::config
