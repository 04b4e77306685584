#include "redis/connection.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <boost/asio/append.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <floodgate/limit/error.hpp>

#include "redis/asio_adapter.hpp"
#include "redis/check_script.hpp"

namespace floodgate::redis::detail {

namespace net = boost::asio;
using limit::errc;

namespace {

int command_argv(redisAsyncContext* ac, redisCallbackFn* fn, void* privdata,
                 std::span<const std::string_view> argv) {
  std::array<const char*, 8> args{};
  std::array<std::size_t, 8> lens{};
  for (std::size_t i = 0; i < argv.size(); ++i) {
    args[i] = argv[i].data();
    lens[i] = argv[i].size();
  }
  return redisAsyncCommandArgv(ac, fn, privdata, static_cast<int>(argv.size()), args.data(),
                               lens.data());
}

bool is_error(const redisReply* r) {
  return r->type == REDIS_REPLY_ERROR;
}

std::string_view text(const redisReply* r) {
  return {r->str, r->len};
}

}  // namespace

const net::io_context::executor_type* plain_io_executor(const net::any_completion_executor& ex) {
  using io_executor = net::io_context::executor_type;
  if (const auto* e = ex.target<io_executor>()) return e;
  if (const auto* any = ex.target<net::any_io_executor>()) return any->target<io_executor>();
  return nullptr;
}

connection::connection(net::any_io_executor ex, std::shared_ptr<const connection_settings> settings,
                       std::shared_ptr<connection_stats> stats)
    : ex_(std::move(ex)),
      settings_(std::move(settings)),
      stats_(std::move(stats)),
      resolver_(ex_),
      deadline_timer_(ex_),
      reconnect_timer_(ex_),
      heartbeat_timer_(ex_),
      backoff_(settings_->min_backoff),
      denials_(settings_->denial_cache_size) {}

connection::~connection() {
  // Normally shutdown() ran first. If the executor died before it could, free
  // the context without posting completions to an executor that is gone.
  destroying_ = true;
  if (ac_) {
    auto* ac = std::exchange(ac_, nullptr);
    redisAsyncFree(ac);
  }
  // A check can be in both lists: clear each flag, free when none is left.
  for (auto* p : std::exchange(waiting_, {})) {
    p->in_waiting = false;
    release(p);
  }
  for (auto* p : std::exchange(timeline_, {})) {
    p->in_timeline = false;
    release(p);
  }
}

void connection::start() {
  net::post(ex_, [self = shared_from_this()] { self->do_connect(); });
}

void connection::stop() {
  net::post(ex_, [self = shared_from_this()] { self->shutdown(); });
}

// ---- connection lifecycle --------------------------------------------------

void connection::do_connect() {
  if (state_ == state::stopped) return;
  state_ = state::connecting;
  const auto& ep = settings_->endpoint;
  if (ep.unix_socket) return open_context(ep.path);
  boost::system::error_code ec;
  (void)net::ip::make_address(ep.host, ec);
  if (!ec) return open_context(ep.host);
  // hiredis 0.14 resolves names with a blocking getaddrinfo: resolve here instead.
  resolver_.async_resolve(
      ep.host, std::to_string(ep.port),
      [self = shared_from_this()](boost::system::error_code rec,
                                  net::ip::tcp::resolver::results_type results) {
        if (self->state_ != state::connecting) return;
        if (rec || results.empty()) return self->on_lost("cannot resolve host");
        self->open_context(results.begin()->endpoint().address().to_string());
      });
}

void connection::open_context(const std::string& host_or_path) {
  const auto& ep = settings_->endpoint;
  redisAsyncContext* ac = ep.unix_socket ? redisAsyncConnectUnix(host_or_path.c_str())
                                         : redisAsyncConnect(host_or_path.c_str(), ep.port);
  if (ac == nullptr) return on_lost("out of memory");
  if (ac->err) {
    const std::string why = ac->errstr;
    redisAsyncFree(ac);
    return on_lost(why.c_str());
  }
  ac->data = this;
  if (!attach_asio(ac, ex_)) {
    redisAsyncFree(ac);
    return on_lost("cannot attach event hooks");
  }
  // Set after attaching: hiredis then waits for writability to detect the connect.
  redisAsyncSetConnectCallback(ac, &connection::on_connect);
  redisAsyncSetDisconnectCallback(ac, &connection::on_disconnect);
  ac_ = ac;
  handshake_refused_ = false;
  send_handshake();

  // hiredis 0.14 has no connect timeout: a blackholed address would hang forever.
  const auto generation = ++generation_;
  reconnect_timer_.expires_after(settings_->connect_timeout);
  reconnect_timer_.async_wait([self = shared_from_this(),
                               generation](boost::system::error_code ec) {
    if (ec || self->generation_ != generation || self->state_ != state::connecting || !self->ac_)
      return;
    auto* stale = std::exchange(self->ac_, nullptr);
    // Detached first: when TCP did connect (a Redis that accepts but never answers),
    // redisAsyncFree reports a disconnect, which would count this failure twice (two
    // backoff steps, two reconnects scheduled).
    stale->data = nullptr;
    redisAsyncFree(stale);
    self->on_lost("connect timeout");
  });
}

// AUTH, SELECT and SCRIPT LOAD are queued at once; hiredis sends them when the
// socket connects and Redis answers them in order.
void connection::send_handshake() {
  const auto& ep = settings_->endpoint;
  if (!ep.password.empty()) {
    if (ep.username.empty()) {
      const std::array<std::string_view, 2> argv{"AUTH", ep.password};
      command_argv(ac_, &connection::on_handshake_reply, this, argv);
    } else {
      const std::array<std::string_view, 3> argv{"AUTH", ep.username, ep.password};
      command_argv(ac_, &connection::on_handshake_reply, this, argv);
    }
  }
  if (ep.db != 0) {
    const std::string db = std::to_string(ep.db);
    const std::array<std::string_view, 2> argv{"SELECT", db};
    command_argv(ac_, &connection::on_handshake_reply, this, argv);
  }
  send_script_load();
}

void connection::send_script_load() {
  const std::array<std::string_view, 3> argv{"SCRIPT", "LOAD", check_script()};
  if (command_argv(ac_, &connection::on_script_loaded, this, argv) == REDIS_OK)
    stats_->script_loads.fetch_add(1, std::memory_order_relaxed);
}

void connection::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<connection*>(ac->data);
  if (self == nullptr || status == REDIS_OK) return;
  // hiredis frees the context when this returns; pending callbacks get NULL.
  self->ac_ = nullptr;
  if (!self->destroying_) self->on_lost(ac->errstr);
}

