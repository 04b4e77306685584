#pragma once

#include <cstddef>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>

namespace floodgate::proxy {

/// Bytes of a status line up to its reason: "HTTP/1.1 200 ".
inline constexpr std::size_t status_line_prefix_bytes = 13;

/// Whether `buffered` starts with a status line whose status code ends the line
/// ("HTTP/1.1 200\r\n"). RFC 9112 §4 wants a space before the (possibly empty)
/// reason, and Beast's parser refuses the line without it (bad_status: a 502), but
/// backends send it and NGINX, HAProxy and browsers accept it, as RFC 9112 §2.2's
/// robustness principle suggests. Needs status_line_prefix_bytes to tell.
[[nodiscard]] bool status_line_lacks_reason(std::string_view buffered) noexcept;

/// Makes such a line what Beast parses, an empty reason ("HTTP/1.1 200 \r\n"), by
/// inserting the space into `buffer` in place. Anything else is left alone.
void add_missing_reason_separator(boost::beast::flat_buffer& buffer);

}  // namespace floodgate::proxy
