#include "redis_server.hpp"

#include <csignal>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <hiredis/hiredis.h>

namespace floodgate::test {

namespace {

std::string flatten(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return std::string(r->str, r->len);
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::string out;
      for (std::size_t i = 0; i < r->elements; ++i) {
        if (i) out += '\n';
        out += flatten(r->element[i]);
      }
      return out;
    }
    default:
      return {};
  }
}

struct context_deleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

reply_ptr run(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lens.data()));
  if (!r) throw std::runtime_error(std::string("redis command failed: ") + c->errstr);
  return reply_ptr(r);
}

}  // namespace

std::string redis_server_binary() {
  return find_program("redis-server", {"/usr/bin"});
}

redis_server::redis_server(redis_server_options o) : opts_(std::move(o)), port_(free_port()) {
  start();
}

redis_server::~redis_server() {
  if (proc_) proc_->stop(std::chrono::seconds(2));
}

std::string redis_server::socket_path() const {
  return dir_.path() + "/redis.sock";
}

std::string redis_server::url(int db) const {
  std::string auth = opts_.password.empty() ? "" : ":" + opts_.password + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

void redis_server::start() {
  if (proc_ && proc_->running()) return;
  const auto bin = redis_server_binary();
  if (bin.empty()) throw std::runtime_error("redis-server not found (set FLOODGATE_REDIS_SERVER)");
  std::vector<std::string> argv{bin,      "--port",       std::to_string(port_),
                                "--bind", "127.0.0.1",    "--save",
                                "",       "--appendonly", "no",
                                "--dir",  dir_.path(),    "--protected-mode",
                                "yes",    "--logfile",    dir_.path() + "/redis.log"};
  if (!opts_.password.empty()) argv.insert(argv.end(), {"--requirepass", opts_.password});
  if (opts_.unix_socket)
    argv.insert(argv.end(), {"--unixsocket", socket_path(), "--unixsocketperm", "700"});
  proc_ = std::make_unique<child_process>(argv);
  // A port can be taken between free_port() and bind: fail loudly rather than hang.
  if (!wait_for_port(port_, std::chrono::seconds(10)))
    throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (command({"PING"}) != "PONG") {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("redis-server does not answer PING");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void redis_server::kill() {
  if (!proc_) return;
  proc_->signal(SIGKILL);
  proc_->wait(std::chrono::seconds(5));
  proc_.reset();
}

void redis_server::stop() {
  if (!proc_) return;
  proc_->stop(std::chrono::seconds(5));
  proc_.reset();
}

bool redis_server::running() {
  return proc_ && proc_->running();
}

void redis_server::pause() {
  if (proc_) proc_->signal(SIGSTOP);
}

void redis_server::resume() {
  if (proc_) proc_->signal(SIGCONT);
}

std::string redis_server::command(const std::vector<std::string>& argv, int db) {
  timeval tv{2, 0};
  context_ptr c(redisConnectWithTimeout("127.0.0.1", port_, tv));
  if (!c || c->err) return "ERR connect";
  if (!opts_.password.empty()) run(c.get(), {"AUTH", opts_.password});
  if (db != 0) run(c.get(), {"SELECT", std::to_string(db)});
  return flatten(run(c.get(), argv).get());
}

std::uint64_t redis_server::command_calls(const std::string& name) {
  std::istringstream in(command({"INFO", "commandstats"}));
  const std::string prefix = "cmdstat_" + name + ":calls=";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) return std::stoull(line.substr(prefix.size()));
  }
  return 0;
}

}  // namespace floodgate::test
