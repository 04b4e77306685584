// The one prepared statement that adds a batch's rollups and its marker row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rollup.hpp"

namespace floodgate::analytics {

/// Name under which the writer's connection prepares rollup_statement_sql().
inline constexpr const char* rollup_statement_name = "floodgate_add_batch";

/// One INSERT ... ON CONFLICT per rollup table (minute, series, hour) as data-modifying
/// CTEs, and the floodgate_batches row, in a single statement whose rows arrive as array
/// parameters (unnest). Prepared once per connection, so PostgreSQL parses, analyses and
/// plans it once instead of per batch (those steps were about a seventh of its CPU when
/// the rows were spelled out as literals in a fresh SQL text per batch).
[[nodiscard]] std::string rollup_statement_sql();

/// The statement's parameters, as text, for a batch's minute rollups (the hour rollups
/// and the per-minute series are derived from them here) and the batch id. Keys must be
/// valid UTF-8 (aggregate() stores them so).
[[nodiscard]] std::vector<std::string> rollup_statement_params(const batch_rollups& minutes,
                                                               std::string_view batch_id);

/// Appends `s` to `literal` as one element of a PostgreSQL array literal: double-quoted,
/// with `"` and `\` escaped, so commas, braces, spaces and the word NULL stay text.
void append_array_element(std::string& literal, std::string_view s);

}  // namespace floodgate::analytics
