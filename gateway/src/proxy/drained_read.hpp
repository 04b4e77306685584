#pragma once

// Socket reads that know when the socket is drained, as NGINX's do.
//
// Asio starts every socket read with a speculative recv(2) and waits for epoll only
// if that finds nothing. A proxy's reads mostly find nothing: the client's next
// request is read for right after its response went out, the upstream's response
// right after its request went out. So each proxied request paid two recv(2) calls
// answering EAGAIN (docs/performance.md, "Reads that find nothing").
//
// Asio has the mechanism to skip them: a read that reports `done_and_exhausted`
// makes the reactor queue the next read on that socket without trying it
// (epoll_reactor::start_op) until epoll reports the socket readable again
// (descriptor_state::perform_io); data that arrives later always raises a new edge,
// since the reactor registers each socket edge-triggered once. Boost 1.81 reports it
// only for a read of 0 bytes.
//
// "Less than the buffer was read" is not enough to report it (627e184, reverted): the
// read that returns the peer's last bytes can also take its FIN's only edge, and the
// next read would then wait for an edge that never comes (a close-delimited body, a
// client that half-closes after its request; pinned by the tests
// timed_stream.close_right_after_the_last_bytes_is_seen_at_once and
// forwarding.half_closed_client_gets_its_response_and_the_close). NGINX learns of
// that FIN from EPOLLRDHUP, which Asio does not register. The kernel also tells it
// with each read when asked: with TCP_INQ set, recvmsg(2) returns the bytes still
// queued as a control message, and a pending FIN counts as one (tcp_inq_hint).
// So a read into a `drained_read_buffer` is one recvmsg(2), and it reports the
// socket drained exactly when the kernel says nothing is left, not even a FIN: no
// extra system call, and no guess. On a socket without TCP_INQ the control message
// is absent and the read behaves as Boost's own.

#include <cstddef>

#include <boost/asio/buffer.hpp>
// socket_base first: the detail headers use it without including it.
#include <boost/asio/socket_base.hpp>

#include <boost/asio/detail/reactive_socket_recv_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/version.hpp>

namespace floodgate::net {

/// One buffer for a socket read that tells the reactor when the socket is drained
/// (see above). timed_stream reads every single buffer through it.
class drained_read_buffer : public boost::asio::mutable_buffer {
 public:
  explicit drained_read_buffer(const boost::asio::mutable_buffer& b) noexcept
      : boost::asio::mutable_buffer(b) {}
};

/// Asks the kernel to report with each read what is left on the socket (TCP_INQ), so
/// that its reads through drained_read_buffer can tell a drained socket. False
/// where the kernel does not offer it (reads then behave as Boost's own).
bool enable_drain_reports(int socket) noexcept;

enum class read_outcome { would_block, done, done_and_drained };

/// One recvmsg(2) into `data` as Asio's non_blocking_recv1 does it (EINTR retried,
/// 0 bytes of a stream = end of stream, errors in `ec`), and whether the kernel
/// reported nothing left behind the bytes read.
read_outcome receive_reporting_drain(int socket, void* data, std::size_t size, int flags,
                                     boost::system::error_code& ec,
                                     std::size_t& bytes_transferred) noexcept;

}  // namespace floodgate::net

namespace boost::asio::detail {

// Boost 1.81's reactive_socket_recv_op_base for one buffer, reading with
// receive_reporting_drain. It mirrors that version's primary template (members,
// constructor, do_perform): a new Boost must be checked against it before this
// assertion is moved.
static_assert(BOOST_VERSION / 100 == 1081, "drained_read.hpp mirrors Boost 1.81's Asio internals");

template <>
class reactive_socket_recv_op_base<floodgate::net::drained_read_buffer> : public reactor_op {
 public:
  reactive_socket_recv_op_base(const boost::system::error_code& success_ec, socket_type socket,
                               socket_ops::state_type state,
                               const floodgate::net::drained_read_buffer& buffer,
                               socket_base::message_flags flags, func_type complete_func)
      : reactor_op(success_ec, &reactive_socket_recv_op_base::do_perform, complete_func),
        socket_(socket),
        state_(state),
        buffer_(buffer),
        flags_(flags) {}

  static status do_perform(reactor_op* base) {
    using floodgate::net::read_outcome;
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    if ((o->state_ & socket_ops::stream_oriented) == 0) {  // not TCP: Boost's own read
      return socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(),
                                            o->flags_, false, o->ec_, o->bytes_transferred_)
                 ? done
                 : not_done;
    }
    switch (floodgate::net::receive_reporting_drain(o->socket_, o->buffer_.data(),
                                                    o->buffer_.size(), o->flags_, o->ec_,
                                                    o->bytes_transferred_)) {
      case read_outcome::would_block:
        return not_done;
      case read_outcome::done_and_drained:
        return done_and_exhausted;
      case read_outcome::done:
        break;
    }
    // Boost's own rule: end of stream (and errors, which read 0 bytes).
    return o->bytes_transferred_ == 0 ? done_and_exhausted : done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  floodgate::net::drained_read_buffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
