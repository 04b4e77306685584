#include "proxy/status_line.hpp"

#include <cstring>

namespace floodgate::proxy {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

bool status_line_lacks_reason(std::string_view b) noexcept {
  // "HTTP/" DIGIT "." DIGIT SP 3DIGIT, then the line's end where the SP should be.
  return b.size() >= status_line_prefix_bytes && b.starts_with("HTTP/") && is_digit(b[5]) &&
         b[6] == '.' && is_digit(b[7]) && b[8] == ' ' && is_digit(b[9]) && is_digit(b[10]) &&
         is_digit(b[11]) && b[12] == '\r';
}

void add_missing_reason_separator(boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  if (!status_line_lacks_reason({static_cast<const char*>(data.data()), data.size()})) return;
  const std::size_t size = buffer.size();
  buffer.prepare(1);  // the readable bytes stay in place ahead of the new one (flat_buffer)
  auto* p = static_cast<char*>(buffer.data().data());
  constexpr std::size_t at = status_line_prefix_bytes - 1;
  std::memmove(p + at + 1, p + at, size - at);
  p[at] = ' ';
  buffer.commit(1);
}

}  // namespace floodgate::proxy
