// batch_sink for PostgreSQL: one transaction per batch = COPY of the raw events + upsert of
// the minute and hour rollups + a marker row, so rollups and events never disagree and a retried
// batch is never counted twice.
#include <floodgate/analytics/batch_sink.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "copy_text.hpp"
#include "rollup.hpp"

namespace floodgate::analytics {
namespace {

const std::array<std::string, 10> event_columns{"ts",     "gateway_id", "route",    "client_key",
                                                "method", "path",       "decision", "algorithm",
                                                "status", "latency_ms"};

// Shortest text that reads back as exactly `v` (to_chars): what PostgreSQL stores is the
// same double, without printf's cost (once per event in the COPY).
std::string format_double(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Text PostgreSQL accepts: the field itself when it is valid UTF-8 (the usual case,
// no copy), else a cleaned copy kept in `scratch`.
const std::string& clean(const std::string& s, std::string& scratch) {
  if (is_valid_utf8(s)) return s;
  scratch = to_valid_utf8(s);
  return scratch;
}

// A string literal; invalid UTF-8 would make esc() throw, and then the batch would be
// retried forever. Built by hand around esc(): pqxx's quote() trips a GCC 12 false
// -Wrestrict warning in its header.
std::string quote(pqxx::transaction_base& tx, const std::string& s) {
  std::string scratch;
  std::string literal(1, '\'');
  literal += tx.esc(clean(s, scratch));
  literal += '\'';
  return literal;
}

std::string timestamp_literal(std::int64_t unix_seconds) {
  std::string s(1, '\'');
  s += format_timestamp(unix_seconds);
  s += '\'';
  return s;
}

std::string bucket_literal(const latency_histogram& h) {
  std::string s = "'{";
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (i != 0) s += ',';
    s += std::to_string(h[i]);
  }
  return s + "}'";
}

// "ARRAY[coalesce(a[1], 0) + coalesce(b[1], 0), ...]": the element-wise sum of two
// histograms as a plain expression. Calling floodgate_add_buckets() (an SQL function
// that unnests both arrays) per updated row cost about a tenth of PostgreSQL's CPU.
std::string bucket_sum(const std::string& a, const std::string& b) {
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on the + chain.
  std::string sql = "ARRAY[";
  for (std::size_t i = 1; i <= latency_bucket_count; ++i) {
    const auto index = std::to_string(i);
    for (const auto* side : {&a, &b}) {
      sql += side == &a ? (i == 1 ? "coalesce(" : ", coalesce(") : " + coalesce(";
      sql += *side;
      sql += '[';
      sql += index;
      sql += "], 0)";
    }
  }
  sql += "]::bigint[]";
  return sql;
}

// Appends "(v1,v2,...)"; the values are SQL literals already.
void append_row(std::string& sql, std::initializer_list<std::string> values) {
  sql += '(';
  bool first = true;
  for (const auto& v : values) {
    if (!first) sql += ',';
    first = false;
    sql += v;
  }
  sql += ')';
}

// Appends a tab and `s` as a COPY field, cleaned to valid UTF-8 first when needed.
void append_text_field(std::string& line, const std::string& s) {
  line += '\t';
  if (is_valid_utf8(s)) {
    append_copy_field(line, s);
  } else {
    append_copy_field(line, to_valid_utf8(s));
  }
}

template <typename Number>
void append_number_field(std::string& line, Number n) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  line += '\t';
  line.append(buf, r.ptr);
}

void copy_events(pqxx::transaction_base& tx, std::span<const decision_event> events) {
  // The rows are built here and handed over as whole lines: libpqxx 6.4's stream_to
  // converts and escapes field by field, about 11,000 instructions per row under
  // callgrind, most of what analytics cost the gateway. tablewriter is the only 6.4
  // class that takes ready lines; it is deprecated in favour of stream_to, which cannot.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  pqxx::tablewriter copy(tx, "decision_events", event_columns.begin(), event_columns.end());
#pragma GCC diagnostic pop
  std::string line;
  for (const auto& e : events) {
    line = format_timestamp(e.ts);
    append_text_field(line, e.gateway_id);
    append_text_field(line, e.route);
    append_text_field(line, e.client_key);
    append_text_field(line, e.method);
    append_text_field(line, e.path);
    append_text_field(line, e.decision);
    if (e.algorithm.empty()) {
      line += "\t\\N";  // NULL: a route without limits has no algorithm
    } else {
      append_text_field(line, e.algorithm);
    }
    append_number_field(line, e.status);
    append_number_field(line, finite_latency(e.latency_ms));
    copy.write_raw_line(line);
  }
  copy.complete();
}

// The statements adding a batch's rollups to one granularity's tables: `unit` is the time
// column and the tables' suffix ("minute" or "hour"). Empty when there is nothing to add.
std::string rollup_upserts(pqxx::transaction_base& tx, const batch_rollups& r,
                           std::string_view unit) {
  std::string sql;
  const std::string decisions = "decision_rollup_" + std::string(unit);
  const std::string clients = "blocked_clients_" + std::string(unit);
  if (!r.decisions.empty()) {
    sql += "INSERT INTO " + decisions + " (" + std::string(unit) +
           ", route, decision, requests, latency_sum_ms, latency_buckets) VALUES ";
    bool first = true;
    for (const auto& [key, d] : r.decisions) {
      const auto& [time, route, decision] = key;
      if (!first) sql += ',';
      first = false;
      append_row(sql, {timestamp_literal(time), quote(tx, route), quote(tx, decision),
                       std::to_string(d.requests), format_double(d.latency_sum_ms),
                       bucket_literal(d.latency_buckets)});
    }
    sql += " ON CONFLICT (" + std::string(unit) +
           ", route, decision) DO UPDATE SET requests = " + decisions +
           ".requests + EXCLUDED.requests, latency_sum_ms = " + decisions +
           ".latency_sum_ms + EXCLUDED.latency_sum_ms, latency_buckets = " +
           bucket_sum(decisions + ".latency_buckets", "EXCLUDED.latency_buckets") + ";";
  }
  if (!r.blocked_clients.empty()) {
    sql += "INSERT INTO " + clients + " (" + std::string(unit) +
           ", route, client_key, blocked) VALUES ";
    bool first = true;
    for (const auto& [key, blocked] : r.blocked_clients) {
      const auto& [time, route, client_key] = key;
      if (!first) sql += ',';
      first = false;
      append_row(sql, {timestamp_literal(time), quote(tx, route), quote(tx, client_key),
                       std::to_string(blocked)});
    }
    sql += " ON CONFLICT (" + std::string(unit) +
           ", route, client_key) DO UPDATE SET blocked = " + clients +
           ".blocked + EXCLUDED.blocked;";
  }
  return sql;
}

// The statement adding a batch's per-minute totals over all routes.
std::string series_upsert(pqxx::transaction_base& tx, const batch_rollups& minutes) {
  const auto series = series_of(minutes);
  if (series.empty()) return {};
  std::string sql = "INSERT INTO decision_series_minute (minute, decision, requests) VALUES ";
  bool first = true;
  for (const auto& [key, requests] : series) {
    const auto& [minute, decision] = key;
    if (!first) sql += ',';
    first = false;
    append_row(sql, {timestamp_literal(minute), quote(tx, decision), std::to_string(requests)});
  }
  sql +=
      " ON CONFLICT (minute, decision) DO UPDATE SET"
      " requests = decision_series_minute.requests + EXCLUDED.requests;";
  return sql;
}

// SQLSTATE class 22 (data exception): the batch's content is the problem, so retrying it
// would fail forever and block every later event.
bool is_data_error(const pqxx::sql_error& e) {
  return e.sqlstate().rfind("22", 0) == 0;
}

class postgres_sink final : public batch_sink {
 public:
  explicit postgres_sink(std::string postgres) : postgres_(std::move(postgres)) {}

