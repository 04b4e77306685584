// Checks `analytics.postgres` the way libpq will read it, for the config loader: a
// misspelt keyword ("hostt=") would otherwise only show when the writer first connects,
// as "PostgreSQL is down" without a line number.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace floodgate::analytics {

/// libpq's own complaint about `conninfo` (a key=value string or a postgres:// or
/// postgresql:// URI), or nullopt when libpq would accept it. Parses only: connects to
/// nothing, reads no service or password file.
[[nodiscard]] std::optional<std::string> connection_string_problem(const std::string& conninfo);

/// `conninfo` rewritten as a key=value string (a URI is converted, values quoted) with
/// each of `defaults` (keyword, value) added unless `conninfo` sets that keyword itself.
/// Returned unchanged when libpq cannot parse it, so that connecting reports the problem.
/// Parses only, like connection_string_problem.
[[nodiscard]] std::string with_default_options(
    const std::string& conninfo, const std::vector<std::pair<std::string, std::string>>& defaults);

/// `conninfo` with TCP keepalives and tcp_user_timeout (unless it sets them): a host that
/// vanishes (power loss, partition) never closes the connection, and without these a
/// call to it waits for TCP's own retransmission limit (~15 min). For every connection
/// floodgate opens to PostgreSQL (the analytics writer, the dashboard).
[[nodiscard]] std::string with_client_timeouts(const std::string& conninfo);

}  // namespace floodgate::analytics
