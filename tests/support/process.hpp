#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace floodgate::test {

/// A free TCP port on 127.0.0.1 (bound then released), claimed for this process so
/// that no other test process is handed it while this one runs.
[[nodiscard]] std::uint16_t free_port();

/// Polls until something accepts TCP connections on 127.0.0.1:port or the deadline passes.
[[nodiscard]] bool wait_for_port(std::uint16_t port, std::chrono::milliseconds deadline);

/// Finds an executable: FLOODGATE_<NAME> env override, then PATH, then `extra_dirs`.
/// Empty string when not found.
[[nodiscard]] std::string find_program(const std::string& name,
                                       const std::vector<std::string>& extra_dirs = {});

/// A child process started with posix_spawn; killed (SIGTERM, then SIGKILL) by the destructor.
class child_process {
 public:
  child_process() = default;
  /// argv[0] is the program path. stdout/stderr go to `log_file` when given.
  explicit child_process(std::vector<std::string> argv, const std::string& log_file = {});
  child_process(child_process&& o) noexcept;
  child_process& operator=(child_process&& o) noexcept;
  ~child_process();

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] bool running();
  void signal(int sig);
  /// SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status (waitpid form) or -1.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  /// Waits for exit up to `timeout`; returns the waitpid status or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
};

/// Runs a command to completion (sh -c), returns its exit code and captures stdout+stderr.
struct command_result {
  int exit_code = -1;
  std::string output;
};
[[nodiscard]] command_result run_command(const std::string& shell_command);

/// The parent of process `pid` (a PostgreSQL backend's is the postmaster); -1 if unknown.
[[nodiscard]] int parent_pid(int pid);

/// Stops processes with SIGSTOP for its lifetime and always resumes them (SIGCONT): a
/// server that hangs with its connections up, not one that is down.
struct frozen_processes {
  explicit frozen_processes(std::vector<int> p);
  ~frozen_processes();
  frozen_processes(const frozen_processes&) = delete;
  frozen_processes& operator=(const frozen_processes&) = delete;
  std::vector<int> pids;
};

/// A fresh temporary directory, removed recursively by the destructor.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace floodgate::test
