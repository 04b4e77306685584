#include "text/log_value.hpp"

#include <algorithm>

namespace floodgate::text {

namespace {

bool plain(char c) noexcept {
  return c > ' ' && c < 0x7f && c != '"' && c != '\\';
}

}  // namespace

std::string log_value(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes && std::all_of(s.begin(), s.end(), plain)) return std::string(s);
  constexpr std::string_view hex = "0123456789abcdef";
  const bool cut = s.size() > max_bytes;
  if (cut) s = s.substr(0, max_bytes);
  std::string out = "\"";
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += c;
    }
  }
  if (cut) out += "...";
  out += '"';
  return out;
}

}  // namespace floodgate::text
