#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hiredis/hiredis.h>

namespace floodgate::test {

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

/// A blocking hiredis connection for tests that need raw replies.
class sync_redis {
 public:
  explicit sync_redis(std::uint16_t port);
  ~sync_redis();
  sync_redis(const sync_redis&) = delete;
  sync_redis& operator=(const sync_redis&) = delete;

  reply_ptr run(const std::vector<std::string>& argv);
  /// Sends a preformatted RESP command (e.g. from append_check_command).
  reply_ptr run_formatted(std::string_view resp);

 private:
  redisContext* c_ = nullptr;
};

}  // namespace floodgate::test
