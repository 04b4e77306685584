#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "metrics/exposition.hpp"

namespace floodgate::metrics {
namespace {

std::string value(double v) {
  std::string out;
  append_value(out, v);
  return out;
}

// Verifies whole numbers print as integers and others in shortest round-trip form.
TEST(exposition, values) {
  EXPECT_EQ(value(0.0), "0");
  EXPECT_EQ(value(42.0), "42");
  EXPECT_EQ(value(-3.0), "-3");
  EXPECT_EQ(value(1234567.0), "1234567");
  EXPECT_EQ(value(2.5), "2.5");
  EXPECT_EQ(value(0.0005), "0.0005");
  EXPECT_EQ(value(0.0001), "0.0001");
  EXPECT_EQ(value(0.00001), "1e-05");
  EXPECT_EQ(value(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(value(1e20), "1e+20");
  EXPECT_EQ(value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(value(std::nan("")), "NaN");

  std::string out;
  append_value(out, std::uint64_t{18446744073709551615u});
  EXPECT_EQ(out, "18446744073709551615");
}

// Verifies label values escape backslash, double quote and newline, and nothing else.
TEST(exposition, label_escaping) {
  std::string out;
  append_label_value(out, "a\\b\"c\nd'e{f}=,g");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd'e{f}=,g");
}

// Verifies HELP escapes backslash and newline but keeps quotes.
TEST(exposition, help_escaping) {
  std::string out;
  append_header(out, "m", "line one\nsays \"hi\" \\o/", "counter");
  EXPECT_EQ(out, "# HELP m line one\\nsays \"hi\" \\\\o/\n# TYPE m counter\n");
}

// Verifies label sets, empty and with an extra `le` label.
TEST(exposition, label_sets) {
  const std::vector<std::string> names{"route", "decision"};
  const std::vector<std::string> values{"data", "allowed"};
  std::string out;
  append_labels(out, {}, {});
  EXPECT_EQ(out, "");
  append_labels(out, names, values);
  EXPECT_EQ(out, "{route=\"data\",decision=\"allowed\"}");
  out.clear();
  append_labels(out, {}, {}, "le", "+Inf");
  EXPECT_EQ(out, "{le=\"+Inf\"}");
  out.clear();
  append_labels(out, std::span(names).first(1), std::span(values).first(1), "le", "0.5");
  EXPECT_EQ(out, "{route=\"data\",le=\"0.5\"}");
}

// Verifies the name grammars of the format.
TEST(exposition, names) {
  EXPECT_TRUE(valid_metric_name("floodgate_requests_total"));
  EXPECT_TRUE(valid_metric_name("ns:sub_metric"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_FALSE(valid_metric_name("1abc"));
  EXPECT_FALSE(valid_metric_name("with-dash"));
  EXPECT_TRUE(valid_label_name("route"));
  EXPECT_TRUE(valid_label_name("_x1"));
  EXPECT_FALSE(valid_label_name("__reserved"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_FALSE(valid_label_name("9"));
}

}  // namespace
}  // namespace floodgate::metrics
