#include "proxy/simple_response_head.hpp"

#include <array>
#include <cstring>

#include "proxy/header_block.hpp"
#include "proxy/hop_by_hop.hpp"
#include "text/ascii.hpp"

namespace floodgate::proxy {

namespace {

using text::is_digit;

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

bool is_token(char c) noexcept {
  return token_chars[static_cast<unsigned char>(c)];
}

constexpr std::uint64_t ones = 0x0101010101010101ULL;

// True when the word holds a byte below SP or equal to DEL (the exact "any byte"
// tests hasless and haszero of "Bit Twiddling Hacks").
bool has_control(std::uint64_t x) noexcept {
  constexpr std::uint64_t highs = ones * 0x80;
  const std::uint64_t below_space = (x - ones * 0x20) & ~x & highs;
  const std::uint64_t d = x ^ (ones * 0x7f);
  return ((below_space | ((d - ones) & ~d & highs))) != 0;
}

std::uint64_t load_word(const char* p) noexcept {
  std::uint64_t x = 0;
  std::memcpy(&x, p, sizeof x);
  return x;
}

// Finds the CRLF ending a value or reason that starts at `p`: every byte before it
// must be HTAB, SP, VCHAR or obs-text (what Beast accepts). Returns where CR is, or
// nullptr when a byte is invalid, CR is not followed by LF, or the bytes end first.
// Eight bytes at a time until a word holds a control byte (the CR, a tab, or one to
// refuse), then byte by byte through that word.
const char* find_line_end(const char* p, const char* end) noexcept {
  for (;;) {
    while (end - p >= 8 && !has_control(load_word(p))) p += 8;
    const char* const stop = end - p >= 8 ? p + 8 : end;
    for (; p != stop; ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        if (c != '\r' || end - p < 2 || p[1] != '\n') return nullptr;
        return p;
      }
    }
    if (p == end) return nullptr;
  }
}

// Case-insensitive equality with a literal of lowercase letters and '-', for names
// already checked to be tokens and for values free of control bytes. With OR 0x20 a
// byte matches a letter only in either case, and '-' only as '-' or CR, which
// neither can hold. Eight bytes at a time (the last word overlapping).
bool equals_lowercase(std::string_view s, std::string_view literal) noexcept {
  if (s.size() != literal.size()) return false;
  const std::size_t n = s.size();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if ((static_cast<unsigned char>(s[i]) | 0x20) != static_cast<unsigned char>(literal[i]))
        return false;
    }
    return true;
  }
  constexpr std::uint64_t lower = ones * 0x20;
  for (std::size_t i = 0;; i += 8) {
    if (i + 8 > n) i = n - 8;
    if ((load_word(s.data() + i) | lower) != load_word(literal.data() + i)) return false;
    if (i + 8 == n) return true;
  }
}

// What a field means on this path (Content-Length is forwarded too).
enum class field_kind { forwarded, dropped, content_length, connection, not_simple };

// Classifies by name: the hop-by-hop fields of hop_by_hop() are dropped, those that
// change the framing or the connection's fate beyond keep-alive/close are left to
// Beast. Switching on the length first keeps the common field to one comparison.
field_kind classify(std::string_view name) noexcept {
  switch (name.size()) {
    case 2:
      return equals_lowercase(name, "te") ? field_kind::dropped : field_kind::forwarded;
    case 7:
      if (equals_lowercase(name, "upgrade")) return field_kind::not_simple;
      return equals_lowercase(name, "trailer") ? field_kind::dropped : field_kind::forwarded;
    case 10:
      if (equals_lowercase(name, "connection")) return field_kind::connection;
      return equals_lowercase(name, "keep-alive") ? field_kind::dropped : field_kind::forwarded;
    case 14:
      return equals_lowercase(name, "content-length") ? field_kind::content_length
                                                      : field_kind::forwarded;
    case 16:
      return equals_lowercase(name, "proxy-connection") ? field_kind::not_simple
                                                        : field_kind::forwarded;
    case 17:
      return equals_lowercase(name, "transfer-encoding") ? field_kind::not_simple
                                                         : field_kind::forwarded;
    case 18:
      return equals_lowercase(name, "proxy-authenticate") ? field_kind::dropped
                                                          : field_kind::forwarded;
    case 19:
      return equals_lowercase(name, "proxy-authorization") ? field_kind::dropped
                                                           : field_kind::forwarded;
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

}  // namespace

std::optional<simple_response_head> parse_simple_response_head(std::string_view bytes,
                                                               std::string& head,
                                                               bool drop_rate_limit_fields) {
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
  // Reason: not empty (an empty one is replaced on Beast's path), kept as sent, so
  // the status line goes downstream as it came.
  const char* line_end = find_line_end(p, end);
  if (line_end == nullptr || line_end == p) return std::nullopt;
  p = line_end + 2;

  // Lines that go downstream exactly as they came ("Name: value", one space, no
  // trailing whitespace; the status line first) are copied as one run.
  head.clear();
  const char* run = begin;
  const auto end_run = [&](const char* at) {
    if (run != nullptr) head.append(run, at);
    run = nullptr;
  };
  bool has_length = false;
  for (;;) {
    if (end - p < 2) return std::nullopt;
    if (p[0] == '\r') {
      if (p[1] != '\n') return std::nullopt;
      end_run(p);
      p += 2;
      break;
    }
    const char* const line = p;
    while (p < end && is_token(*p)) ++p;
    if (p == line || p == end || *p != ':') return std::nullopt;
    const std::string_view name(line, static_cast<std::size_t>(p - line));
    const char* const colon = p++;
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

    bool forwarded = false;
    switch (classify(name)) {
      case field_kind::forwarded:
        forwarded = !drop_rate_limit_fields || !rate_limit_field(name);
        break;
      case field_kind::dropped:
        break;
      case field_kind::content_length: {
        const auto n = parse_length(value);
        if (!n || has_length) return std::nullopt;
        r.content_length = *n;
        has_length = true;
        forwarded = true;  // the body passes unchanged
        break;
      }
      case field_kind::connection:
        if (equals_lowercase(value, "close")) {
          r.keep_alive = false;
        } else if (!equals_lowercase(value, "keep-alive")) {
          return std::nullopt;
        }
        break;
      case field_kind::not_simple:
        return std::nullopt;
    }
    if (!forwarded) {
      end_run(line);
      continue;
    }
    const bool as_written = colon[1] == ' ' && value_begin == colon + 2 && value_end == line_end;
    if (as_written) {
      if (run == nullptr) run = line;
    } else {
      end_run(line);
      append_header_line(head, name, value);
    }
  }
  if (!has_length) return std::nullopt;
  r.size = static_cast<std::size_t>(p - begin);
  return r;
}

}  // namespace floodgate::proxy
