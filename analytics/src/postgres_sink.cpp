// batch_sink for PostgreSQL: one transaction per batch = COPY of the raw events + upsert of
// the minute and hour rollups + a marker row, so rollups and events never disagree and a retried
// batch is never counted twice.
#include <floodgate/analytics/batch_sink.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <libpq-fe.h>
#include <pqxx/largeobject>
#include <pqxx/pqxx>

#include <floodgate/analytics/connection_string.hpp>
#include <floodgate/analytics/socket_watchdog.hpp>

#include "copy_binary.hpp"
#include "rollup.hpp"
#include "rollup_statement.hpp"

namespace floodgate::analytics {
namespace {

// libpqxx 6.4 can only send COPY data as text lines (tablewriter, stream_to). Binary COPY
// needs libpq's PQputCopyData on the transaction's connection, and the one public way to
// it is largeobject's protected raw_connection(): this subclass only makes it callable.
struct libpq_access : pqxx::largeobject {
  static PGconn* connection_of(const pqxx::dbtransaction& tx) { return raw_connection(tx); }
};

struct result_deleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

const std::string copy_statement =
    "COPY decision_events (" + std::string(copy_columns) + ") FROM STDIN (FORMAT binary)";

// The error of a failed step as libpqxx reports it, so the caller can tell data errors
// (the batch's content) from the rest (connection, server state) by SQLSTATE.
[[noreturn]] void throw_copy_error(PGconn* c, const PGresult* r) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = r != nullptr ? PQresultErrorMessage(r) : "";
  if (message == nullptr || *message == '\0') message = PQerrorMessage(c);
  throw pqxx::sql_error(message, copy_statement, state);
}

// Sends rows with one COPY in binary format: PostgreSQL's text input functions
// (timestamps above all) were a fifth of its CPU per ingested row.
void copy_events(pqxx::dbtransaction& tx, std::string_view rows) {
  PGconn* c = libpq_access::connection_of(tx);
  // Never outside the batch's transaction: an autocommitted COPY could be written twice.
  if (PQtransactionStatus(c) != PQTRANS_INTRANS) {
    throw pqxx::sql_error("analytics: connection not in a transaction before COPY");
  }
  result_ptr start{PQexec(c, copy_statement.c_str())};
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) throw_copy_error(c, start.get());
  if (PQputCopyData(c, rows.data(), static_cast<int>(rows.size())) != 1 ||
      PQputCopyEnd(c, nullptr) != 1) {
    throw_copy_error(c, nullptr);
  }
  // The COPY's own result, then none.
  result_ptr failed;
  while (result_ptr r{PQgetResult(c)}) {
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && !failed) failed = std::move(r);
  }
  if (failed) throw_copy_error(c, failed.get());
}

// SQLSTATE class 22 (data exception): the batch's content is the problem, so retrying it
// would fail forever and block every later event.
bool is_data_error(const pqxx::sql_error& e) {
  return e.sqlstate().rfind("22", 0) == 0;
}

// Client-side bounds of each call: statement_timeout (30 s, set per session) is the
// server's, and a server that hangs (a stopped backend, a frozen host) enforces nothing.
// Past these the watchdog shuts the socket down and the call fails at once.
constexpr std::chrono::seconds statement_deadline{35};
constexpr std::chrono::seconds ping_deadline{5};

class postgres_sink final : public batch_sink {
 public:
  explicit postgres_sink(std::string postgres)
      : postgres_(
            with_default_options(with_client_timeouts(postgres), {{"connect_timeout", "5"}})) {}

  void write(std::span<const decision_event> events, std::string_view batch_id) override {
    auto& conn = connection();
    socket_watchdog::guard bound(watchdog_, conn.sock(), statement_deadline);
    const std::string id(batch_id);
    try {
      pqxx::work tx(conn, "floodgate_batch");
      // A retry after a failure that may have happened during COMMIT: the batch may be in.
      if (id == in_doubt_id_ &&
          !tx.exec_params("SELECT 1 FROM floodgate_batches WHERE batch_id = $1", id).empty()) {
        in_doubt_id_.clear();
        return;
      }
      const auto piece = copy_statement_rows(events.size());
      for (std::size_t i = 0; i < events.size(); i += piece) {
        copy_events(tx, rows_.encode(events.subspan(i, std::min(piece, events.size() - i))));
      }
      // Every rollup (minute, minute over all routes, hour) and the batch marker in one
      // prepared statement, one round trip.
      const auto params = rollup_statement_params(aggregate(events), id);
      tx.exec_prepared0(rollup_statement_name, pqxx::prepare::make_dynamic_params(params));
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
    socket_watchdog::guard bound(watchdog_, connection().sock(), statement_deadline);
    // Separate transactions: partitions ahead are what writes need; retention failing (a
    // role without the right to drop, a malformed retention setting) must not undo them.
    {
      pqxx::work tx(connection(), "floodgate_ensure_partitions");
      tx.exec("SELECT floodgate_ensure_partitions()");
      tx.commit();
    }
    pqxx::work tx(connection(), "floodgate_drop_partitions");
    tx.exec("SELECT floodgate_drop_partitions()");
    tx.commit();
  }

  void ping() override {
    auto& conn = connection();
    socket_watchdog::guard bound(watchdog_, conn.sock(), ping_deadline);
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT 1");
  }

  void reset() noexcept override { conn_.reset(); }

  void abort() noexcept override { watchdog_.abort_all(); }

 private:
  pqxx::connection& connection() {
    if (!conn_) {
      conn_.emplace(postgres_);
      socket_watchdog::guard bound(watchdog_, conn_->sock(), ping_deadline);
      // Name the session for pg_stat_activity; bound every statement so a wedged server
      // cannot hold the writer (and shutdown) forever.
      pqxx::nontransaction setup(*conn_);
      // The rollup statement's plan does not depend on its parameters (arrays to unnest):
      // plan it once, not five times before PostgreSQL would settle on a generic plan.
      // COPY's binary text fields are converted from the client encoding: ours is UTF-8.
      setup.exec(
          "SET application_name = 'floodgate-analytics'; SET statement_timeout = '30s';"
          " SET client_encoding = 'UTF8';"
          " SET plan_cache_mode = force_generic_plan");
      conn_->prepare(rollup_statement_name, rollup_statement_sql());
    }
    return *conn_;
  }

  std::string postgres_;
  std::optional<pqxx::connection> conn_;
  socket_watchdog watchdog_;
  std::string in_doubt_id_;
  copy_binary_rows rows_;
};

}  // namespace

std::unique_ptr<batch_sink> make_postgres_sink(std::string postgres) {
  return std::make_unique<postgres_sink>(std::move(postgres));
}

}  // namespace floodgate::analytics
