#include "proxy/simple_response_head.hpp"

#include <array>

#include <boost/beast/core/string.hpp>

#include "proxy/header_block.hpp"

namespace floodgate::proxy {

namespace {

// Longer heads go to Beast; far below its 64 KiB header limit, so never a head
// Beast would refuse for its size.
constexpr std::size_t max_simple_head = 8 * 1024;

// RFC 9110 tchar: what Beast accepts in a field name.
constexpr std::array<bool, 256> token_chars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (unsigned char c : std::string_view{"!#$%&'*+-.^_`|~"}) t[c] = true;
  return t;
}();

// HTAB, SP, VCHAR and obs-text: what Beast accepts in a value or reason phrase.
constexpr std::array<bool, 256> value_chars = [] {
  std::array<bool, 256> t{};
  t['\t'] = true;
  for (int c = 0x20; c < 0x7f; ++c) t[c] = true;
  for (int c = 0x80; c < 0x100; ++c) t[c] = true;
  return t;
}();

bool is_token(char c) noexcept {
  return token_chars[static_cast<unsigned char>(c)];
}
bool is_value(char c) noexcept {
  return value_chars[static_cast<unsigned char>(c)];
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// What a field means on this path (Content-Length is forwarded too).
enum class field_kind { forwarded, dropped, content_length, connection, not_simple };

// Classifies by name: the hop-by-hop fields of hop_by_hop() are dropped, those that
// change the framing or the connection's fate beyond keep-alive/close are left to
// Beast. Switching on the length first keeps the common field to one comparison.
field_kind classify(std::string_view name) noexcept {
  using boost::beast::iequals;
  switch (name.size()) {
    case 2:
      return iequals(name, "te") ? field_kind::dropped : field_kind::forwarded;
    case 7:
      if (iequals(name, "upgrade")) return field_kind::not_simple;
      return iequals(name, "trailer") ? field_kind::dropped : field_kind::forwarded;
    case 10:
      if (iequals(name, "connection")) return field_kind::connection;
      return iequals(name, "keep-alive") ? field_kind::dropped : field_kind::forwarded;
    case 14:
      return iequals(name, "content-length") ? field_kind::content_length : field_kind::forwarded;
    case 16:
      return iequals(name, "proxy-connection") ? field_kind::not_simple : field_kind::forwarded;
    case 17:
      return iequals(name, "transfer-encoding") ? field_kind::not_simple : field_kind::forwarded;
    case 18:
      return iequals(name, "proxy-authenticate") ? field_kind::dropped : field_kind::forwarded;
    case 19:
      return iequals(name, "proxy-authorization") ? field_kind::dropped : field_kind::forwarded;
    default:
      return field_kind::forwarded;
  }
}

// Plain decimal digits that fit easily in 64 bits (Beast also accepts lists of
// equal values; those go to Beast).
std::optional<std::uint64_t> parse_length(std::string_view v) noexcept {
  if (v.empty() || v.size() > 18) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

// Scans a value or reason from `p` to its CRLF; returns where CR is, or nullptr
// when a byte is invalid, CR is not followed by LF, or the bytes end first.
const char* find_line_end(const char* p, const char* end) noexcept {
  while (p < end && is_value(*p)) ++p;
  if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return nullptr;
  return p;
}

}  // namespace

std::optional<simple_response_head> parse_simple_response_head(std::string_view bytes,
                                                               std::string& head) {
  constexpr std::string_view version = "HTTP/1.1 ";
  if (bytes.size() > max_simple_head) bytes = bytes.substr(0, max_simple_head);
  if (bytes.size() < version.size() + 4 || bytes.substr(0, version.size()) != version)
    return std::nullopt;
  const char* const begin = bytes.data();
  const char* const end = begin + bytes.size();
  const char* p = begin + version.size();

  // Status: three digits and SP; no body-less (1xx, 204, 304) statuses here.
  if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]) || p[3] != ' ') return std::nullopt;
  simple_response_head r;
  r.status = static_cast<unsigned>((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
  if (r.status < 200 || r.status > 599 || r.status == 204 || r.status == 304) return std::nullopt;
  p += 4;
  // Reason: not empty (an empty one is replaced by Beast's path), kept as sent,
  // so the status line goes downstream as it came.
  const char* line_end = find_line_end(p, end);
  if (line_end == nullptr || line_end == p) return std::nullopt;
  head.assign(begin, line_end + 2);
  p = line_end + 2;

  bool has_length = false;
  for (;;) {
    if (end - p < 2) return std::nullopt;
    if (p[0] == '\r') {
      if (p[1] != '\n') return std::nullopt;
      p += 2;
      break;
    }
    const char* name_begin = p;
    while (p < end && is_token(*p)) ++p;
    if (p == name_begin || p == end || *p != ':') return std::nullopt;
    const std::string_view name(name_begin, static_cast<std::size_t>(p - name_begin));
    ++p;
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    const char* value_begin = p;
    line_end = find_line_end(p, end);
    // One byte past CRLF must be there and must not start an obs-fold.
    if (line_end == nullptr || end - line_end < 3 || line_end[2] == ' ' || line_end[2] == '\t')
      return std::nullopt;
    const char* value_end = line_end;
    while (value_end > value_begin && (value_end[-1] == ' ' || value_end[-1] == '\t')) --value_end;
    const std::string_view value(value_begin, static_cast<std::size_t>(value_end - value_begin));
    p = line_end + 2;

    switch (classify(name)) {
      case field_kind::forwarded:
        append_header_line(head, name, value);
        break;
      case field_kind::dropped:
        break;
      case field_kind::content_length: {
        const auto n = parse_length(value);
        if (!n || has_length) return std::nullopt;
        r.content_length = *n;
        has_length = true;
        append_header_line(head, name, value);  // the body passes unchanged
        break;
      }
      case field_kind::connection:
        if (boost::beast::iequals(value, "close")) {
          r.keep_alive = false;
        } else if (!boost::beast::iequals(value, "keep-alive")) {
          return std::nullopt;
        }
        break;
      case field_kind::not_simple:
        return std::nullopt;
    }
  }
  if (!has_length) return std::nullopt;
  r.size = static_cast<std::size_t>(p - begin);
  return r;
}

}  // namespace floodgate::proxy
