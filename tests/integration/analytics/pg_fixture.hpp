// One throwaway PostgreSQL per test binary, shared by the tests (each uses its own route
// names, so they do not see each other's rows).
#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "postgres_server.hpp"

namespace floodgate::test {

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
