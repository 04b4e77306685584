#include "config/reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "config/duration.hpp"

namespace floodgate::config::detail {
namespace {

constexpr std::string_view duration_expectation = "expected a duration (250ms, 2s, 5m, ...)";

/// "negative value" and "value out of range" say more than the examples; text that is no
/// duration at all ("5 minutes") gets the examples alone.
std::string duration_problem(const boost::system::error_code& why) {
  std::string message(duration_expectation);
  if (why == parse_errc::negative) message += ": " + why.message();
  if (why == parse_errc::out_of_range) message += ": " + why.message() + " (at most 3650d)";
  return message;
}

/// Where to report on `node`: its own position, or `fallback` (its key, its list) when it
/// is empty. yaml-cpp gives an empty value the position of the token after it, which is
/// the next key, often on a later line.
YAML::Mark mark_or(const YAML::Node& node, const YAML::Mark& fallback) {
  const YAML::Mark m = node.Mark();
  return m.is_null() || node.IsNull() ? fallback : m;
}

/// Scalar text of a non-empty scalar node, else nullopt.
std::optional<std::string> scalar_text(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> allowed) {
  std::string_view best;
  std::size_t best_distance = SIZE_MAX;
  for (auto candidate : allowed) {
    const std::size_t d = edit_distance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // A hint only when it is likely a typo: at most a third of the word differs.
  if (!best.empty() && best_distance * 3 <= std::max(best.size(), key.size())) {
    return "unknown key (did you mean '" + std::string(best) + "'?)";
  }
  std::string message = "unknown key (expected one of: ";
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i != 0) message += ", ";
    message += allowed[i];
  }
  return message + ")";
}

}  // namespace

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path(parent);
  path += '.';
  path += key;
  return path;
}

void reader::report(const YAML::Mark& at, std::string_view path, std::string message) {
  problem p{file_, 0, 0, std::string(path), std::move(message)};
  if (!at.is_null()) {
    p.line = at.line + 1;
    p.column = at.column + 1;
  }
  problems_.push_back(std::move(p));
}

std::vector<field> reader::list(const field& f) {
  std::vector<field> out;
  if (f.node.IsNull()) return out;  // `trusted_proxies:` with nothing after it
  if (!f.node.IsSequence()) {
    report(f, "expected a list");
    return out;
  }
  out.reserve(f.node.size());
  std::size_t index = 0;
  for (const auto& element : f.node) {
    out.push_back(
        {element, f.path + "[" + std::to_string(index++) + "]", mark_or(element, f.mark)});
  }
  return out;
}

std::optional<std::vector<field>> reader::string_list(const field& f) {
  if (f.node.IsScalar()) return std::vector<field>{f};
  if (!f.node.IsSequence()) {
    report(f, "expected a string or a list of strings");
    return std::nullopt;
  }
  auto elements = list(f);
  bool ok = true;
  for (const auto& e : elements) {
    if (!e.node.IsScalar()) {
      report(e, "expected a string");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return elements;
}

std::optional<std::string> reader::string(const field& f) {
  auto text = scalar_text(f.node);
  if (!text) report(f, "expected a string");
  return text;
}

std::optional<std::uint64_t> reader::integer(const field& f, std::uint64_t min, std::uint64_t max,
                                             std::string_view expectation) {
  const auto text = scalar_text(f.node);
  std::uint64_t value = 0;
  if (text && !text->empty()) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc{} && end == text->data() + text->size() && value >= min && value <= max) {
      return value;
    }
  }
  report(f, std::string(expectation));
  return std::nullopt;
}

std::optional<double> reader::number(const field& f, double min, double max,
                                     std::string_view expectation) {
  const auto text = scalar_text(f.node);
  double value = 0;
  if (text && !text->empty()) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc{} && end == text->data() + text->size() && std::isfinite(value) &&
        value >= min && value <= max) {
      return value;
    }
  }
  report(f, std::string(expectation));
  return std::nullopt;
}

std::optional<bool> reader::boolean(const field& f) {
  bool value = false;
  if (f.node.IsScalar() && YAML::convert<bool>::decode(f.node, value)) return value;
  report(f, "expected true or false");
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> reader::duration(const field& f, bool allow_zero) {
  const auto text = scalar_text(f.node);
  if (!text) {
    report(f, std::string(duration_expectation));
    return std::nullopt;
  }
  auto parsed = parse_duration(*text);
  if (!parsed) {
    report(f, duration_problem(parsed.error()));
    return std::nullopt;
  }
  if (!allow_zero && parsed->count() == 0) {
    report(f, "expected a duration of at least 1ms");
    return std::nullopt;
  }
  return *parsed;
}

std::optional<std::uint64_t> reader::size(const field& f) {
  const auto text = scalar_text(f.node);
  if (text) {
    auto parsed = parse_size(*text);
    if (parsed && *parsed > 0) return *parsed;
  }
  report(f, "expected a size in bytes greater than 0 (16384, 16k, 10m, 1g)");
  return std::nullopt;
}

std::optional<endpoint> reader::host_port(const field& f) {
  const auto text = scalar_text(f.node);
  if (!text) {
    report(f, "expected host:port");
    return std::nullopt;
  }
  auto parsed = parse_endpoint(*text);
  if (!parsed) {
    report(f, "expected host:port (" + parsed.error().message() + ")");
    return std::nullopt;
  }
  return *parsed;
}

mapping::mapping(reader& r, const field& f, std::span<const std::string_view> allowed)
    : reader_(r), self_(f) {
  collect(allowed);
}

mapping::mapping(reader& r, const field& f, bool (*valid_name)(std::string_view) noexcept,
                 std::string_view expected)
    : reader_(r), self_(f), valid_name_(valid_name), expected_name_(expected) {
  collect(std::nullopt);
}

void mapping::collect(std::optional<std::span<const std::string_view>> allowed) {
  if (self_.node.IsNull()) {
    valid_ = true;
    return;
  }
  if (!self_.node.IsMap()) {
    reader_.report(self_, "expected a mapping");
    return;
  }
  valid_ = true;
  for (const auto& kv : self_.node) {
    const YAML::Mark key_mark = mark_or(kv.first, self_.mark);
    if (!kv.first.IsScalar()) {
      reader_.report(key_mark, self_.path, "expected a string key");
      continue;
    }
    const std::string key = kv.first.Scalar();
    const std::string path = child_path(self_.path, key);
    if (allowed && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
      reader_.report(key_mark, path, unknown_key_message(key, *allowed));
      continue;
    }
    if (valid_name_ != nullptr && !valid_name_(key)) {
      reader_.report(key_mark, path, "'" + key + "': expected " + std::string(expected_name_));
      continue;
    }
    const auto earlier = std::find_if(entries_.begin(), entries_.end(),
                                      [&](const auto& e) { return e.first == key; });
    if (earlier != entries_.end()) {
      reader_.report(
          key_mark, path,
          "duplicate key (first at line " + std::to_string(earlier->second.mark.line + 1) + ")");
      continue;
    }
    entries_.emplace_back(key, field{kv.second, path, mark_or(kv.second, key_mark)});
  }
}

std::optional<field> mapping::get(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return value;
  }
  return std::nullopt;
}

std::optional<field> mapping::require(std::string_view key) const {
  auto value = get(key);
  if (!value && valid_) {
    reader_.report(self_, "missing required key '" + std::string(key) + "'");
  }
  return value;
}

}  // namespace floodgate::config::detail
