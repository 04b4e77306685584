#pragma once

namespace floodgate::text {

/// '0'..'9' only: std::isdigit depends on the locale and takes an int, and protocol
/// text (HTTP versions and statuses, metric names) is ASCII whatever the locale.
[[nodiscard]] constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace floodgate::text
