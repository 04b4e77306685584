#include "config/env.hpp"

#include <cstdlib>

namespace floodgate::config {
namespace {

bool is_name_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) noexcept {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool is_comment_line(std::string_view line) noexcept {
  const auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '#';
}

/// Substitutes one line; appends to `out`, reports into `problems`.
class line_substituter {
 public:
  line_substituter(const std::string& file, int line_number, const env_lookup& lookup,
                   substitution& result)
      : file_(file),
        line_(line_number),
        lookup_(lookup),
        out_(result.text),
        problems_(result.problems),
        spans_(result.spans),
        line_start_(result.text.size()) {}

  void run(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size()) {
      const char c = line[i];
      if (c != '$' || i + 1 >= line.size()) {
        out_ += c;
        ++i;
      } else if (line[i + 1] == '$') {
        replace(i, 2, "$");
        i += 2;
      } else if (line[i + 1] == '{') {
        i = reference(line, i);
      } else {
        out_ += c;
        ++i;
      }
    }
  }

 private:
  /// Handles the "${...}" starting at `dollar`; returns the index after it.
  std::size_t reference(std::string_view line, std::size_t dollar) {
    const std::size_t close = line.find('}', dollar);
    const std::size_t name_begin = dollar + 2;
    std::size_t name_end = name_begin;
    while (name_end < line.size() && is_name_char(line[name_end])) ++name_end;

    const bool name_ok = name_end > name_begin && is_name_start(line[name_begin]);
    const bool has_default = line.substr(name_end, 2) == ":-";
    if (close == std::string_view::npos || !name_ok || (!has_default && name_end != close)) {
      report(dollar, "invalid environment reference (expected ${NAME} or ${NAME:-default})");
      return close == std::string_view::npos ? line.size() : close + 1;
    }

    const std::string name(line.substr(name_begin, name_end - name_begin));
    const std::optional<std::string> value = lookup_(name);
    std::string_view replacement;
    if (has_default && !(value && !value->empty())) {
      replacement = line.substr(name_end + 2, close - name_end - 2);
    } else if (value) {
      replacement = *value;
    } else {
      report(dollar, "environment variable " + name + " is not set (write ${" + name +
                         ":-default} to give a default)");
      return close + 1;
    }
    // Text is substituted before YAML is parsed: a line break would start new lines (even
    // new keys) and move every later problem off the line the file shows.
    if (replacement.find_first_of("\r\n") != std::string_view::npos) {
      report(dollar, "environment variable " + name +
                         " contains a line break (a value is substituted into one line)");
      return close + 1;
    }
    replace(dollar, close + 1 - dollar, replacement);
    return close + 1;
  }

  /// Appends `replacement` for the `length` bytes at `at` of the line, noting where.
  void replace(std::size_t at, std::size_t length, std::string_view replacement) {
    spans_.push_back({line_, static_cast<int>(out_.size() - line_start_) + 1,
                      static_cast<int>(replacement.size()), static_cast<int>(at) + 1,
                      static_cast<int>(length)});
    out_ += replacement;
  }

  void report(std::size_t index, std::string message) {
    problems_.push_back({file_, line_, static_cast<int>(index) + 1, {}, std::move(message)});
  }

  const std::string& file_;
  int line_;
  const env_lookup& lookup_;
  std::string& out_;
  std::vector<problem>& problems_;
  std::vector<replacement_span>& spans_;
  std::size_t line_start_;  // where this line begins in out_
};

}  // namespace

int substitution::original_column(int line, int column) const noexcept {
  int shift = 0;
  for (const auto& s : spans) {
    if (s.line < line) continue;
    if (s.line > line || column < s.column) break;
    if (column < s.column + s.length) return s.original_column;
    shift += s.original_length - s.length;
  }
  return column + shift;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

substitution substitute_env(std::string_view text, const std::string& file_name,
                            const env_lookup& lookup) {
  substitution result;
  result.text.reserve(text.size());
  int line_number = 1;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    if (is_comment_line(line)) {
      result.text += line;
    } else {
      line_substituter(file_name, line_number, lookup, result).run(line);
    }
    if (eol == std::string_view::npos) break;
    result.text += '\n';
    text.remove_prefix(eol + 1);
    ++line_number;
  }
  return result;
}

}  // namespace floodgate::config
