#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include <boost/system/result.hpp>

#include "config/parse_error.hpp"

namespace floodgate::config {

/// Parses a routes.yaml duration: a non-negative number followed by one of the
/// units `ms`, `s`, `m`, `h`, `d`, or a bare number of seconds. Fractions are
/// allowed ("1.5s", "0.25") and rounded to the nearest millisecond. Zero is
/// accepted here; callers that need a positive duration check for it.
///
/// Errors: parse_errc::empty, invalid_number, invalid_unit, negative, out_of_range.
[[nodiscard]] boost::system::result<std::chrono::milliseconds> parse_duration(
    std::string_view text) noexcept;

/// Parses a byte size: a non-negative integer, optionally followed by `k`, `m`
/// or `g` (either case; binary multiples: 1k = 1024 bytes).
///
/// Errors: parse_errc::empty, invalid_number, invalid_unit, negative, out_of_range.
[[nodiscard]] boost::system::result<std::uint64_t> parse_size(std::string_view text) noexcept;

/// Formats a duration the way routes.yaml writes it, in the largest unit that
/// represents it exactly ("250ms", "2s", "5m", "1h", "1d").
[[nodiscard]] std::string format_duration(std::chrono::milliseconds d);

}  // namespace floodgate::config
