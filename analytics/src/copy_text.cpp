#include "copy_text.hpp"

#include <cstdio>
#include <ctime>

namespace floodgate::analytics {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1..4), or 0 when invalid or NUL.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

namespace {

// Writes `value` as exactly `width` decimal digits (zero padded) at `out`.
char* put_digits(char* out, long long value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

// Hand-formatted: this runs once per event on the writer thread, where snprintf was
// the largest single cost of building the COPY rows.
std::string format_timestamp(std::chrono::system_clock::time_point ts) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(ts.time_since_epoch());
  const auto day = floor<days>(us);
  const year_month_day ymd{sys_days{day}};
  const hh_mm_ss<microseconds> time{us - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside what four digits can say: the slow, general path
    const std::time_t t = static_cast<std::time_t>(floor<seconds>(us).count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[80];  // room for any int the compiler thinks tm fields could hold
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(time.subseconds().count()));
    return buf;
  }
  std::string s(29, ' ');  // YYYY-MM-DD HH:MM:SS.uuuuuu+00
  char* p = s.data();
  p = put_digits(p, year, 4);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.day()), 2);
  *p++ = ' ';
  p = put_digits(p, time.hours().count(), 2);
  *p++ = ':';
  p = put_digits(p, time.minutes().count(), 2);
  *p++ = ':';
  p = put_digits(p, time.seconds().count(), 2);
  *p++ = '.';
  p = put_digits(p, time.subseconds().count(), 6);
  *p++ = '+';
  *p++ = '0';
  *p = '0';
  return s;
}

std::string format_timestamp(std::int64_t unix_seconds) {
  return format_timestamp(
      std::chrono::system_clock::time_point{std::chrono::seconds{unix_seconds}});
}

void append_copy_field(std::string& line, std::string_view s) {
  // Runs without special bytes (nearly always the whole field) are appended at once.
  std::size_t plain = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char* escaped = nullptr;
    switch (s[i]) {
      case '\\':
        escaped = "\\\\";
        break;
      case '\t':
        escaped = "\\t";
        break;
      case '\n':
        escaped = "\\n";
        break;
      case '\r':
        escaped = "\\r";
        break;
      default:
        continue;
    }
    line.append(s.substr(plain, i - plain));
    line += escaped;
    plain = i + 1;
  }
  line.append(s.substr(plain));
}

bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD replaces one bad byte; resynchronise at the next
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace floodgate::analytics
