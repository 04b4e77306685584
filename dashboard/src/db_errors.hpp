#pragma once

#include <exception>
#include <optional>
#include <stdexcept>

#include "reply.hpp"

namespace floodgate::dashboard {

/// PostgreSQL did not answer in time: no connection became free soon enough, or a query
/// outlived the client-side deadline (the connection was dropped).
class db_timeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The reply for a database failure that is PostgreSQL's state rather than a bug:
/// 503 `postgres_timeout` when it is too slow (db_timeout; SQLSTATE 57014, a statement
/// timeout or a cancel) and 503 `postgres_unavailable` when it cannot be used (a broken
/// connection; SQLSTATE classes 08, connection, and 57, operator intervention such as a
/// shutdown). nullopt for anything else, which is a bug: the caller logs it as a 500.
/// Logs the cause of a 503 at warn level.
[[nodiscard]] std::optional<reply> database_failure_reply(const std::exception& e);

}  // namespace floodgate::dashboard
