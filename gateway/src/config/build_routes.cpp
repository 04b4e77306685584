#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include <floodgate/limit/limit_spec.hpp>

#include "config/build.hpp"
#include "config/duration.hpp"
#include "config/route_rules.hpp"
#include "config/schema.hpp"
#include "text/route_path.hpp"

// The `routes:` list: matching, keys, policy and limits of each route.
namespace floodgate::config::detail {
namespace {

/// RFC 9110 token characters (methods and header names).
bool is_tchar(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

std::string valid_algorithms() {
  std::string list;
  for (auto a = static_cast<unsigned>(limit::algorithm::token_bucket);
       a <= static_cast<unsigned>(limit::algorithm::gcra); ++a) {
    if (!list.empty()) list += ", ";
    list += limit::to_string(static_cast<limit::algorithm>(a));
  }
  return list;
}

// Why the stores cannot evaluate `spec` exactly (limit::is_supported is false).
std::string unsupported_limit_reason(const limit::limit_spec& spec) {
  const auto window_us = static_cast<std::uint64_t>(spec.window.count()) * 1000;
  if (window_us == 0) return "window must be at least 1ms";
  constexpr std::uint64_t max_exact = std::uint64_t{1} << 53;
  const std::uint64_t most = max_exact / window_us;
  if (spec.limit > most) {
    return "limit " + std::to_string(spec.limit) +
           " is too large for this window: limit x window " +
           "must stay within 2^53 microseconds to be counted exactly, so at most " +
           std::to_string(most) + " per " + format_duration(spec.window) +
           " (use a shorter window with a proportionally smaller limit)";
  }
  return "limit " + std::to_string(spec.limit) + " is too large for " +
         std::string(limit::to_string(spec.algo)) + " (at most 4294967295)";
}

std::optional<limit::limit_spec> read_limit(reader& r, const field& f) {
  const mapping m(r, f, schema::limit);
  if (!m.valid()) return std::nullopt;
  limit::limit_spec spec;
  bool complete = true;
  if (auto algo = m.require("algorithm")) {
    auto text = r.string(*algo);
    auto parsed = text ? limit::algorithm_from_string(*text) : std::nullopt;
    if (parsed) {
      spec.algo = *parsed;
    } else {
      if (text)
        r.report(*algo,
                 "unknown algorithm '" + *text + "' (expected one of: " + valid_algorithms() + ")");
      complete = false;
    }
  } else {
    complete = false;
  }
  if (auto n = m.require("limit")) {
    auto value = r.integer(*n, 1, UINT32_MAX, "expected a positive integer");
    complete = complete && value.has_value();
    spec.limit = value.value_or(0);
  } else {
    complete = false;
  }
  if (auto window = m.require("window")) {
    auto value = r.duration(*window);
    complete = complete && value.has_value();
    spec.window = value.value_or(std::chrono::milliseconds{0});
  } else {
    complete = false;
  }
  if (!complete) return std::nullopt;
  if (!limit::is_supported(spec)) {
    r.report(f, unsupported_limit_reason(spec));
    return std::nullopt;
  }
  return spec;
}

std::optional<key_source> read_key(reader& r, const field& f) {
  const std::string text = f.node.Scalar();
  if (text == "ip") return key_source{key_source::kind::ip, {}};
  if (text == "global") return key_source{key_source::kind::global, {}};
  constexpr std::string_view header_prefix = "header:";
  if (text.starts_with(header_prefix) && is_token(text.substr(header_prefix.size()))) {
    return key_source{key_source::kind::header, text.substr(header_prefix.size())};
  }
  r.report(f, "expected ip, global or header:NAME");
  return std::nullopt;
}

void read_keys(reader& r, const field& f, route_config& route) {
  auto entries = r.string_list(f);
  if (!entries) return;
  if (entries->empty()) {
    r.report(f, "expected at least one of ip, global or header:NAME");
    return;
  }
  route.key.clear();
  for (const auto& e : *entries) {
    if (auto k = read_key(r, e)) route.key.push_back(std::move(*k));
  }
}

void read_methods(reader& r, const field& f, route_config& route) {
  auto entries = r.string_list(f);
  if (!entries) return;
  if (entries->empty()) {
    // Not "every method", which is what leaving the key out means.
    r.report(f, "expected at least one method (leave methods out to take every method)");
    return;
  }
  for (const auto& e : *entries) {
    std::string method = e.node.Scalar();
    if (!is_token(method)) {
      r.report(e, "expected an HTTP method such as GET or POST");
      continue;
    }
    // Methods are case-sensitive on the wire, but nobody means "get" as a custom one.
    std::transform(method.begin(), method.end(), method.begin(), [](char c) {
      return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    if (std::find(route.methods.begin(), route.methods.end(), method) == route.methods.end()) {
      route.methods.push_back(std::move(method));
    }
  }
}

void read_headers(reader& r, const field& f, route_config& route) {
  auto entries = r.string_list(f);
  if (!entries) return;
  route.send_x_ratelimit = false;
  route.send_ietf = false;
  for (const auto& e : *entries) {
    const std::string& name = e.node.Scalar();
    if (name == "x-ratelimit") {
      route.send_x_ratelimit = true;
    } else if (name == "ietf") {
      route.send_ietf = true;
    } else {
      r.report(e, "expected x-ratelimit or ietf");
    }
  }
}

void read_path(reader& r, const field& f, route_config& route) {
  auto written = r.string(f);
  if (!written) return;
  if (!written->starts_with('/')) {
    r.report(f, "expected a path starting with '/'");
    return;
  }
  if (written->find_first_of(" \t?#") != std::string::npos) {
    r.report(f, "a path must not contain spaces, '?' or '#'");
    return;
  }
  // Requests are routed by their normalised path (text/route_path.hpp): a route written
  // any other way could never match.
  std::string storage;
  const auto normal = text::route_path(*written, storage);
  if (!normal) {
    r.report(f, "a path must not go above '/' with '..' or contain %00");
  } else if (*normal != *written) {
    r.report(f,
             "requests are matched on their normalised path, so this one never would: "
             "write \"" +
                 std::string(*normal) + "\"");
  } else {
    route.path = *written;
  }
}

void check_upstream(reader& r, const field& f, const std::string& name, const config& c) {
  if (c.upstreams.contains(name)) return;
  std::string defined;
  for (const auto& [upstream, ignored] : c.upstreams) {
    defined += defined.empty() ? "" : ", ";
    defined += upstream;
  }
  r.report(f, "unknown upstream '" + name + "' (" +
                  (defined.empty() ? "no upstreams are defined" : "defined: " + defined) + ")");
}

route_config read_route(reader& r, const mapping& m, const config& c) {
  route_config route;
  route.failure_mode = c.failure_mode;
  if (auto name = m.require("name")) {
    auto text = r.string(*name);
    if (text && is_config_name(*text)) {
      route.name = *text;
    } else if (text) {
      r.report(*name, "expected " + std::string(config_name_rule));
    }
  }
  if (auto f = m.require("path")) read_path(r, *f, route);
  if (auto f = m.get("methods")) read_methods(r, *f, route);
  if (auto f = m.require("upstream")) {
    if (auto text = r.string(*f)) {
      route.upstream = *text;
      check_upstream(r, *f, *text, c);
    }
  }
  if (auto f = m.get("key")) read_keys(r, *f, route);
  read_into(m, "failure_mode", route.failure_mode,
            [&](const field& v) { return read_failure_mode(r, v); });
  read_into(m, "shadow", route.shadow, [&](const field& v) { return r.boolean(v); });
  read_into(m, "deny_status", route.deny_status, [&](const field& v) {
    return r.integer(v, 400, 599, "expected an HTTP status from 400 to 599");
  });
  if (auto f = m.get("headers")) read_headers(r, *f, route);
  if (auto f = m.get("limits")) {
    for (const auto& element : r.list(*f)) {
      if (auto spec = read_limit(r, element)) route.limits.push_back(*spec);
    }
  }
  return route;
}

}  // namespace

std::vector<route_config> build_routes(reader& r, const field& routes, const config& c) {
  std::vector<route_config> out;
  std::vector<int> lines;                 // of each route in `out`
  std::map<std::string, int> first_line;  // route name -> line of its first definition
  for (const auto& element : r.list(routes)) {
    const mapping m(r, element, schema::route);
    if (!m.valid()) continue;
    route_config route = read_route(r, m, c);
    // First match wins, so a route behind one that takes all its requests is dead text,
    // most likely a forgotten copy or a misplaced catch-all (NGINX refuses duplicate
    // locations for the same reason).
    if (const auto earlier = shadowing_route(out, route)) {
      const route_config& e = out[*earlier];
      const std::string where =
          std::to_string(lines[*earlier]) + (e.path == route.path ? "" : ", path '" + e.path + "'");
      r.report(*m.get("path"), "never matched: route '" + e.name + "' (line " + where +
                                   ") already takes every request here");
    }
    // A name is only set when it was present and valid, so its field exists.
    if (!route.name.empty()) {
      const field name = *m.get("name");
      const auto [earlier, first] = first_line.try_emplace(route.name, name.mark.line + 1);
      if (!first) {
        r.report(name, "duplicate route name '" + route.name + "' (first defined at line " +
                           std::to_string(earlier->second) + ")");
      }
    }
    out.push_back(std::move(route));
    lines.push_back(element.mark.line + 1);
  }
  return out;
}

}  // namespace floodgate::config::detail
