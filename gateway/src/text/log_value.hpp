#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace floodgate::text {

/// `s` as one `key=value` value of a log line. Client-controlled text (an API-key
/// header used as the client key) could otherwise forge fields (`k1 status=200
/// route=admin`), carry raw control or non-ASCII bytes, or make a line as long as a
/// header may be. Printable ASCII without spaces, quotes or backslashes, at most
/// `max_bytes` long, is written as it is (the usual IP address or key); anything else
/// is quoted with `\"`, `\\`, `\t` and `\xHH` escapes, cut after `max_bytes` bytes of
/// `s` with `...` before the closing quote.
[[nodiscard]] std::string log_value(std::string_view s, std::size_t max_bytes = 128);

}  // namespace floodgate::text
