#include "rollup_statement.hpp"

#include <charconv>
#include <cstddef>

namespace floodgate::analytics {

namespace {

// The element-wise sum of two histograms as a plain expression:
// "ARRAY[coalesce(a[1], 0) + coalesce(b[1], 0), ...]". Calling floodgate_add_buckets() (an
// SQL function that unnests both arrays) per updated row cost about a tenth of
// PostgreSQL's CPU.
std::string bucket_sum(std::string_view a, std::string_view b) {
  std::string sql = "ARRAY[";
  for (std::size_t i = 1; i <= latency_bucket_count; ++i) {
    const auto index = std::to_string(i);
    if (i != 1) sql += ", ";
    // Appended piece by piece: GCC 12 reports a false -Wrestrict on the + chain.
    for (const auto side : {a, b}) {
      sql += side.data() == a.data() ? "coalesce(" : " + coalesce(";
      sql += side;
      sql += '[';
      sql += index;
      sql += "], 0)";
    }
  }
  sql += "]::bigint[]";
  return sql;
}

// The upserts of one granularity: `unit` is the time column and the tables' suffix
// ("minute" or "hour"); `p` the number of the first of its six parameters (times as Unix
// seconds, routes, decisions, requests, latency sums, histograms flattened) followed by
// four for blocked clients (times, routes, client keys, counts).
std::string upserts(std::string_view unit, int p) {
  const auto param = [&](int k) { return '$' + std::to_string(p + k); };
  const std::string u(unit);
  const auto n = std::to_string(latency_bucket_count);
  std::string sql;
  sql += "decisions_" + u + " AS (INSERT INTO decision_rollup_" + u + " AS t (" + u +
         ", route, decision, requests, latency_sum_ms, latency_buckets)"
         " SELECT to_timestamp(r.time), r.route, r.decision, r.requests, r.latency_sum_ms, (" +
         param(5) + "::bigint[])[(r.i - 1) * " + n + " + 1 : r.i * " + n + "] FROM unnest(" +
         param(0) + "::bigint[], " + param(1) + "::text[], " + param(2) + "::text[], " + param(3) +
         "::bigint[], " + param(4) +
         "::float8[]) WITH ORDINALITY AS r(time, route, decision, requests, latency_sum_ms, i)"
         " ORDER BY r.i ON CONFLICT (" +
         u +
         ", route, decision) DO UPDATE SET requests = t.requests + EXCLUDED.requests,"
         " latency_sum_ms = t.latency_sum_ms + EXCLUDED.latency_sum_ms, latency_buckets = " +
         bucket_sum("t.latency_buckets", "EXCLUDED.latency_buckets") + "), ";
  sql += "clients_" + u + " AS (INSERT INTO blocked_clients_" + u + " AS t (" + u +
         ", route, client_key, blocked) SELECT to_timestamp(r.time), r.route, r.client_key,"
         " r.blocked FROM unnest(" +
         param(6) + "::bigint[], " + param(7) + "::text[], " + param(8) + "::text[], " + param(9) +
         "::bigint[]) WITH ORDINALITY AS r(time, route, client_key, blocked, i)"
         " ORDER BY r.i ON CONFLICT (" +
         u + ", route, client_key) DO UPDATE SET blocked = t.blocked + EXCLUDED.blocked), ";
  return sql;
}

template <typename Number>
void append_number(std::string& s, Number v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

// Array literals, one per column, filled row by row.
struct array_literal {
  std::string text = "{";
  void text_element(std::string_view s) {
    if (text.size() > 1) text += ',';
    append_array_element(text, s);
  }
  template <typename Number>
  void number(Number v) {
    if (text.size() > 1) text += ',';
    append_number(text, v);
  }
  std::string done() && { return std::move(text) + '}'; }
};

// Appends the ten parameters of one granularity (see upserts()).
void append_params(std::vector<std::string>& params, const batch_rollups& r) {
  array_literal times, routes, decisions, requests, sums, buckets;
  for (const auto& [key, d] : r.decisions) {
    const auto& [time, route, decision] = key;
    times.number(time);
    routes.text_element(route);
    decisions.text_element(decision);
    requests.number(d.requests);
    sums.number(d.latency_sum_ms);
    for (const auto count : d.latency_buckets) buckets.number(count);
  }
  for (auto* a : {&times, &routes, &decisions, &requests, &sums, &buckets}) {
    params.push_back(std::move(*a).done());
  }
  array_literal client_times, client_routes, client_keys, blocked;
  for (const auto& [key, count] : r.blocked_clients) {
    const auto& [time, route, client_key] = key;
    client_times.number(time);
    client_routes.text_element(route);
    client_keys.text_element(client_key);
    blocked.number(count);
  }
  for (auto* a : {&client_times, &client_routes, &client_keys, &blocked}) {
    params.push_back(std::move(*a).done());
  }
}

}  // namespace

std::string rollup_statement_sql() {
  // Parameters: $1-$10 minute rollups, $11-$20 hour rollups, $21-$23 series (times,
  // decisions, requests), $24 batch id. Rows are inserted in the arrays' order, which is
  // primary-key order (std::map), so concurrent writers lock rows in the same order and
  // cannot deadlock.
  return "WITH " + upserts("minute", 1) + upserts("hour", 11) +
         "series AS (INSERT INTO decision_series_minute AS t (minute, decision, requests)"
         " SELECT to_timestamp(r.time), r.decision, r.requests"
         " FROM unnest($21::bigint[], $22::text[], $23::bigint[]) WITH ORDINALITY"
         " AS r(time, decision, requests, i) ORDER BY r.i"
         " ON CONFLICT (minute, decision) DO UPDATE SET requests = t.requests + EXCLUDED.requests)"
         " INSERT INTO floodgate_batches (batch_id) VALUES ($24)";
}

std::vector<std::string> rollup_statement_params(const batch_rollups& minutes,
                                                 std::string_view batch_id) {
  std::vector<std::string> params;
  params.reserve(24);
  append_params(params, minutes);
  append_params(params, by_hour(minutes));
  array_literal times, decisions, requests;
  for (const auto& [key, count] : series_of(minutes)) {
    const auto& [time, decision] = key;
    times.number(time);
    decisions.text_element(decision);
    requests.number(count);
  }
  for (auto* a : {&times, &decisions, &requests}) params.push_back(std::move(*a).done());
  params.emplace_back(batch_id);
  return params;
}

void append_array_element(std::string& literal, std::string_view s) {
  literal += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') literal += '\\';
    literal += c;
  }
  literal += '"';
}

}  // namespace floodgate::analytics
