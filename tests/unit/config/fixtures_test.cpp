// One fixture per mistake in tests/fixtures/config/, each with the exact text
// `floodgate --check` prints for it.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace floodgate::config {
namespace {

struct fixture_case {
  const char* file;
  const char* expected;
};

std::ostream& operator<<(std::ostream& os, const fixture_case& c) {
  return os << c.file;
}

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(FLOODGATE_CONFIG_FIXTURES) + "/" + name);
  EXPECT_TRUE(in.is_open()) << "missing fixture " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The problems `name` produces with an empty environment ("" when it loads).
std::string check(const std::string& name) {
  const std::string text = read_fixture(name);
  try {
    (void)load_string(text, name, [](const std::string&) { return std::optional<std::string>{}; });
  } catch (const config_error& e) {
    return format_problems(e);
  }
  return "";
}

const fixture_case cases[] = {
    {"misspelled_key.yaml",
     "misspelled_key.yaml:8:5: routes[0].limts: unknown key (did you mean 'limits'?)\n"},
    {"unknown_top_level_key.yaml",
     "unknown_top_level_key.yaml:2:1: ratelimit: unknown key (expected one of: listen, threads, "
     "gateway_id, trusted_proxies, redis, circuit_breaker, failure_mode, analytics, dashboard, "
     "upstreams, routes, server, logging, watch)\n"},
    {"wrong_type.yaml",
     "wrong_type.yaml:1:10: threads: expected an integer from 0 to 4096 (0 = one per core)\n"
     "wrong_type.yaml:3:3: upstreams: expected a mapping\n"
     "wrong_type.yaml:5:3: routes: expected a list\n"},
    {"bad_duration.yaml",
     "bad_duration.yaml:14:17: routes[1].limits[0].window: expected a duration (250ms, 2s, 5m, "
     "...)\n"},
    {"zero_duration.yaml",
     "zero_duration.yaml:2:12: redis.timeout: expected a duration of at least 1ms\n"
     "zero_duration.yaml:6:22: upstreams.backend.connect_timeout: expected a duration (250ms, 2s, "
     "5m, ...): negative value\n"
     "zero_duration.yaml:7:14: upstreams.backend.timeout: expected a duration (250ms, 2s, 5m, "
     "...)\n"},
    {"unknown_algorithm.yaml",
     "unknown_algorithm.yaml:9:20: routes[0].limits[0].algorithm: unknown algorithm 'leaky' "
     "(expected one of: token_bucket, leaky_bucket, fixed_window, sliding_window, "
     "sliding_window_counter, gcra)\n"},
    {"bad_limit.yaml",
     "bad_limit.yaml:9:34: routes[0].limits[0].limit: expected a positive integer\n"
     "bad_limit.yaml:10:34: routes[0].limits[1].limit: expected a positive integer\n"
     "bad_limit.yaml:11:34: routes[0].limits[2].limit: expected a positive integer\n"},
    {"bad_names.yaml",
     "bad_names.yaml:2:3: upstreams.: '': expected a name of letters, digits, '-', '_' or '.'\n"
     "bad_names.yaml:4:3: upstreams.back end: 'back end': expected a name of letters, digits, "
     "'-', '_' or '.'\n"
     "bad_names.yaml:7:15: upstreams.backend.servers[0]: expected host:port (invalid host)\n"
     "bad_names.yaml:7:27: upstreams.backend.servers[1]: expected host:port (invalid host)\n"
     "bad_names.yaml:11:14: routes[0].methods: expected at least one method (leave methods out "
     "to take every method)\n"},
    {"limit_too_large.yaml",
     "limit_too_large.yaml:9:9: routes[0].limits[0]: limit 1000000 is too large for this window: "
     "limit x window must stay within 2^53 microseconds to be counted exactly, so at most 104249 "
     "per 1d (use a shorter window with a proportionally smaller limit)\n"},
    {"duplicate_route.yaml",
     "duplicate_route.yaml:11:11: routes[2].name: duplicate route name 'data' (first defined at "
     "line 5)\n"},
    {"shadowed_routes.yaml",
     "shadowed_routes.yaml:10:11: routes[1].path: never matched: route 'api' (line 6) already "
     "takes every request here\n"
     "shadowed_routes.yaml:23:11: routes[4].path: never matched: route 'reads' (line 14, path "
     "'/items') already takes every request here\n"
     "shadowed_routes.yaml:31:11: routes[6].path: never matched: route 'catch-all' (line 26, "
     "path '/') already takes every request here\n"},
    {"missing_upstream.yaml",
     "missing_upstream.yaml:9:15: routes[0].upstream: unknown upstream 'backnd' (defined: "
     "backend, search)\n"},
    {"no_upstreams.yaml",
     "no_upstreams.yaml:4:15: routes[0].upstream: unknown upstream 'backend' (no upstreams are "
     "defined)\n"},
    {"missing_required_key.yaml",
     "missing_required_key.yaml:5:5: routes[0]: missing required key 'path'\n"
     "missing_required_key.yaml:5:5: routes[0]: missing required key 'upstream'\n"
     "missing_required_key.yaml:7:5: routes[1]: missing required key 'name'\n"
     "missing_required_key.yaml:10:9: routes[1].limits[0]: missing required key 'limit'\n"
     "missing_required_key.yaml:10:9: routes[1].limits[0]: missing required key 'window'\n"},
    {"bad_route_fields.yaml",
     "bad_route_fields.yaml:5:11: routes[0].name: expected a name of letters, digits, '-', '_' "
     "or '.'\n"
     "bad_route_fields.yaml:6:11: routes[0].path: expected a path starting with '/'\n"
     "bad_route_fields.yaml:7:20: routes[0].methods[1]: expected an HTTP method such as GET or "
     "POST\n"
     "bad_route_fields.yaml:9:11: routes[0].key[0]: expected ip, global or header:NAME\n"
     "bad_route_fields.yaml:9:27: routes[0].key[1]: expected ip, global or header:NAME\n"
     "bad_route_fields.yaml:10:19: routes[0].failure_mode: expected open or closed\n"
     "bad_route_fields.yaml:11:13: routes[0].shadow: expected true or false\n"
     "bad_route_fields.yaml:12:18: routes[0].deny_status: expected an HTTP status from 400 to "
     "599\n"
     "bad_route_fields.yaml:13:28: routes[0].headers[1]: expected x-ratelimit or ietf\n"},
    {"bad_route_paths.yaml",
     "bad_route_paths.yaml:6:11: routes[0].path: requests are matched on their normalised path, "
     "so this one never would: write \"/api/data\"\n"
     "bad_route_paths.yaml:9:11: routes[1].path: requests are matched on their normalised path, "
     "so this one never would: write \"/api/login\"\n"
     "bad_route_paths.yaml:12:11: routes[2].path: requests are matched on their normalised path, "
     "so this one never would: write \"/login\"\n"
     "bad_route_paths.yaml:15:11: routes[3].path: a path must not go above '/' with '..' or "
     "contain %00\n"},
    {"bad_listen.yaml",
     "bad_listen.yaml:1:9: listen: expected host:port (missing port)\n"
     "bad_listen.yaml:3:11: dashboard.listen: expected host:port (port must be 1-65535)\n"
     "bad_listen.yaml:6:15: upstreams.backend.servers[0]: expected host:port (missing port)\n"
     "bad_listen.yaml:6:28: upstreams.backend.servers[1]: expected host:port (an IPv6 address "
     "goes in brackets, e.g. [::1]:8000)\n"
     "bad_listen.yaml:6:52: upstreams.backend.servers[3]: expected host:port (invalid host)\n"},
    {"bad_cidr.yaml",
     "bad_cidr.yaml:3:5: trusted_proxies[1]: expected a CIDR such as 10.0.0.0/8 or ::1/128 "
     "(invalid prefix length)\n"
     "bad_cidr.yaml:4:5: trusted_proxies[2]: expected a CIDR such as 10.0.0.0/8 or ::1/128 "
     "(invalid IP address)\n"
     "bad_cidr.yaml:5:5: trusted_proxies[3]: expected a CIDR such as 10.0.0.0/8 or ::1/128 "
     "(invalid prefix length)\n"},
    {"empty_servers.yaml",
     "empty_servers.yaml:3:14: upstreams.backend.servers: expected at least one host:port\n"
     "empty_servers.yaml:5:5: upstreams.other: missing required key 'servers'\n"},
    {"bad_threads.yaml",
     "bad_threads.yaml:1:10: threads: expected an integer from 0 to 4096 (0 = one per core)\n"},
    {"bad_redis_url.yaml",
     "bad_redis_url.yaml:2:8: redis.url: expected a redis://[:password@]host:port[/db] or "
     "unix:///path URL\n"
     "bad_redis_url.yaml:3:12: redis.timeout: expected a duration (250ms, 2s, 5m, ...)\n"},
    {"redis_url_bad_db.yaml",
     "redis_url_bad_db.yaml:3:8: redis.url: invalid Redis URL: database must be a non-negative "
     "integer, got 'abc'\n"},
    {"redis_url_bad_port.yaml",
     "redis_url_bad_port.yaml:3:8: redis.url: invalid Redis URL: port must be 1-65535, got "
     "'notaport'\n"},
    {"bad_postgres.yaml",
     "bad_postgres.yaml:3:13: analytics.postgres: invalid PostgreSQL connection string: invalid "
     "connection option \"hostt\"\n"},
    {"bad_analytics.yaml",
     "bad_analytics.yaml:2:3: analytics: missing required key 'postgres'\n"
     "bad_analytics.yaml:2:15: analytics.batch_size: expected a positive integer\n"
     "bad_analytics.yaml:3:19: analytics.flush_interval: expected a duration (250ms, 2s, 5m, "
     "...)\n"
     "bad_analytics.yaml:4:11: analytics.buffer: expected a positive integer\n"},
    {"batch_larger_than_buffer.yaml",
     "batch_larger_than_buffer.yaml:3:15: analytics.batch_size: must not be larger than buffer "
     "(1000)\n"},
    {"bad_server.yaml",
     "bad_server.yaml:2:21: server.max_header_bytes: must be at most 16m\n"
     "bad_server.yaml:3:19: server.max_body_bytes: expected a size in bytes greater than 0 "
     "(16384, 16k, 10m, 1g)\n"
     "bad_server.yaml:4:19: server.header_timeout: expected a duration of at least 1ms\n"
     "bad_server.yaml:6:23: server.upstream_pool_size: expected an integer from 0 to 100000\n"
     "bad_server.yaml:8:10: logging.level: expected one of: trace, debug, info, warn, error, "
     "critical, off\n"
     "bad_server.yaml:9:22: logging.access_log_sample: expected a number from 0 to 1\n"},
    {"bad_circuit_breaker.yaml",
     "bad_circuit_breaker.yaml:2:22: circuit_breaker.failure_threshold: expected a positive "
     "integer\n"
     "bad_circuit_breaker.yaml:3:18: circuit_breaker.reset_timeout: expected a duration (250ms, "
     "2s, 5m, ...)\n"
     "bad_circuit_breaker.yaml:4:15: failure_mode: expected open or closed\n"},
    {"env_unset.yaml",
     "env_unset.yaml:3:9: environment variable FLOODGATE_TEST_UNSET is not set (write "
     "${FLOODGATE_TEST_UNSET:-default} to give a default)\n"
     "env_unset.yaml:5:14: invalid environment reference (expected ${NAME} or "
     "${NAME:-default})\n"},
    {"duplicate_key.yaml",
     "duplicate_key.yaml:8:5: routes[0].path: duplicate key (first at line 6)\n"},
    {"yaml_syntax.yaml", "yaml_syntax.yaml:4:1: invalid YAML: end of sequence flow not found\n"},
    {"not_a_mapping.yaml", "not_a_mapping.yaml:1:1: expected a mapping\n"},
    {"empty.yaml",
     "empty.yaml:1:1: file is empty (expected a mapping of settings: listen, upstreams, routes, "
     "...)\n"},
    {"comments_only.yaml",
     "comments_only.yaml:1:1: file holds only comments (expected a mapping of settings: listen, "
     "upstreams, routes, ...)\n"},
    {"empty_document.yaml",
     "empty_document.yaml:2:1: document is empty (expected a mapping of settings: listen, "
     "upstreams, routes, ...)\n"},
    {"two_documents.yaml",
     "two_documents.yaml:9:1: a second YAML document starts here; a config file holds exactly one "
     "(remove the '---' and what follows, or merge it into the first)\n"},
    {"empty_value.yaml",
     "empty_value.yaml:5:1: threads: expected an integer from 0 to 4096 (0 = one per core)\n"
     "empty_value.yaml:7:1: listen: expected host:port\n"
     "empty_value.yaml:13:7: routes[0].limits[0]: missing required key 'algorithm'\n"
     "empty_value.yaml:13:7: routes[0].limits[0]: missing required key 'limit'\n"
     "empty_value.yaml:13:7: routes[0].limits[0]: missing required key 'window'\n"},
    {"duration_reasons.yaml",
     "duration_reasons.yaml:3:18: circuit_breaker.reset_timeout: expected a duration (250ms, 2s, "
     "5m, ...): negative value\n"
     "duration_reasons.yaml:7:14: upstreams.backend.timeout: expected a duration (250ms, 2s, 5m, "
     "...): value out of range (at most 3650d)\n"},
    {"several_problems.yaml",
     "several_problems.yaml:2:1: treads: unknown key (did you mean 'threads'?)\n"
     "several_problems.yaml:12:16: routes[0].limits[0].limit: expected a positive integer\n"
     "several_problems.yaml:14:11: routes[1].name: duplicate route name 'data' (first defined at "
     "line 7)\n"
     "several_problems.yaml:15:11: routes[1].path: never matched: route 'data' (line 7) already "
     "takes every request here\n"
     "several_problems.yaml:16:15: routes[1].upstream: unknown upstream 'missing' (defined: "
     "backend)\n"
     "several_problems.yaml:17:19: routes[1].failure_mode: expected open or closed\n"},
};

