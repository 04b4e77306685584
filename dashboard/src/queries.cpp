#include "queries.hpp"

#include <string>

#include "window_parts.hpp"

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

namespace floodgate::dashboard {
namespace {

using analytics::latency_bucket_count;

// The window's minutes by the database clock, read inside the caller's transaction, cut
// into whole hours and edge minutes.
window_parts window_minutes(pqxx::transaction_base& tx, std::chrono::seconds window,
                            bool use_hours = true) {
  const auto last = tx.exec1("SELECT extract(epoch FROM date_trunc('minute', now()))::bigint")[0]
                        .as<std::int64_t>();
  return split_window(last - window.count() + 60, last, use_hours);
}

// One sum() per histogram bucket, so PostgreSQL adds the arrays with plain aggregates
// (much cheaper than unnesting every row). Built from the shared bucket count.
std::string bucket_sums() {
  std::string s;
  for (std::size_t i = 1; i <= latency_bucket_count; ++i) {
    s += ", coalesce(sum(latency_buckets[" + std::to_string(i) + "]), 0)::bigint";
  }
  return s;
}

// The window's rows as a subquery with the row's time as `t` plus `columns`: whole hours
// from `hour_table`, the edge minutes from `minute_table`, each a primary-key range.
// Parameters $1..$4 are the window_parts in order. One statement, so both tables are read
// from the same snapshot.
std::string window_rows(const std::string& hour_table, const std::string& minute_table,
                        const std::string& columns) {
  const auto minutes = [&](const char* from, const char* to) {
    return "SELECT minute AS t, " + columns + " FROM " + minute_table +
           " WHERE minute >= " + "to_timestamp(" + from + ") AND minute < to_timestamp(" + to + ")";
  };
  return "(SELECT hour AS t, " + columns + " FROM " + hour_table +
         " WHERE hour >= to_timestamp($2) AND hour < to_timestamp($3) UNION ALL " +
         minutes("$1", "$2") + " UNION ALL " + minutes("$3", "$4") + ") AS w";
}

}  // namespace

std::vector<route_stats> query_routes(pqxx::connection& c, std::chrono::seconds window) {
  static const std::string sql =
      "SELECT route, decision, sum(requests)::bigint, sum(latency_sum_ms)" + bucket_sums() +
      " FROM " +
      window_rows("decision_rollup_hour", "decision_rollup_minute",
                  "route, decision, requests, latency_sum_ms, latency_buckets") +
      " GROUP BY route, decision ORDER BY route, decision";
  pqxx::read_transaction tx(c);
  const auto w = window_minutes(tx, window);
  const auto rows = tx.exec_params(sql, w.begin, w.hours_begin, w.hours_end, w.end);
  std::vector<route_stats> out;
  for (const auto& row : rows) {
    const auto route = row[0].as<std::string>();
    if (out.empty() || out.back().route != route) out.push_back({route, {}});
    traffic_stats s;
    s.counts.add(row[1].as<std::string>(), row[2].as<std::uint64_t>());
    s.latency_sum_ms = row[3].as<double>();
    for (std::size_t i = 0; i < latency_bucket_count; ++i) {
      s.latency[i] = row[static_cast<pqxx::row::size_type>(4 + i)].as<std::uint64_t>();
    }
    out.back().stats.add(s);
  }
  tx.commit();
  return out;
}

std::vector<blocked_client> query_top_blocked(pqxx::connection& c, std::chrono::seconds window,
                                              std::size_t limit) {
  static const std::string sql =
      "SELECT client_key, route, sum(blocked)::bigint AS n FROM " +
      window_rows("blocked_clients_hour", "blocked_clients_minute", "route, client_key, blocked") +
      " GROUP BY client_key, route ORDER BY n DESC, client_key, route LIMIT $5";
  pqxx::read_transaction tx(c);
  const auto w = window_minutes(tx, window);
  const auto rows = tx.exec_params(sql, w.begin, w.hours_begin, w.hours_end, w.end, limit);
  std::vector<blocked_client> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::uint64_t>()});
  }
  tx.commit();
  return out;
}

std::vector<series_point> query_timeseries(pqxx::connection& c, std::chrono::seconds window,
                                           std::chrono::seconds step) {
  // date_bin does the alignment in timestamp arithmetic, much cheaper than epoch numerics.
  static const std::string sql =
      "SELECT extract(epoch FROM bucket)::bigint, decision, n FROM ("
      " SELECT date_bin($5::integer * interval '1 second', t, timestamptz 'epoch') "
      " AS bucket, decision, sum(requests)::bigint AS n FROM " +
      window_rows("decision_rollup_hour", "decision_series_minute", "decision, requests") +
      " GROUP BY bucket, decision) AS steps";
  pqxx::read_transaction tx(c);
  const std::int64_t s = step.count();
  // An hour row fits in one step only when steps are whole hours (steps are aligned to
  // multiples of `step` since the epoch, hours to multiples of 3600).
  const auto w = window_minutes(tx, window, s % 3600 == 0);
  // Epoch seconds are positive here, so integer division floors.
  const std::int64_t first = w.begin / s * s;
  std::vector<series_point> out(static_cast<std::size_t>((w.end - 60 - first) / s + 1));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].ts = first + static_cast<std::int64_t>(i) * s;
  }
  for (const auto& row : tx.exec_params(sql, w.begin, w.hours_begin, w.hours_end, w.end, s)) {
    const auto index = (row[0].as<std::int64_t>() - first) / s;
    if (index < 0 || static_cast<std::size_t>(index) >= out.size()) continue;
    out[static_cast<std::size_t>(index)].counts.add(row[1].as<std::string>(),
                                                    row[2].as<std::uint64_t>());
  }
  tx.commit();
  return out;
}

bool query_ping(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  return tx.exec1("SELECT 1")[0].as<int>() == 1;
}

}  // namespace floodgate::dashboard
