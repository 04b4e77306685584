// One throwaway PostgreSQL per test binary, shared by the tests (each uses its own route
// names, so they do not see each other's rows).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <floodgate/analytics/recorder.hpp>

#include "postgres_server.hpp"

namespace floodgate::test {

/// Recorder options for tests against `pg`: quick flushes and reconnects, so a test
/// sees its events (and an outage's end) within a fraction of a second.
inline analytics::recorder_options test_recorder_options(const postgres_server& pg) {
  analytics::recorder_options o;
  o.postgres = pg.uri();
  o.flush_interval = std::chrono::milliseconds{100};
  o.reconnect_min = std::chrono::milliseconds{20};
  o.reconnect_max = std::chrono::milliseconds{200};
  return o;
}

/// An SQL string literal (quotes doubled; standard_conforming_strings is on).
inline std::string sql_literal(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

class pg_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!server_) server_ = std::make_unique<postgres_server>();
  }
  // Kept for the whole binary: starting a cluster costs about a second.
  static postgres_server& pg() { return *server_; }

  void SetUp() override {
    // A test that stopped the server and failed must not break the next one.
    if (!server_->running()) server_->start();
  }

 private:
  static inline std::unique_ptr<postgres_server> server_;
};

}  // namespace floodgate::test
