#include "postgres_server.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <pwd.h>
#include <unistd.h>

#include <pqxx/pqxx>

namespace floodgate::test {
namespace {

namespace fs = std::filesystem;

std::string find_pg_bin() {
  if (const char* env = std::getenv("FLOODGATE_PG_BIN")) return env;
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(entry.path() / "bin" / "initdb")) candidates.push_back(entry.path() / "bin");
  }
  if (candidates.empty())
    throw std::runtime_error("postgres_server: no /usr/lib/postgresql/*/bin/initdb");
  // Numeric version order: "15" > "9.6".
  std::sort(candidates.begin(), candidates.end(), [](const fs::path& a, const fs::path& b) {
    return std::stod(a.parent_path().filename().string()) <
           std::stod(b.parent_path().filename().string());
  });
  return candidates.back().string();
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

}  // namespace

postgres_server::postgres_server() : bin_(find_pg_bin()), data_(dir_.path() + "/data") {
  if (::geteuid() == 0) {
    // The server runs as postgres: it must own the temp dir (data and socket live there).
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr)
      throw std::runtime_error("postgres_server: running as root but no postgres user");
    if (::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("postgres_server: chown of " + dir_.path() + " failed");
    }
  }
  const auto init =
      run_command(as_postgres(shell_quote(bin_ + "/initdb") + " -D " + shell_quote(data_) +
                              " -U postgres -E UTF8 --locale=C.UTF-8 "
                              "--auth-local=trust --auth-host=scram-sha-256 -N"));
  if (init.exit_code != 0)
    throw std::runtime_error("postgres_server: initdb failed:\n" + init.output);
  // Tests restart the server on the same port; a test-only cluster need not survive a crash.
  std::ofstream(data_ + "/postgresql.conf", std::ios::app)
      << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  port_ = free_port();
  start_watchdog();
  start();
  const auto psql = shell_quote(bin_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h " +
                    shell_quote(dir_.path()) + " -p " + std::to_string(port_);
  const auto setup =
      run_command(as_postgres(psql + " -U postgres -d postgres -c " +
                              shell_quote("CREATE ROLE floodgate LOGIN PASSWORD 'floodgate'") +
                              " -c " + shell_quote("CREATE DATABASE floodgate OWNER floodgate")));
  if (setup.exit_code != 0)
    throw std::runtime_error("postgres_server: setup failed:\n" + setup.output);
  apply_schema();
}

postgres_server::~postgres_server() {
  try {
    stop();
  } catch (...) {  // destructor: the temp dir goes anyway
  }
}

std::string postgres_server::as_postgres(const std::string& command) const {
  return ::geteuid() == 0 ? "runuser -u postgres -- " + command : command;
}

void postgres_server::start_watchdog() const {
  // pg_ctl daemonizes the server, so a test process killed before its destructor (a ctest
  // timeout, a crash) would leave it running. A small watcher, running as the server's
  // user, stops it and removes the temp dir once this process is gone. It polls /proc
  // rather than kill -0, which a non-root watcher cannot send to a root test.
  std::string watcher = "while [ -d /proc/";
  watcher += std::to_string(::getpid());
  watcher += " ]; do sleep 1; done; ";
  watcher += shell_quote(bin_ + "/pg_ctl");
  watcher += " -D " + shell_quote(data_) + " -m immediate stop; rm -rf " + shell_quote(dir_.path());
  // Output to /dev/null and '&': run_command returns at once, the watcher lives on.
  std::string command(1, '(');
  command += as_postgres(std::string("sh -c ").append(shell_quote(watcher)));
  command += ") </dev/null >/dev/null 2>&1 &";
  (void)run_command(command);
}

void postgres_server::pg_ctl(const std::string& args) const {
  const auto r = run_command(
      as_postgres(shell_quote(bin_ + "/pg_ctl") + " -D " + shell_quote(data_) + " " + args));
  if (r.exit_code != 0) {
    throw std::runtime_error("postgres_server: pg_ctl " + args + " failed:\n" + r.output +
                             log_tail());
  }
}

void postgres_server::start() {
  if (running_) return;
  // -w polls until the server accepts connections, bounded by -t seconds.
  pg_ctl("-l " + shell_quote(dir_.path() + "/postgres.log") + " -w -t 60 -o " +
         shell_quote("-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " +
                     dir_.path()) +
         " start");
  running_ = true;
}

void postgres_server::stop() {
  if (!running_) return;
  // pg_ctl signals the postmaster PID from postmaster.pid and waits for it to exit.
  pg_ctl("-m fast -w -t 60 stop");
  running_ = false;
}

std::string postgres_server::uri() const {
  return "postgresql://floodgate:floodgate@127.0.0.1:" + std::to_string(port_) + "/floodgate";
}

void postgres_server::apply_schema() const {
  const auto schema = std::string(FLOODGATE_SOURCE_DIR) + "/schema/schema.sql";
  const auto r =
      run_command("PGPASSWORD=floodgate " + shell_quote(bin_ + "/psql") +
                  " -X -q -v ON_ERROR_STOP=1 " + shell_quote(uri()) + " -f " + shell_quote(schema));
  if (r.exit_code != 0) throw std::runtime_error("postgres_server: schema failed:\n" + r.output);
}

void postgres_server::exec(const std::string& sql) const {
  pqxx::connection c(uri());
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string postgres_server::scalar(const std::string& sql) const {
  pqxx::connection c(uri());
  pqxx::nontransaction tx(c);
  const auto r = tx.exec(sql);
  if (r.empty()) throw std::runtime_error("postgres_server: no row from: " + sql);
  return r[0][0].is_null() ? std::string() : r[0][0].c_str();
}

long long postgres_server::count(const std::string& sql) const {
  return std::stoll(scalar(sql));
}

std::string postgres_server::log_tail() const {
  std::ifstream in(dir_.path() + "/postgres.log");
  std::stringstream ss;
  ss << in.rdbuf();
  auto text = ss.str();
  if (text.size() > 4000) text = text.substr(text.size() - 4000);
  return "\n--- postgres.log ---\n" + text;
}

}  // namespace floodgate::test
