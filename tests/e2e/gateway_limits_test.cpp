// The real floodgate binary in front of a loopback backend: command line, limits,
// rate-limit headers, 429s and shadow mode, over sockets.
#include <gtest/gtest.h>

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <fstream>
#include <thread>

#include "backend_server.hpp"
#include "gateway_fixture.hpp"
#include "http_client.hpp"

namespace floodgate::e2e {
namespace {

using namespace std::chrono_literals;

std::string run(const std::string& args) {
  return floodgate_binary() + " " + args + " 2>&1";
}

class gateway_limits : public ::testing::Test {
 protected:
  backend backend_;
};

const std::string base_yaml = R"(listen: "@LISTEN@"
threads: 2
upstreams:
  backend:
    servers: ["@BACKEND@"]
)";

// Verifies --version prints the CMake project version.
TEST(gateway_cli, version) {
  const auto r = test::run_command(run("--version"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, std::string("floodgate ") + FLOODGATE_TEST_VERSION + "\n");
}

// Verifies unknown options print the usage and exit 2.
TEST(gateway_cli, unknown_option) {
  const auto r = test::run_command(run("--frobnicate"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown option '--frobnicate'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("usage:"), std::string::npos);
}

// Verifies --check accepts a valid file and rejects an invalid one naming file:line:col.
TEST(gateway_cli, check) {
  test::temp_dir dir;
  const auto good = dir.path() + "/good.yaml";
  const auto bad = dir.path() + "/bad.yaml";
  {
    std::ofstream(good) << "upstreams:\n  b:\n    servers: [\"127.0.0.1:9\"]\n"
                           "routes:\n  - name: r\n    path: /\n    upstream: b\n";
    std::ofstream(bad) << "upstreams:\n  b:\n    servers: [\"127.0.0.1:9\"]\n"
                          "routes:\n  - name: r\n    path: /\n    upstream: b\n"
                          "    limits:\n      - algorithm: sliding_window\n        limit: 10\n"
                          "        window: soon\n";
  }
  const auto ok = test::run_command(run("--config " + good + " --check"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find(good + ": OK"), std::string::npos) << ok.output;

  const auto ko = test::run_command(run("--config " + bad + " --check"));
  EXPECT_EQ(ko.exit_code, 1) << ko.output;
  EXPECT_NE(ko.output.find(bad + ":11:17: routes[0].limits[0].window"), std::string::npos)
      << ko.output;

  // Starting with the invalid file fails the same way, without a crash.
  const auto start = test::run_command(run("--config " + bad));
  EXPECT_EQ(start.exit_code, 1) << start.output;
  EXPECT_NE(start.output.find(bad + ":11:17:"), std::string::npos) << start.output;

  const auto missing = test::run_command(run("--config " + dir.path() + "/nope.yaml --check"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("nope.yaml"), std::string::npos) << missing.output;
}

// Verifies exactly `limit` requests pass, then 429 with the SPEC headers and body, and that
// denied requests never reach the backend.
TEST_F(gateway_limits, limit_then_429) {
  gateway gw(base_yaml + R"(routes:
  - name: data
    path: /api/data
    limits:
      - algorithm: sliding_window
        limit: 3
        window: 1m
    upstream: backend
)",
             backend_.port());
  client c(gw.port());
  for (int i = 0; i < 3; ++i) {
    const auto r = c.get("/api/data/item?x=" + std::to_string(i));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.body, "backend:/api/data/item?x=" + std::to_string(i));
    EXPECT_EQ(r.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(r.header("x-ratelimit-remaining"), std::to_string(2 - i));
    EXPECT_EQ(r.header("x-ratelimit-strategy"), "sliding_window");
    EXPECT_EQ(r.header("ratelimit-policy"), R"("data-0";q=3;w=60)");
    EXPECT_EQ(r.header("ratelimit"), "\"data-0\";r=" + std::to_string(2 - i) + ";t=60");
  }
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const auto denied = c.get("/api/data");
  ASSERT_EQ(denied.status, 429u);
  EXPECT_EQ(denied.header("content-type"), "application/json");
  EXPECT_EQ(denied.header("retry-after"), "60");
  EXPECT_EQ(denied.body, R"({"error": "rate_limited", "route": "data", "retry_after": 60})");
  EXPECT_EQ(denied.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(denied.header("ratelimit"), R"("data-0";r=0;t=60)");
  const auto reset = std::stoll(denied.header("x-ratelimit-reset"));
  EXPECT_GE(reset, now_s + 59);
  EXPECT_LE(reset, now_s + 61);
  EXPECT_EQ(backend_.requests(), 3u);

  // /api/database is another path: not under the route (segment boundary), and no route
  // matches it, so the gateway answers 404 itself.
  const auto other = c.get("/api/database");
  EXPECT_EQ(other.status, 404u);
  EXPECT_EQ(backend_.requests(), 3u);
}

// Verifies Retry-After is honest: a little before it the request is still denied, after it
// the request passes.
TEST_F(gateway_limits, retry_after_is_honest) {
  gateway gw(base_yaml + R"(routes:
  - name: burst
    path: /
    limits:
      - algorithm: sliding_window
        limit: 2
        window: 2s
    upstream: backend
)",
             backend_.port());
  client c(gw.port());
  ASSERT_EQ(c.get("/a").status, 200u);
  ASSERT_EQ(c.get("/a").status, 200u);
  const auto denied = c.get("/a");
  const auto denied_at = std::chrono::steady_clock::now();
  ASSERT_EQ(denied.status, 429u);
  const auto retry = std::chrono::seconds(std::stoll(denied.header("retry-after")));
  ASSERT_EQ(retry, 2s);  // 2 s window, denial within milliseconds of the first request

  std::this_thread::sleep_until(denied_at + retry - 1200ms);
  EXPECT_EQ(c.get("/a").status, 429u) << "allowed before Retry-After minus a second";
  std::this_thread::sleep_until(denied_at + retry);
  EXPECT_EQ(c.get("/a").status, 200u) << "still denied after Retry-After";
}

// Verifies a route with two limits: the most restrictive drives X-RateLimit-*, every limit is
// in RateLimit-Policy, and all must allow.
TEST_F(gateway_limits, multi_limit_route) {
  gateway gw(base_yaml + R"(routes:
  - name: multi
    path: /
    limits:
      - algorithm: token_bucket
        limit: 10
        window: 1m
      - algorithm: fixed_window
        limit: 2
        window: 1h
    upstream: backend
)",
             backend_.port());
  client c(gw.port());
  auto r = c.get("/x");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("x-ratelimit-limit"), "2");
  EXPECT_EQ(r.header("x-ratelimit-remaining"), "1");
  EXPECT_EQ(r.header("x-ratelimit-strategy"), "fixed_window");
  EXPECT_EQ(r.header("ratelimit-policy"), R"("multi-0";q=10;w=60, "multi-1";q=2;w=3600)");
  EXPECT_TRUE(r.header("ratelimit").starts_with(R"("multi-1";r=1;t=)")) << r.header("ratelimit");
  EXPECT_EQ(c.get("/x").status, 200u);
  r = c.get("/x");
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.header("x-ratelimit-strategy"), "fixed_window");
  EXPECT_EQ(backend_.requests(), 2u);
}

// Verifies key: [header:X-API-Key, ip]: each API key has its own budget, and requests
// without one share the client IP's.
TEST_F(gateway_limits, key_by_header_with_ip_fallback) {
  gateway gw(base_yaml + R"(routes:
  - name: keyed
    path: /
    key: [header:X-API-Key, ip]
    limits:
      - algorithm: fixed_window
        limit: 2
        window: 1h
    upstream: backend
)",
             backend_.port());
  client c(gw.port());
  const field_list alice{{"X-API-Key", "alice"}};
  const field_list bob{{"X-API-Key", "bob"}};
  EXPECT_EQ(c.get("/", alice).status, 200u);
  EXPECT_EQ(c.get("/", alice).status, 200u);
  EXPECT_EQ(c.get("/", alice).status, 429u);
  EXPECT_EQ(c.get("/", bob).status, 200u);
  EXPECT_EQ(c.get("/").status, 200u);
  EXPECT_EQ(c.get("/").status, 200u);
  EXPECT_EQ(c.get("/").status, 429u);
  EXPECT_EQ(c.get("/", bob).status, 200u);
  EXPECT_EQ(c.get("/", bob).status, 429u);
  // The client cannot escape its IP budget by claiming another address: 127.0.0.1 is not a
  // trusted proxy, so X-Forwarded-For is ignored.
  EXPECT_EQ(c.get("/", {{"X-Forwarded-For", "198.51.100.1"}}).status, 429u);
}

