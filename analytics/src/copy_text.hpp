// Turning event fields into text PostgreSQL accepts (COPY and SQL literals).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace floodgate::analytics {

/// "YYYY-MM-DD HH:MM:SS.ffffff+00" (UTC, microseconds): a timestamptz literal.
[[nodiscard]] std::string format_timestamp(std::chrono::system_clock::time_point ts);

/// Same for Unix seconds.
[[nodiscard]] std::string format_timestamp(std::int64_t unix_seconds);

/// `s` as valid UTF-8 without NUL bytes: each invalid sequence and each NUL becomes
/// U+FFFD. Request paths and header-derived keys are raw bytes from the network, and one
/// invalid byte would make PostgreSQL reject the whole batch.
[[nodiscard]] std::string to_valid_utf8(std::string_view s);

/// Whether to_valid_utf8(s) would change `s` (cheap check for the common case).
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

/// Appends `s` to `line` as one field of a COPY row in text format: backslash, tab,
/// newline and carriage return escaped, the only bytes COPY treats specially in a value.
/// `s` must be valid UTF-8 without NUL (to_valid_utf8): the bytes of a multi-byte UTF-8
/// sequence are all >= 0x80, so escaping byte by byte cannot split a character.
void append_copy_field(std::string& line, std::string_view s);

}  // namespace floodgate::analytics