class config_fixture : public ::testing::TestWithParam<fixture_case> {};

// Verifies the exact problem list of one fixture.
TEST_P(config_fixture, exact_problems) {
  EXPECT_EQ(check(GetParam().file), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(fixtures, config_fixture, ::testing::ValuesIn(cases),
                         [](const auto& param_info) {
                           std::string name = param_info.param.file;
                           return name.substr(0, name.find('.'));
                         });

// Verifies load_file names the file exactly as it was given.
TEST(load_file, uses_path_as_given) {
  const std::string path = std::string(FLOODGATE_CONFIG_FIXTURES) + "/bad_threads.yaml";
  try {
    (void)load_file(path);
    FAIL() << "expected a config_error";
  } catch (const config_error& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_EQ(e.problems()[0].file, path);
    EXPECT_EQ(e.problems()[0].line, 1);
    EXPECT_EQ(e.problems()[0].column, 10);
    EXPECT_EQ(e.problems()[0].path, "threads");
    EXPECT_EQ(std::string(e.what()), format_problems(e));
  }
}

// Verifies a file that cannot be read is one problem without a position.
TEST(load_file, missing_file) {
  try {
    (void)load_file("no/such/routes.yaml");
    FAIL() << "expected a config_error";
  } catch (const config_error& e) {
    EXPECT_EQ(format_problems(e),
              "no/such/routes.yaml: cannot read file: No such file or directory\n");
  }
}

// Verifies a directory or a device given as the config file is refused before it is
// read: both read as nothing, which would otherwise pass as a config without routes.
TEST(load_file, refuses_what_is_not_a_regular_file) {
  for (const auto& [path, kind] :
       {std::pair<std::string, std::string>{FLOODGATE_CONFIG_FIXTURES, "a directory"},
        {"/dev/null", "a character device"}}) {
    try {
      (void)load_file(path);
      ADD_FAILURE() << "expected a config_error for " << path;
    } catch (const config_error& e) {
      EXPECT_EQ(format_problems(e), path + ": not a regular file (" + kind + ")\n");
    }
  }
}

// Verifies an empty file is refused by load_file too (the path --check and reload take).
TEST(load_file, refuses_empty_file) {
  const std::string path = std::string(FLOODGATE_CONFIG_FIXTURES) + "/empty.yaml";
  try {
    (void)load_file(path);
    FAIL() << "expected a config_error";
  } catch (const config_error& e) {
    EXPECT_EQ(format_problems(e),
              path +
                  ":1:1: file is empty (expected a mapping of settings: listen, upstreams, "
                  "routes, ...)\n");
  }
}

}  // namespace
}  // namespace floodgate::config