// Verifies a shadow route forwards what it would deny and counts it as shadow_blocked;
// `headers: []` sends no rate-limit headers; routes without limits are unlimited.
TEST_F(gateway_limits, shadow_and_unlimited) {
  gateway gw(base_yaml + R"(routes:
  - name: trial
    path: /trial
    shadow: true
    headers: []
    limits:
      - algorithm: fixed_window
        limit: 1
        window: 1h
    upstream: backend
  - name: free
    path: /
    upstream: backend
)",
             backend_.port());
  client c(gw.port());
  for (int i = 0; i < 3; ++i) {
    const auto r = c.get("/trial");
    EXPECT_EQ(r.status, 200u);
    EXPECT_FALSE(r.has("x-ratelimit-limit"));
    EXPECT_FALSE(r.has("ratelimit"));
  }
  const auto free = c.get("/other");
  EXPECT_EQ(free.status, 200u);
  EXPECT_FALSE(free.has("x-ratelimit-limit"));
  EXPECT_FALSE(free.has("ratelimit-policy"));
  EXPECT_EQ(backend_.requests(), 4u);

  const auto metrics = c.get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, R"(floodgate_requests_total{route="trial",decision="allowed"})"),
            1.0)
      << metrics;
  EXPECT_EQ(
      metric_value(metrics, R"(floodgate_requests_total{route="trial",decision="shadow_blocked"})"),
      2.0);
  EXPECT_EQ(metric_value(metrics, R"(floodgate_requests_total{route="free",decision="unlimited"})"),
            1.0);
}

