#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <floodgate/limit/limiter.hpp>

#include "config/config.hpp"
#include "config/reader.hpp"

// Internal to floodgate_config: turns a parsed YAML document into a config,
// reporting every problem into the reader.
namespace floodgate::config::detail {

/// The whole document. Problems are left in `r`; the result is meaningful only
/// when there are none.
[[nodiscard]] config build_config(reader& r, const YAML::Node& root);

/// The `routes:` list; needs the upstreams and the top-level failure_mode of `c`.
[[nodiscard]] std::vector<route_config> build_routes(reader& r, const field& routes,
                                                     const config& c);

/// A route or upstream name: letters, digits, '-', '_' or '.'. Route names appear in
/// metric labels and inside the quoted strings of the RateLimit headers, upstream names
/// in logs and as the Host of a request without one; a conservative alphabet keeps all
/// of them free of escaping.
[[nodiscard]] bool is_config_name(std::string_view s) noexcept;
inline constexpr std::string_view config_name_rule = "a name of letters, digits, '-', '_' or '.'";

/// "open" | "closed".
[[nodiscard]] std::optional<limit::failure_mode> read_failure_mode(reader& r, const field& f);

}  // namespace floodgate::config::detail
