#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/container/small_vector.hpp>

namespace floodgate::proxy {

/// Appends the header line "name: value\r\n" (every header the gateway writes as text).
inline void append_header_line(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

/// Fields the gateway adds to a response (the rate-limit headers), kept as the
/// wire text "Name: value\r\n..." they end up as: building them is appending to
/// one string, and a forwarded response copies the block into its header in one
/// go. Names and values must not contain CR or LF (the builders write numbers,
/// algorithm names and escaped structured-field strings).
class header_block {
 public:
  using field = std::pair<std::string_view, std::string_view>;
  using field_list = boost::container::small_vector<field, 8>;

  /// Appends "name: value\r\n".
  void add(std::string_view name, std::string_view value) {
    append_header_line(text_, name, value);
  }

  /// Appends "name: " and leaves the value to the caller (text()), then end().
  std::string& begin(std::string_view name) {
    text_.append(name).append(": ");
    return text_;
  }
  void end() { text_.append("\r\n"); }

  /// Appends wire text as it is (whole lines, or the start of one to complete and end()).
  std::string& append_text(std::string_view text) { return text_.append(text); }

  void reserve(std::size_t bytes) { text_.reserve(bytes); }

  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  [[nodiscard]] bool empty() const noexcept { return text_.empty(); }

  /// Every (name, value), in order (views into this block).
  [[nodiscard]] field_list fields() const {
    field_list out;
    std::string_view rest = text_;
    while (!rest.empty()) {
      const auto eol = rest.find("\r\n");
      const auto line = rest.substr(0, eol);
      const auto colon = line.find(": ");
      out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
      rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 2);
    }
    return out;
  }

  /// The value of the first field named exactly `name`.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const {
    for (const auto& [n, v] : fields()) {
      if (n == name) return v;
    }
    return std::nullopt;
  }

 private:
  std::string text_;
};

}  // namespace floodgate::proxy