// Verifies a limited route's response carries one set of rate-limit fields, the
// gateway's: the upstream's own are replaced (on both the fast and Beast's parsing
// paths), its other fields and Retry-After kept. A route without limits passes the
// upstream's through.
TEST_F(gateway_limits, the_gateway_replaces_the_upstreams_rate_limit_fields) {
  test::backend_server own("own");
  gateway gw(base_yaml + R"(routes:
  - name: limited
    path: /own-limits
    methods: [GET]
    limits:
      - {algorithm: token_bucket, limit: 50, window: 1m}
    upstream: backend
  - name: free
    path: /
    upstream: backend
)",
             own.port());
  const std::vector<std::string> names{"X-RateLimit-Limit", "X-RateLimit-Remaining",
                                       "X-RateLimit-Reset", "X-RateLimit-Strategy",
                                       "RateLimit-Policy",  "RateLimit"};
  const auto count = [](const test::http_response& r, std::string_view name) {
    return std::count_if(r.headers.begin(), r.headers.end(),
                         [&](const auto& h) { return boost::beast::iequals(h.first, name); });
  };
  test::http_connection c(gw.port());
  for (const std::string query : {"", "?chunked=1"}) {
    SCOPED_TRACE("limited" + query);
    const auto r = c.request("GET", "/own-limits" + query);
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "own");
    for (const auto& name : names) EXPECT_EQ(count(*r, name), 1) << name;
    EXPECT_EQ(r->header("X-RateLimit-Limit"), "50");
    EXPECT_EQ(r->header("X-RateLimit-Strategy"), "token_bucket");
    EXPECT_EQ(r->header("RateLimit-Policy"), R"("limited-0";q=50;w=60)");
    EXPECT_EQ(r->header("Retry-After"), "7");
    EXPECT_EQ(r->header("X-Other"), "kept");
  }
  for (const std::string query : {"", "?chunked=1"}) {
    SCOPED_TRACE("free" + query);
    const auto r = c.request("POST", "/own-limits" + query, {}, "x");
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->status, 200u);
    for (const auto& name : names) EXPECT_EQ(count(*r, name), 1) << name;
    EXPECT_EQ(r->header("X-RateLimit-Limit"), "1000");
    EXPECT_EQ(r->header("RateLimit"), R"("up";r=999;t=1)");
  }
}

