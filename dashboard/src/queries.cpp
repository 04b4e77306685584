#include "queries.hpp"

#include <string>

#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

namespace floodgate::dashboard {
namespace {

using analytics::latency_bucket_count;

// First and last minute of a window, Unix epoch seconds, both inclusive.
struct minute_range {
  std::int64_t first = 0;
  std::int64_t last = 0;
};

// The window's minutes by the database clock, read inside the caller's transaction.
minute_range window_minutes(pqxx::transaction_base& tx, std::chrono::seconds window) {
  const auto last = tx.exec1("SELECT extract(epoch FROM date_trunc('minute', now()))::bigint")[0]
                        .as<std::int64_t>();
  return {last - window.count() + 60, last};
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

constexpr const char* in_window = " minute >= to_timestamp($1) AND minute <= to_timestamp($2) ";

}  // namespace

std::vector<route_stats> query_routes(pqxx::connection& c, std::chrono::seconds window) {
  static const std::string sql =
      "SELECT route, decision, sum(requests)::bigint, sum(latency_sum_ms)" + bucket_sums() +
      " FROM decision_rollup_minute WHERE" + in_window +
      "GROUP BY route, decision ORDER BY route, decision";
  pqxx::read_transaction tx(c);
  const auto range = window_minutes(tx, window);
  const auto rows = tx.exec_params(sql, range.first, range.last);
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
  static const std::string sql = std::string(
                                     "SELECT client_key, route, sum(blocked)::bigint AS n "
                                     "FROM blocked_clients_minute WHERE") +
                                 in_window +
                                 "GROUP BY client_key, route "
                                 "ORDER BY n DESC, client_key, route LIMIT $3";
  pqxx::read_transaction tx(c);
  const auto range = window_minutes(tx, window);
  const auto rows = tx.exec_params(sql, range.first, range.last, limit);
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
      std::string(
          "SELECT extract(epoch FROM bucket)::bigint, decision, n FROM ("
          " SELECT date_bin($3::integer * interval '1 second', minute, timestamptz 'epoch') "
          " AS bucket, decision, sum(requests)::bigint AS n "
          " FROM decision_rollup_minute WHERE") +
      in_window + "GROUP BY bucket, decision) AS steps";
  pqxx::read_transaction tx(c);
  const auto range = window_minutes(tx, window);
  const std::int64_t s = step.count();
  // Epoch seconds are positive here, so integer division floors.
  const std::int64_t first = range.first / s * s;
  std::vector<series_point> out(static_cast<std::size_t>((range.last - first) / s + 1));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].ts = first + static_cast<std::int64_t>(i) * s;
  }
  for (const auto& row : tx.exec_params(sql, range.first, range.last, s)) {
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