void connection::on_disconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<connection*>(ac->data);
  if (self == nullptr) return;
  self->ac_ = nullptr;
  // From the destructor's redisAsyncFree: nothing to report, nothing to retry (and
  // shared_from_this() would throw bad_weak_ptr there).
  if (self->destroying_) return;
  self->on_lost(status == REDIS_OK ? "connection closed" : ac->errstr);
}

void connection::on_handshake_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<connection*>(privdata);
  const auto* r = static_cast<const redisReply*>(reply);
  if (r == nullptr || !is_error(r)) return;
  self->log_handshake_error("AUTH/SELECT refused", text(r));
  // The SCRIPT LOAD queued behind it still answers before the disconnect completes: it
  // must not make this connection ready.
  self->handshake_refused_ = true;
  if (self->state_ == state::connecting) redisAsyncDisconnect(ac);
}

void connection::on_script_loaded(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<connection*>(privdata);
  const auto* r = static_cast<const redisReply*>(reply);
  if (r == nullptr) return;
  if (is_error(r) || r->type != REDIS_REPLY_STRING) {
    self->log_handshake_error("SCRIPT LOAD failed",
                              r->type == REDIS_REPLY_ERROR ? text(r) : "unexpected reply");
    if (self->state_ == state::connecting) redisAsyncDisconnect(ac);
    return;
  }
  if (self->state_ == state::connecting && !self->handshake_refused_)
    self->on_ready(std::string(text(r)));
}

void connection::on_ready(std::string sha) {
  sha_ = std::move(sha);
  const bool was_lost = stats_->connects.fetch_add(1, std::memory_order_relaxed) > 0 &&
                        backoff_ > settings_->min_backoff;
  state_ = state::ready;
  last_reply_ = std::chrono::steady_clock::now();
  ready_.store(true, std::memory_order_relaxed);
  stats_->ready_connections.fetch_add(1, std::memory_order_relaxed);
  backoff_ = settings_->min_backoff;
  reconnect_timer_.cancel();
  if (was_lost) spdlog::info("redis: connection restored");
  handshake_error_logged_ = false;
  ping_outstanding_ = false;
  arm_heartbeat();
  auto waiting = std::exchange(waiting_, {});
  for (auto* p : waiting) {
    p->in_waiting = false;
    if (!p->done) send(p);
    release(p);
  }
}

// Once per outage at error level (a wrong password would otherwise log on every retry).
void connection::log_handshake_error(std::string_view what, std::string_view detail) {
  if (std::exchange(handshake_error_logged_, true))
    spdlog::debug("redis: {}: {}", what, detail);
  else
    spdlog::error("redis: {}: {}", what, detail);
}

