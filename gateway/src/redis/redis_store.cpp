#include <floodgate/redis/redis_store.hpp>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <boost/asio/append.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "redis/connection.hpp"
#include "redis/redis_url.hpp"

namespace floodgate::redis {

namespace net = boost::asio;
using detail::connection;

namespace {

using io_executor = net::io_context::executor_type;

// The io_context behind an executor we know how to look inside (the ones the
// gateway and tests use), or nullptr. Coroutines (net::awaitable) carry an
// any_io_executor, so look through that wrapper too.
template <typename Executor>
const net::io_context* context_of(const Executor& ex) {
  if (const auto* e = ex.template target<io_executor>()) return &e->context();
  if (const auto* s = ex.template target<net::strand<io_executor>>())
    return &s->get_inner_executor().context();
  if constexpr (!std::is_same_v<Executor, net::any_io_executor>) {
    if (const auto* any = ex.template target<net::any_io_executor>()) return context_of(*any);
  }
  return nullptr;
}

}  // namespace

struct redis_store::impl {
  struct slot {
    std::shared_ptr<connection> conn;
    const net::io_context* context = nullptr;
    bool sole_on_context = false;   // a plain io_context executor, alone on it
    std::optional<io_executor> io;  // that executor, when it is one
  };
  std::vector<slot> slots;
  std::shared_ptr<detail::connection_stats> stats = std::make_shared<detail::connection_stats>();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopped{false};

  // The connection living on the handler's io_context when there is one (its
  // reply then completes on the right thread without a cross-thread hop),
  // else round-robin. `direct` says we may call it from this thread.
  slot& pick(const net::any_completion_executor& handler_ex, bool& direct) {
    direct = false;
    if (const auto* ctx = context_of(handler_ex)) {
      for (auto& s : slots) {
        if (s.context != ctx) continue;
        if (s.sole_on_context) {
          const auto* e = detail::plain_io_executor(handler_ex);
          direct = e != nullptr && e->running_in_this_thread();
          return s;
        }
        break;  // several connections share that context: spread them
      }
    }
    return slots[next.fetch_add(1, std::memory_order_relaxed) % slots.size()];
  }
};

redis_store::redis_store(redis_options o, std::vector<net::any_io_executor> executors)
    : impl_(std::make_shared<impl>()) {
  if (executors.empty()) throw std::invalid_argument("redis_store: no executors");
  auto endpoint = parse_redis_url(o.url);
  if (!endpoint) throw std::invalid_argument("redis.url: " + endpoint.error());
  auto settings = std::make_shared<detail::connection_settings>();
  settings->endpoint = std::move(*endpoint);
  settings->timeout = o.timeout;
  settings->key_prefix = o.key_prefix;
  settings->denial_cache_size = o.denial_cache_size;
  settings->stall_timeout = o.stall_timeout;

  for (auto& ex : executors) {
    impl::slot s;
    s.context = context_of(ex);
    s.sole_on_context = ex.target<io_executor>() != nullptr;
    if (s.sole_on_context) s.io = *ex.target<io_executor>();
    s.conn = std::make_shared<connection>(ex, settings, impl_->stats);
    impl_->slots.push_back(std::move(s));
  }
  for (auto& s : impl_->slots) {
    for (auto& other : impl_->slots)
      if (&other != &s && other.context == s.context) s.sole_on_context = false;
  }
}

redis_store::~redis_store() {
  stop();
}

void redis_store::start() {
  for (auto& s : impl_->slots) s.conn->start();
}

void redis_store::stop() {
  if (impl_->stopped.exchange(true)) return;
  for (auto& s : impl_->slots) s.conn->stop();
}

bool redis_store::connected() const noexcept {
  return impl_->stats->ready_connections.load(std::memory_order_relaxed) > 0;
}

redis_store_stats redis_store::stats() const noexcept {
  const auto& s = *impl_->stats;
  return {s.evalsha.load(std::memory_order_relaxed), s.cache_hits.load(std::memory_order_relaxed),
          s.script_loads.load(std::memory_order_relaxed),
          s.connects.load(std::memory_order_relaxed)};
}

std::optional<limit::immediate_check> redis_store::try_check_now(
    std::string_view key, std::span<const limit::limit_spec> limits) {
  // Only the connection of the calling thread may be touched from here.
  for (auto& s : impl_->slots) {
    if (!s.sole_on_context || !s.io->running_in_this_thread()) continue;
    auto cached = s.conn->cached_denial(key, limits);
    if (!cached) return std::nullopt;
    return limit::immediate_check{{}, std::move(*cached)};
  }
  return std::nullopt;
}

void redis_store::do_check(std::string_view key, std::span<const limit::limit_spec> limits,
                           net::any_completion_handler<limit::check_signature> handler) {
  bool direct = false;
  auto& s = impl_->pick(net::get_associated_executor(handler), direct);
  auto check = std::make_unique<detail::pending_check>(std::move(handler));
  check->key = std::string(key);
  check->limits.assign(limits.begin(), limits.end());
  if (direct) {
    // Already on the connection's thread: submit never completes inline, so
    // skipping the post is safe and saves a queue round trip per request.
    s.conn->submit(std::move(check));
  } else {
    net::post(s.conn->executor(),
              [conn = s.conn, c = std::move(check)]() mutable { conn->submit(std::move(c)); });
  }
}

}  // namespace floodgate::redis
