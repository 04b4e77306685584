#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// Prometheus text exposition format 0.0.4: the pieces every metric kind
// writes. https://prometheus.io/docs/instrumenting/exposition_formats/
namespace floodgate::metrics {

/// The Content-Type of registry::render()'s output.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

/// True for a valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
[[nodiscard]] bool valid_metric_name(std::string_view name) noexcept;

/// True for a valid label name: [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__".
[[nodiscard]] bool valid_label_name(std::string_view name) noexcept;

/// Appends a label value with `\`, `"` and newline escaped.
void append_label_value(std::string& out, std::string_view value);

/// Appends HELP text with `\` and newline escaped.
void append_help(std::string& out, std::string_view help);

/// Appends a sample value: integers exactly ("42"), other values in the
/// shortest form that reads back the same ("0.25", "1e-05"), and "+Inf",
/// "-Inf", "NaN".
void append_value(std::string& out, double value);
void append_value(std::string& out, std::uint64_t value);

/// Appends `{a="x",b="y"}` (nothing when there are no labels), with an
/// optional extra label last (histogram `le`).
void append_labels(std::string& out, std::span<const std::string> names,
                   std::span<const std::string> values, std::string_view extra_name = {},
                   std::string_view extra_value = {});

/// Appends "# HELP name help\n# TYPE name type\n".
void append_header(std::string& out, std::string_view name, std::string_view help,
                   std::string_view type);

}  // namespace floodgate::metrics
