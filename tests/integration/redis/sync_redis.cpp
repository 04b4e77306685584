#include "sync_redis.hpp"

#include <stdexcept>

namespace floodgate::test {

sync_redis::sync_redis(std::uint16_t port) {
  timeval tv{5, 0};
  c_ = redisConnectWithTimeout("127.0.0.1", port, tv);
  if (c_ == nullptr || c_->err) throw std::runtime_error("cannot connect to test redis");
}

sync_redis::~sync_redis() {
  redisFree(c_);
}

reply_ptr sync_redis::run(const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  void* r = redisCommandArgv(c_, static_cast<int>(args.size()), args.data(), lens.data());
  if (r == nullptr) throw std::runtime_error(std::string("redis: ") + c_->errstr);
  return reply_ptr(static_cast<redisReply*>(r));
}

reply_ptr sync_redis::run_formatted(std::string_view resp) {
  if (redisAppendFormattedCommand(c_, resp.data(), resp.size()) != REDIS_OK)
    throw std::runtime_error("redis: append failed");
  void* r = nullptr;
  if (redisGetReply(c_, &r) != REDIS_OK || r == nullptr)
    throw std::runtime_error(std::string("redis: ") + c_->errstr);
  return reply_ptr(static_cast<redisReply*>(r));
}

}  // namespace floodgate::test