// A connect that failed, a connection that dropped, or a handshake refused:
// every check still waiting fails now, and we retry after the backoff.
void connection::on_lost(const char* why) {
  ++generation_;
  if (ready_.exchange(false, std::memory_order_relaxed)) {
    stats_->ready_connections.fetch_sub(1, std::memory_order_relaxed);
    spdlog::warn("redis: connection lost ({}); reconnecting", why);
  } else {
    spdlog::debug("redis: connect failed ({}); retrying in {} ms", why, backoff_.count());
  }
  if (state_ == state::stopped) return;
  state_ = state::backoff;
  fail_waiting(errc::redis_unavailable);
  schedule_reconnect();
}

void connection::schedule_reconnect() {
  reconnect_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, settings_->max_backoff);
  reconnect_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && self->state_ == state::backoff) self->do_connect();
  });
}

void connection::shutdown() {
  state_ = state::stopped;
  if (ready_.exchange(false, std::memory_order_relaxed))
    stats_->ready_connections.fetch_sub(1, std::memory_order_relaxed);
  resolver_.cancel();
  reconnect_timer_.cancel();
  heartbeat_timer_.cancel();
  fail_waiting(errc::redis_unavailable);
  if (ac_) {
    // Runs every pending reply callback with NULL: those checks fail now.
    auto* ac = std::exchange(ac_, nullptr);
    redisAsyncFree(ac);
  }
  on_timer();  // drops the completed entries
  deadline_timer_.cancel();
}

// ---- checks ----------------------------------------------------------------

std::optional<limit::verdict> connection::cached_denial(std::string_view key,
                                                        std::span<const limit::limit_spec> limits) {
  // With no denial cached (every client within its limits) there is no key to build.
  if (denials_.empty()) return std::nullopt;
  cache_key_.clear();
  append_cache_key(cache_key_, key, limits);
  auto cached = denials_.find(cache_key_, std::chrono::steady_clock::now());
  if (cached) stats_->cache_hits.fetch_add(1, std::memory_order_relaxed);
  return cached;
}

void connection::submit(std::unique_ptr<pending_check> check) {
  auto* p = check.release();
  if (auto cached = cached_denial(p->key, p->limit_span())) {
    complete(p, {}, std::move(*cached));
    delete p;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  switch (state_) {
    case state::ready:
      p->deadline = now + settings_->timeout;
      watch_deadline(p);
      send(p);
      release(p);
      flush_if_batched(ac_, settings_->write_batch);
      return;
    case state::idle:
    case state::connecting:
      p->deadline = now + settings_->timeout;
      p->in_waiting = true;
      waiting_.push_back(p);
      watch_deadline(p);
      return;
    case state::backoff:
    case state::stopped:
      complete(p, errc::redis_unavailable);
      delete p;
      return;
  }
}

void connection::send(pending_check* p) {
  command_.clear();
  formatter_.append(command_, sha_, settings_->key_prefix, p->key, p->limit_span());
  p->sent_at = std::chrono::steady_clock::now();
  if (ac_ == nullptr || redisAsyncFormattedCommand(ac_, &connection::on_check_reply, p,
                                                   command_.data(), command_.size()) != REDIS_OK) {
    complete(p, errc::redis_unavailable);
    return;
  }
  p->in_hiredis = true;
  stats_->evalsha.fetch_add(1, std::memory_order_relaxed);
}

void connection::on_check_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* p = static_cast<pending_check*>(privdata);
  auto* self = static_cast<connection*>(ac->data);
  p->in_hiredis = false;
  self->handle_reply(p, static_cast<const redisReply*>(reply));
}

void connection::handle_reply(pending_check* p, const redisReply* r) {
  if (r != nullptr) last_reply_ = std::chrono::steady_clock::now();
  if (!p->done) {
    if (r == nullptr) {
      complete(p, errc::redis_unavailable);
    } else if (is_error(r)) {
      // After SCRIPT FLUSH or a Redis restart: load again and retry once. Both
      // go out pipelined in this order, so the EVALSHA finds the script.
      if (text(r).starts_with("NOSCRIPT") && !p->retried && state_ == state::ready) {
        p->retried = true;
        send_script_load();
        send(p);
      } else {
        spdlog::debug("redis: check failed: {}", text(r));
        complete(p, errc::script_error);
      }
    } else if (auto result = parse_check_reply(*r, p->limit_span()); !result) {
      complete(p, errc::script_error, {}, completion::from_reply);
    } else {
      if (!result->verdict.allowed && result->retry_after_us > 0) {
        // Expiry counts from the send time (before the decision): never late.
        // Reported durations count from now (after it): never early.
        std::string cache_key;
        append_cache_key(cache_key, p->key, p->limit_span());
        denials_.insert(std::move(cache_key), result->verdict, std::chrono::steady_clock::now(),
                        p->sent_at + std::chrono::microseconds(result->retry_after_us));
      }
      complete(p, {}, std::move(result->verdict), completion::from_reply);
    }
  }
  release(p);
  on_timer_front();
}

