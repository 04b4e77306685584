#include "query_params.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

#include "config/duration.hpp"

namespace floodgate::dashboard {
namespace {

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const auto hi = hex_value(in[i + 1]);
      const auto lo = hex_value(in[i + 2]);
      if (!hi || !lo) return std::nullopt;
      out += static_cast<char>((*hi << 4) | *lo);
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string text(seconds s) {
  return config::format_duration(s);
}

// RFC 9112 §3.2.2: a server must accept the absolute form ("http://host/path?q"), which
// proxies send; the resource is its path and query (the authority names this server).
std::string origin_form(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    const bool matches =
        target.size() >= scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), target.begin(), [](char a, char b) {
          return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
        });
    if (!matches) continue;
    const auto rest = target.substr(scheme.size());
    const auto end = rest.find_first_of("/?");
    if (end == std::string_view::npos) return "/";
    // "http://host?q" has an empty path, which means "/".
    std::string origin(rest[end] == '?' ? "/" : "");
    origin.append(rest.substr(end));
    return origin;
  }
  return std::string(target);
}

}  // namespace

boost::system::result<split_target, std::string> parse_target(std::string_view request_target) {
  split_target out;
  const std::string origin = origin_form(request_target);
  const std::string_view target = origin;
  const auto q = target.find('?');
  out.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!name || !value) {
      return {boost::system::in_place_error, "malformed percent-escape in query string"};
    }
    out.query.insert_or_assign(std::move(*name), std::move(*value));
  }
  return out;
}

boost::system::result<seconds, std::string> parse_duration(std::string_view text) {
  const auto d = config::parse_duration(text);
  if (!d) return "expected a duration (5m, 1h, 1d, ...): " + d.error().message();
  if (d->count() % 60000 != 0) return std::string("must be a whole number of minutes");
  return std::chrono::duration_cast<seconds>(*d);
}

boost::system::result<seconds, std::string> window_param(const query_map& q) {
  const auto it = q.find("window");
  if (it == q.end()) return param_limits::default_window;
  auto w = parse_duration(it->second);
  if (!w) return "window: " + w.error();
  if (*w < param_limits::min_window || *w > param_limits::max_window) {
    return "window: must be between " + text(param_limits::min_window) + " and " +
           text(param_limits::max_window);
  }
  return *w;
}

boost::system::result<seconds, std::string> step_param(const query_map& q, seconds window) {
  const auto it = q.find("step");
  if (it == q.end()) {
    const auto minutes = window.count() / 60;
    const auto points = static_cast<seconds::rep>(param_limits::default_points);
    return seconds(60 * ((minutes + points - 1) / points));
  }
  auto s = parse_duration(it->second);
  if (!s) return "step: " + s.error();
  if (*s < param_limits::min_step) return "step: must be at least " + text(param_limits::min_step);
  if (*s > window) return std::string("step: must not be longer than the window");
  if (static_cast<std::size_t>(window / *s) > param_limits::max_points) {
    return "step: at most " + std::to_string(param_limits::max_points) +
           " points per window; use a larger step";
  }
  return *s;
}

boost::system::result<std::size_t, std::string> limit_param(const query_map& q) {
  const auto it = q.find("limit");
  if (it == q.end()) return param_limits::default_limit;
  const auto n = parse_unsigned(it->second);
  if (!n || *n < 1 || *n > param_limits::max_limit) {
    return "limit: expected an integer from 1 to " + std::to_string(param_limits::max_limit);
  }
  return static_cast<std::size_t>(*n);
}

}  // namespace floodgate::dashboard
