#include "proxy/timed_stream.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace floodgate::net {

struct timed_stream::watch {
  explicit watch(const executor& ex) : timer(ex) {}

  boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>, executor> timer;
  clock::time_point deadline = clock::time_point::max();   // what the caller asked for
  clock::time_point armed_for = clock::time_point::max();  // when the pending wait ends (max: none)
  bool expired = false;          // the deadline passed: pending operations were cancelled
  tcp_socket* socket = nullptr;  // null once the stream is gone
};

namespace {

using watch_ptr = std::shared_ptr<timed_stream::watch>;

void arm(const watch_ptr& w, clock::time_point at);

void on_timer(const watch_ptr& w, const error_code& ec) {
  // Aborted: re-armed for another time, or the stream is gone.
  if (ec || w->socket == nullptr) return;
  w->armed_for = clock::time_point::max();
  if (w->deadline == clock::time_point::max()) return;
  if (clock::now() < w->deadline) {
    arm(w, w->deadline);  // the deadline moved later while we slept
    return;
  }
  w->expired = true;
  error_code ignored;
  w->socket->cancel(ignored);
}

void arm(const watch_ptr& w, clock::time_point at) {
  w->armed_for = at;
  w->timer.expires_at(at);  // aborts the wait in progress, if any
  w->timer.async_wait([w](const error_code& ec) { on_timer(w, ec); });
}

}  // namespace

timed_stream::timed_stream(const executor_type& ex)
    : watch_(std::make_shared<watch>(ex)), socket_(ex) {
  watch_->socket = &socket_;
}

timed_stream::timed_stream(socket_type socket)
    : watch_(std::make_shared<watch>(socket.get_executor())), socket_(std::move(socket)) {
  watch_->socket = &socket_;
}

timed_stream::~timed_stream() {
  watch_->socket = nullptr;
  watch_->timer.cancel();
}

void timed_stream::expires_at(clock::time_point t) {
  auto& w = *watch_;
  w.deadline = t;
  w.expired = false;
  // A later deadline waits for the pending wakeup to find it; only an earlier
  // one (or the first) costs a timer operation.
  if (t < w.armed_for) arm(watch_, t);
}

void timed_stream::guard_operation() {
  const auto& w = *watch_;
  if (w.armed_for == clock::time_point::max() && w.deadline != clock::time_point::max())
    arm(watch_, w.deadline);
}

void timed_stream::cancel() {
  error_code ignored;
  socket_.cancel(ignored);
}

std::size_t timed_stream::write_now(std::span<const boost::asio::const_buffer> buffers,
                                    error_code& ec) noexcept {
  ec = {};
  std::array<iovec, max_write_now_buffers> iov{};
  const auto count = std::min(buffers.size(), iov.size());
  for (std::size_t i = 0; i < count; ++i) {
    // sendmsg only reads through iov_base; the const_cast is its C signature's.
    iov[i] = iovec{const_cast<void*>(buffers[i].data()), buffers[i].size()};
  }
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = count;
  for (;;) {
    // MSG_NOSIGNAL: a peer that went away is an EPIPE error, as with Asio's own sends.
    const auto n = ::sendmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) ec.assign(errno, boost::system::system_category());
    return 0;
  }
}

bool timed_stream::expired(const watch& w) noexcept {
  return w.expired;
}

}  // namespace floodgate::net