  void write(std::span<const decision_event> events, std::string_view batch_id) override {
    auto& conn = connection();
    const std::string id(batch_id);
    try {
      pqxx::work tx(conn, "floodgate_batch");
      // A retry after a failure that may have happened during COMMIT: the batch may be in.
      if (id == in_doubt_id_ &&
          !tx.exec("SELECT 1 FROM floodgate_batches WHERE batch_id = " + quote(tx, id)).empty()) {
        in_doubt_id_.clear();
        return;
      }
      copy_events(tx, events);
      // Every rollup (minute, minute over all routes, hour) and the batch marker in one
      // round trip.
      const auto minutes = aggregate(events);
      tx.exec0(rollup_upserts(tx, minutes, "minute") + series_upsert(tx, minutes) +
               rollup_upserts(tx, by_hour(minutes), "hour") +
               "INSERT INTO floodgate_batches (batch_id) VALUES (" + quote(tx, id) + ")");
      in_doubt_id_ = id;  // from here on a failure leaves us unsure
      tx.commit();
      in_doubt_id_.clear();
    } catch (const pqxx::sql_error& e) {
      if (is_data_error(e)) {
        in_doubt_id_.clear();
        throw poison_batch(e.what());
      }
      throw;
    }
  }

  void maintain() override {
    pqxx::work tx(connection(), "floodgate_maintenance");
    tx.exec("SELECT floodgate_ensure_partitions()");
    tx.exec("SELECT floodgate_drop_partitions()");
    tx.commit();
  }

  void reset() noexcept override { conn_.reset(); }

 private:
  pqxx::connection& connection() {
    if (!conn_) {
      conn_.emplace(postgres_);
      // Name the session for pg_stat_activity; bound every statement so a wedged server
      // cannot hold the writer (and shutdown) forever.
      pqxx::nontransaction setup(*conn_);
      setup.exec("SET application_name = 'floodgate-analytics'; SET statement_timeout = '30s'");
    }
    return *conn_;
  }

  std::string postgres_;
  std::optional<pqxx::connection> conn_;
  std::string in_doubt_id_;
};

}  // namespace

std::unique_ptr<batch_sink> make_postgres_sink(std::string postgres) {
  return std::make_unique<postgres_sink>(std::move(postgres));
}

}  // namespace floodgate::analytics