void connection::complete(pending_check* p, boost::system::error_code ec, limit::verdict v,
                          completion how) {
  p->done = true;
  auto handler = std::move(p->handler);
  if (destroying_) return;  // the executor is gone: drop the handler
  if (how == completion::from_reply) {
    // A reply callback runs long after the check's initiation, so running the
    // handler here is not "inline". On its own thread we do: a post would make it
    // wait behind everything queued on the io_context (at saturation a whole pass
    // over 64 connections' work, most of the decision's latency) and costs a
    // queue operation. hiredis allows new commands from inside a reply callback.
    const auto* io = plain_io_executor(net::get_associated_executor(handler));
    if (io != nullptr && io->running_in_this_thread()) {
      std::move(handler)(ec, std::move(v));
      return;
    }
  }
  net::post(ex_, net::append(std::move(handler), ec, std::move(v)));
}

void connection::release(pending_check* p) {
  if (!p->in_hiredis && !p->in_timeline && !p->in_waiting) delete p;
}

void connection::fail_waiting(boost::system::error_code ec) {
  auto waiting = std::exchange(waiting_, {});
  for (auto* p : waiting) {
    p->in_waiting = false;
    if (!p->done) complete(p, ec);
    release(p);
  }
}

// ---- timeouts ----------------------------------------------------------------
// Every check gets the same timeout and the timeline is in submit order, so the
// oldest entry always has the earliest deadline: one timer serves them all.

void connection::watch_deadline(pending_check* p) {
  p->in_timeline = true;
  timeline_.push_back(p);
  arm_timer();
}

void connection::arm_timer() {
  if (deadline_armed_ || timeline_.empty()) return;
  deadline_armed_ = true;
  deadline_timer_.expires_at(timeline_.front()->deadline);
  deadline_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->deadline_armed_ = false;
    if (!ec) self->on_timer();
  });
}

void connection::on_timer() {
  const auto now = std::chrono::steady_clock::now();
  bool stalled = false;
  while (!timeline_.empty()) {
    auto* p = timeline_.front();
    if (!p->done && p->deadline > now) break;
    timeline_.pop_front();
    p->in_timeline = false;
    // The late reply, if any, still arrives; handle_reply ignores it (done).
    if (!p->done) {
      complete(p, errc::redis_timeout);
      stalled = true;
    }
    release(p);
  }
  if (stalled && state_ == state::ready && ac_ != nullptr &&
      now - last_reply_ > settings_->stall_timeout) {
    drop_stalled();
  }
  arm_timer();
}

void connection::drop_stalled() {
  // Not inside a hiredis callback (a timer's handler), so the context can be freed at
  // once: in-flight checks complete (already timed out) and on_disconnect reconnects.
  spdlog::warn("redis: no reply for {} ms; dropping the connection",
               settings_->stall_timeout.count());
  redisAsyncFree(std::exchange(ac_, nullptr));
}

// ---- heartbeat -------------------------------------------------------------
// Checks timing out find a hung Redis under traffic. Without traffic nothing would, and
// /health and floodgate_redis_connected would say "up" for as long as it hangs: every
// stall_timeout, a ready connection that heard nothing since sends a PING, and one whose
// PING got no answer for a whole period is dropped (and reconnects). Under load every
// reply counts, so no PING is sent.

void connection::arm_heartbeat() {
  heartbeat_timer_.expires_after(settings_->stall_timeout);
  heartbeat_timer_.async_wait(
      [self = shared_from_this(), generation = generation_](boost::system::error_code ec) {
        if (ec || self->generation_ != generation || self->state_ != state::ready) return;
        self->on_heartbeat();
      });
}

void connection::on_heartbeat() {
  if (ac_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_reply_ < settings_->stall_timeout) {
    ping_outstanding_ = false;
  } else if (ping_outstanding_) {
    drop_stalled();
    return;
  } else {
    const std::array<std::string_view, 1> argv{"PING"};
    // Written by the flush the adapter posts for the end of this pass.
    if (command_argv(ac_, &connection::on_ping_reply, this, argv) == REDIS_OK)
      ping_outstanding_ = true;
  }
  arm_heartbeat();
}

void connection::on_ping_reply(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
  // NULL when the context is being freed: the connection may be going away too.
  if (reply == nullptr) return;
  auto* self = static_cast<connection*>(privdata);
  self->last_reply_ = std::chrono::steady_clock::now();
  self->ping_outstanding_ = false;
}

void connection::on_timer_front() {
  while (!timeline_.empty() && timeline_.front()->done) {
    auto* p = timeline_.front();
    timeline_.pop_front();
    p->in_timeline = false;
    release(p);
  }
}

}  // namespace floodgate::redis::detail
