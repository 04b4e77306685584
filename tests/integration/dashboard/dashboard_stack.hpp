// The stack every dashboard integration test reads: a throwaway PostgreSQL holding a known
// set of decision events (written through floodgate_analytics' recorder, so the rollups are
// maintained exactly as in production) and a floodgate-dashboard process reading it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <floodgate/analytics/event.hpp>

#include "postgres_server.hpp"
#include "process.hpp"

namespace floodgate::test {

/// One seeded event and how long before the seeding it happened.
struct seeded_event {
  analytics::decision_event event;
  std::chrono::seconds age;
};

class dashboard_stack {
 public:
  /// The shared instance, started on first use (PostgreSQL, events, dashboard).
  static dashboard_stack& get();
  /// Stops everything (called once at the end of the test program).
  static void shut_down();

  [[nodiscard]] const std::vector<seeded_event>& events() const noexcept { return events_; }
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] postgres_server& postgres() noexcept { return *pg_; }
  [[nodiscard]] const std::string& dir() const noexcept { return dir_.path(); }

  /// Seeded events inside a window of `window` (ages were chosen minutes away from
  /// every window edge the tests use, so "age < window" is exact).
  [[nodiscard]] std::vector<analytics::decision_event> in_window(std::chrono::seconds window) const;

 private:
  dashboard_stack();
  void seed();
  void start_dashboard();

  temp_dir dir_;
  std::unique_ptr<postgres_server> pg_;
  std::vector<seeded_event> events_;
  std::uint16_t port_ = 0;
  child_process dashboard_;
};

/// Path of the built floodgate-dashboard binary.
[[nodiscard]] std::string dashboard_binary();

/// Writes a routes.yaml for the dashboard into `dir` and returns its path.
[[nodiscard]] std::string write_dashboard_config(const std::string& dir,
                                                 const std::string& postgres, std::uint16_t port);

}  // namespace floodgate::test
