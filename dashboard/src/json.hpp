#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "text/json_string.hpp"

namespace floodgate::dashboard {

/// JSON string literals: the escaping shared with the gateway (text/json_string.hpp).
using text::append_json_string;

/// A minimal streaming JSON writer: the caller nests begin/end calls correctly;
/// commas are inserted automatically. Not thread safe (one per reply).
class json_writer {
 public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();

  /// Writes an object member name; the next value call gives its value.
  json_writer& key(std::string_view name);

  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(std::int64_t n);
  json_writer& value(std::uint64_t n);
  json_writer& value(int n) { return value(static_cast<std::int64_t>(n)); }
  /// Finite numbers only; NaN and infinities are written as null.
  json_writer& value(double d);
  json_writer& value(bool b);
  /// null when empty.
  json_writer& value(std::optional<double> d);
  json_writer& null();

  /// Shorthand for key(name).value(v).
  template <typename T>
  json_writer& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  [[nodiscard]] const std::string& str() const noexcept { return out_; }
  [[nodiscard]] std::string release() noexcept { return std::move(out_); }

 private:
  void separate();

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace floodgate::dashboard
