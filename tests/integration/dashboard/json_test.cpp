// JSON output of the dashboard: escaping of user-controlled strings and number formatting.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "json.hpp"

namespace floodgate::dashboard {
namespace {

std::string json_quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// Verifies the characters JSON requires to be escaped are.
TEST(json_string, escapes_quotes_backslashes_and_controls) {
  EXPECT_EQ(json_quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quoted("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(json_quoted(std::string("\x01\x1f\x7f", 3)), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(json_quoted(std::string("a\0b", 3)), R"("a\u0000b")");
}

// Verifies HTML-significant characters never appear raw (defence in depth against XSS).
TEST(json_string, escapes_html_significant_characters) {
  EXPECT_EQ(json_quoted("<script>&'"), R"("\u003cscript\u003e\u0026\u0027")");
}

// Verifies valid UTF-8 passes through, JS line terminators are escaped, and invalid bytes
// become U+FFFD so the document always parses.
TEST(json_string, keeps_utf8_and_replaces_invalid_bytes) {
  EXPECT_EQ(json_quoted("ключ €𝄞"), "\"ключ €𝄞\"");
  EXPECT_EQ(json_quoted("\xe2\x80\xa8"), R"("\u2028")");
  EXPECT_EQ(json_quoted("a\xff"
                        "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(json_quoted("\xc0\xaf"), R"("\ufffd\ufffd")") << "overlong encoding";
  EXPECT_EQ(json_quoted("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")") << "surrogate";
  EXPECT_EQ(json_quoted("\xe2\x82"), R"("\ufffd\ufffd")") << "truncated sequence";
}

// Verifies any byte string round-trips through a JSON parser as valid JSON.
TEST(json_string, every_byte_yields_valid_json) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const auto parsed = boost::json::parse(json_quoted(all));
  const auto& s = parsed.as_string();
  EXPECT_EQ(std::string_view(s.data(), 128), std::string_view(all.data(), 128));
}

// Verifies commas, nesting and values of the writer.
TEST(json_writer, builds_nested_documents) {
  json_writer w;
  w.begin_object()
      .member("n", std::uint64_t{18446744073709551615ull})
      .member("i", -3)
      .member("d", 0.25)
      .member("nan", std::numeric_limits<double>::quiet_NaN())
      .member("none", std::optional<double>{})
      .member("t", true);
  w.key("a").begin_array().value("x").begin_object().end_object().begin_array().end_array();
  w.end_array().end_object();
  EXPECT_EQ(w.str(), R"({"n":18446744073709551615,"i":-3,"d":0.25,"nan":null,"none":null,"t":true,)"
                     R"("a":["x",{},[]]})");
  EXPECT_NO_THROW((void)boost::json::parse(w.str()));
}

}  // namespace
}  // namespace floodgate::dashboard
