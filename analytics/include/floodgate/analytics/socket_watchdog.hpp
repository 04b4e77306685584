#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace floodgate::analytics {

/// Client-side deadline for blocking libpq calls.
///
/// libpq has no read timeout: a query to a PostgreSQL that stopped answering (a hung
/// backend, a frozen host) blocks its thread until TCP gives up, about 15 minutes. The
/// server-side statement_timeout cannot help, since the server is what hangs, and neither
/// can PQcancel (the server must act on it). So a query's socket is watched while it runs;
/// when its deadline passes, one thread of our own shuts the socket down, which makes the
/// blocked libpq call fail at once ("server closed the connection"). The connection is
/// then useless and must be discarded. Thread safe.
class socket_watchdog {
 public:
  using clock = std::chrono::steady_clock;

  socket_watchdog();
  ~socket_watchdog();
  socket_watchdog(const socket_watchdog&) = delete;
  socket_watchdog& operator=(const socket_watchdog&) = delete;

  /// Watches socket `fd` until unwatch(): if `deadline` passes first, shuts it down.
  /// Returns the id to give unwatch(). While stopping (abort_all), shuts it down at once.
  [[nodiscard]] std::uint64_t watch(int fd, clock::time_point deadline);

  /// Stops watching; returns true when the socket had been shut down. Once this returns
  /// the watchdog never touches that descriptor again, so it may be closed and reused.
  bool unwatch(std::uint64_t id);

  /// Shuts every watched socket down now, and every one watched from now on: used when
  /// the process stops, so that no thread stays blocked on PostgreSQL.
  void abort_all();

  /// RAII form of watch/unwatch for one call.
  class guard {
   public:
    guard(socket_watchdog& w, int fd, clock::duration limit)
        : watchdog_(w), id_(w.watch(fd, clock::now() + limit)) {}
    ~guard() { release(); }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    /// Stops watching (idempotent); true when the deadline (or abort_all) cut the socket.
    bool release() {
      if (!released_) {
        fired_ = watchdog_.unwatch(id_);
        released_ = true;
      }
      return fired_;
    }

   private:
    socket_watchdog& watchdog_;
    std::uint64_t id_;
    bool released_ = false;
    bool fired_ = false;
  };

 private:
  struct entry {
    int fd;
    clock::time_point deadline;
    bool fired;
  };
  void run();
  static void cut(entry& e) noexcept;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::uint64_t, entry> entries_;
  std::uint64_t next_id_ = 1;
  bool aborting_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace floodgate::analytics
