// Checks `analytics.postgres` the way libpq will read it, for the config loader: a
// misspelt keyword ("hostt=") would otherwise only show when the writer first connects,
// as "PostgreSQL is down" without a line number.
#pragma once

#include <optional>
#include <string>

namespace floodgate::analytics {

/// libpq's own complaint about `conninfo` (a key=value string or a postgres:// or
/// postgresql:// URI), or nullopt when libpq would accept it. Parses only: connects to
/// nothing, reads no service or password file.
[[nodiscard]] std::optional<std::string> connection_string_problem(const std::string& conninfo);

}  // namespace floodgate::analytics
