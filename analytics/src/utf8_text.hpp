// Text PostgreSQL accepts: request paths and header-derived keys are raw bytes from the
// network, and one invalid byte would make PostgreSQL reject a whole batch.
#pragma once

#include <string>
#include <string_view>

namespace floodgate::analytics {

/// `s` as valid UTF-8 without NUL bytes: each invalid sequence and each NUL becomes
/// U+FFFD.
[[nodiscard]] std::string to_valid_utf8(std::string_view s);

/// Whether to_valid_utf8(s) would leave `s` unchanged (cheap check for the common case).
[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;

}  // namespace floodgate::analytics
