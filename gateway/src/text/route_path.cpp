#include "text/route_path.hpp"

#include <algorithm>

namespace floodgate::text {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool needs_rewrite(std::string_view path) noexcept {
  return path.find('%') != std::string_view::npos || path.find("//") != std::string_view::npos ||
         path.find("/.") != std::string_view::npos;
}

// The escapes servers disagree on: '/' and '\\' are separators to some, data inside a
// segment to others.
bool separator(char c) noexcept {
  return c == '/' || c == '\\';
}

// Percent-decodes `path` into `out`. Escaped separators stay escapes in uppercase hex
// with `kept` (RFC 3986 §6.2.2: "%2f" and "%2F" are one path), and are both read as '/'
// with `decoded`. A '%' not followed by two hex digits stays as it is (NGINX answers
// 400 there; routing on the literal text is as safe and refuses fewer of the sloppy
// URLs clients send). False for "%00".
bool decode(std::string_view path, std::string& out, encoded_separators separators) {
  constexpr std::string_view hex_digits = "0123456789ABCDEF";
  out.clear();
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      const int high = hex_value(path[i + 1]);
      const int low = hex_value(path[i + 2]);
      if (high >= 0 && low >= 0) {
        const auto byte = static_cast<char>(high * 16 + low);
        if (byte == '\0') return false;
        if (!separator(byte)) {
          out.push_back(byte);
        } else if (separators == encoded_separators::decoded) {
          out.push_back('/');
        } else {
          out.push_back('%');
          out.push_back(hex_digits[static_cast<std::size_t>(high)]);
          out.push_back(hex_digits[static_cast<std::size_t>(low)]);
        }
        i += 2;
        continue;
      }
    }
    out.push_back(path[i]);
  }
  return true;
}

}  // namespace

std::optional<std::string_view> route_path(std::string_view target, std::string& storage,
                                           encoded_separators separators) {
  const auto path = target.substr(0, target.find('?'));
  if (!needs_rewrite(path)) return path;

  std::string decoded;
  if (!decode(path, decoded, separators)) return std::nullopt;
  // Segment by segment: empty ones (from "//") and "." dropped, ".." drops the one
  // before it. A trailing "/" (or "/." or "/..") is kept as one: "/a/" routes as "/a/".
  storage.clear();
  std::size_t at = 0;
  while (at < decoded.size()) {
    if (decoded[at] == '/') {
      ++at;
      continue;
    }
    const auto end = std::min(decoded.find('/', at), decoded.size());
    const std::string_view segment{decoded.data() + at, end - at};
    if (segment == "..") {
      if (storage.empty()) return std::nullopt;
      storage.erase(storage.rfind('/'));
    } else if (segment != ".") {
      storage.append("/").append(segment);
    }
    at = end;
  }
  const bool ends_in_directory =
      decoded.ends_with('/') || decoded.ends_with("/.") || decoded.ends_with("/..");
  if (storage.empty() || ends_in_directory) storage.push_back('/');
  return std::string_view{storage};
}

bool has_encoded_separator(std::string_view path) noexcept {
  return path.find("%2F") != std::string_view::npos || path.find("%5C") != std::string_view::npos;
}

bool under_route_prefix(std::string_view prefix, std::string_view path) noexcept {
  if (!path.starts_with(prefix)) return false;
  if (path.size() == prefix.size()) return true;
  // The prefix already ends on a boundary ("/" or "/api/"), or the next character starts a
  // new segment: "/api/data" must not capture "/api/database".
  return prefix.ends_with('/') || path[prefix.size()] == '/';
}

}  // namespace floodgate::text