// Verifies that a strict route cannot be walked around by spelling its path another way
// towards a looser one: every spelling is limited as /login (and still goes upstream as
// written), and a path above the root is a 400 that reaches nobody.
TEST_F(gateway_limits, other_spellings_of_a_path_share_its_limit) {
  gateway gw(base_yaml + R"(routes:
  - name: login
    path: /login
    limits:
      - algorithm: fixed_window
        limit: 2
        window: 1h
    upstream: backend
  - name: free
    path: /
    upstream: backend
)",
             backend_.port());
  client c(gw.port());
  const auto first = c.get("//login");
  EXPECT_EQ(first.status, 200u);
  EXPECT_EQ(first.body, "backend://login");
  EXPECT_EQ(first.header("x-ratelimit-remaining"), "1");
  EXPECT_EQ(c.get("/public/../login").header("x-ratelimit-remaining"), "0");
  // An escaped separator read either way stays under /login: limited as /login.
  for (const char* spelling : {"/login", "/./login", "/%6Cogin", "/x/%2e%2e/login?a=b",
                               "/login/a%2Fb", "/login/a%5cb", "/log%69n/%2e"}) {
    const auto r = c.get(spelling);
    EXPECT_EQ(r.status, 429u) << spelling;
    EXPECT_NE(r.body.find(R"("route": "login")"), std::string::npos) << spelling << r.body;
  }
  // One that reaches another route when read as a separator is refused: "/login/..%2fx"
  // is under /login for a server that keeps "%2F" and "/x" for one that decodes it, and
  // "/x/..%2flogin" and "/login%2Fsub" the other way round.
  for (const char* spelling : {"/login/..%2fx", "/x/..%2Flogin", "/login%2Fsub", "/x/..%5clogin"}) {
    const auto r = c.get(spelling);
    EXPECT_EQ(r.status, 400u) << spelling;
    EXPECT_NE(r.body.find(R"("error": "ambiguous_path")"), std::string::npos) << spelling << r.body;
  }
  EXPECT_EQ(c.get("/loginx").status, 200u);  // another path: the free route
  EXPECT_EQ(backend_.requests(), 3u);
  EXPECT_EQ(get_once(gw.port(), "/../login").status, 400u);
  EXPECT_EQ(backend_.requests(), 3u);
}

// Verifies that a denied upload gets its 429 and Retry-After: at once, without the body,
// when the client waits for 100 Continue; and, when it sends the body straight away,
// still readable after it (not lost to a connection reset).
TEST_F(gateway_limits, denied_upload_reads_its_429) {
  gateway gw(base_yaml + R"(routes:
  - name: upload
    path: /
    limits:
      - algorithm: fixed_window
        limit: 1
        window: 1h
    upstream: backend
)",
             backend_.port());
  EXPECT_EQ(get_once(gw.port(), "/first").status, 200u);
  const std::string head = "POST /files HTTP/1.1\r\nHost: x\r\nContent-Length: 4194304\r\n";

  test::http_connection waiting(gw.port(), 3s);
  const auto asked = std::chrono::steady_clock::now();
  waiting.send(head + "Expect: 100-continue\r\n\r\n");
  auto early = waiting.read_response();
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 429u);
  EXPECT_GT(std::stoi(early->header("retry-after")), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 1s);
  EXPECT_TRUE(waiting.wait_closed(2s));

  test::http_connection eager(gw.port());
  eager.send(head + "\r\n" + std::string(4u << 20, 'u'));
  auto late = eager.read_response();
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 429u);
  EXPECT_GT(std::stoi(late->header("retry-after")), 0);
  EXPECT_EQ(backend_.requests(), 1u);
}

}  // namespace
}  // namespace floodgate::e2e
