#include "db_errors.hpp"

#include <string>

#include <spdlog/spdlog.h>
#include <pqxx/except>

namespace floodgate::dashboard {
namespace {

reply too_slow(const std::exception& e) {
  spdlog::warn("PostgreSQL too slow: {}", e.what());
  return error_reply(503, "postgres_timeout", "PostgreSQL did not answer in time");
}

reply unavailable(const std::exception& e) {
  spdlog::warn("PostgreSQL unavailable: {}", e.what());
  return error_reply(503, "postgres_unavailable", "PostgreSQL is not reachable");
}

}  // namespace

std::optional<reply> database_failure_reply(const std::exception& e) {
  if (dynamic_cast<const db_timeout*>(&e) != nullptr) return too_slow(e);
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return unavailable(e);
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state == "57014") return too_slow(e);  // query_canceled: statement_timeout
    if (state.rfind("57", 0) == 0 || state.rfind("08", 0) == 0) return unavailable(e);
  }
  return std::nullopt;
}

}  // namespace floodgate::dashboard
