#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/endpoint.hpp"
#include "config/problem.hpp"

// Internal to floodgate_config: typed access to a parsed YAML tree that
// records a problem (with file, line, column and YAML path) for every value it
// cannot accept and carries on, so that one run reports every mistake.
namespace floodgate::config::detail {

/// A value in the document together with where it is and how to name it.
struct field {
  YAML::Node node;
  std::string path;  // routes[1].limits[0].window
  YAML::Mark mark;   // of the value, or of its key when the value is empty
};

/// "parent.key" (or "key" at the top level).
[[nodiscard]] std::string child_path(std::string_view parent, std::string_view key);

class reader {
 public:
  explicit reader(std::string file) : file_(std::move(file)) {}

  void report(const YAML::Mark& at, std::string_view path, std::string message);
  void report(const field& f, std::string message) { report(f.mark, f.path, std::move(message)); }

  [[nodiscard]] bool has_problems() const noexcept { return !problems_.empty(); }
  [[nodiscard]] std::vector<problem> take_problems() { return std::move(problems_); }
  [[nodiscard]] const std::string& file() const noexcept { return file_; }

  /// The elements of a list, or nothing (after a problem) when `f` is not a list.
  /// An empty value counts as an empty list.
  [[nodiscard]] std::vector<field> list(const field& f);
  /// A single string or a list of strings, as fields (so each can be reported on).
  [[nodiscard]] std::optional<std::vector<field>> string_list(const field& f);

  [[nodiscard]] std::optional<std::string> string(const field& f);
  /// An integer in [min, max]; `expectation` is the message when it is not
  /// ("expected a positive integer").
  [[nodiscard]] std::optional<std::uint64_t> integer(const field& f, std::uint64_t min,
                                                     std::uint64_t max,
                                                     std::string_view expectation);
  [[nodiscard]] std::optional<double> number(const field& f, double min, double max,
                                             std::string_view expectation);
  [[nodiscard]] std::optional<bool> boolean(const field& f);
  /// A duration (parse_duration); zero is refused unless `allow_zero`.
  [[nodiscard]] std::optional<std::chrono::milliseconds> duration(const field& f,
                                                                  bool allow_zero = false);
  /// A byte size (parse_size), greater than 0.
  [[nodiscard]] std::optional<std::uint64_t> size(const field& f);
  [[nodiscard]] std::optional<endpoint> host_port(const field& f);

 private:
  std::string file_;
  std::vector<problem> problems_;
};

/// A YAML mapping whose keys are checked against an explicit allow-list: an
/// unknown key (with a "did you mean" hint), a duplicate key or a non-string key
/// is reported once, on construction.
class mapping {
 public:
  /// `f` must be a mapping; an empty value (`redis:`) counts as an empty mapping.
  mapping(reader& r, const field& f, std::span<const std::string_view> allowed);
  /// A mapping whose keys are names chosen by the user (e.g. `upstreams`); a key that
  /// `valid_name` refuses is reported at the key ("expected " + `expected`) and skipped.
  mapping(reader& r, const field& f, bool (*valid_name)(std::string_view) noexcept,
          std::string_view expected);

  /// False when the value was not a mapping (already reported).
  [[nodiscard]] bool valid() const noexcept { return valid_; }
  [[nodiscard]] const field& self() const noexcept { return self_; }

  /// The value of `key`, or nullopt when absent.
  [[nodiscard]] std::optional<field> get(std::string_view key) const;
  /// Like get(), but reports "missing required key 'key'" when it is absent.
  [[nodiscard]] std::optional<field> require(std::string_view key) const;
  /// Every entry in document order (for maps keyed by name, like upstreams).
  [[nodiscard]] const std::vector<std::pair<std::string, field>>& entries() const noexcept {
    return entries_;
  }

 private:
  reader& reader_;
  field self_;
  bool valid_ = false;
  std::vector<std::pair<std::string, field>> entries_;
  bool (*valid_name_)(std::string_view) noexcept = nullptr;
  std::string_view expected_name_;

  void collect(std::optional<std::span<const std::string_view>> allowed);
};

/// A helper for the common "if present, parse it and store it" pattern.
template <typename T, typename Parse>
void read_into(const mapping& m, std::string_view key, T& out, Parse&& parse) {
  if (auto f = m.get(key)) {
    if (auto value = parse(*f)) out = static_cast<T>(*value);
  }
}

}  // namespace floodgate::config::detail
