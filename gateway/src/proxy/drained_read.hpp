#pragma once

// Reads that remember a drained socket, as NGINX's do.
//
// Asio starts every socket read with a speculative recv(2) and waits for epoll only
// if that finds nothing. A proxy's reads mostly find nothing: the next request on a
// keep-alive connection is read for right after the response went out, the upstream
// response right after the request went out. So each request paid two recv(2) calls
// answering EAGAIN (docs/performance.md, "Reads that find nothing"). NGINX knows
// better: a read that returned less than it asked for emptied the socket, so it
// clears the event's `ready` flag and waits for the next edge of its edge-triggered
// epoll before reading again.
//
// Asio has the same mechanism: a read that reports `done_and_exhausted` makes the
// reactor queue the next read without trying it (epoll_reactor::start_op) until
// epoll reports the socket readable again (descriptor_state::perform_io). Boost 1.81
// reports it only for a read of 0 bytes. A read into a `drained_read_buffer` also
// reports it for a short read. That is safe because the reactor registers every
// socket edge-triggered for input once and for all: data that arrives after a short
// read raises an edge, which either runs the queued read or, if none is queued yet,
// lets the next read try at once.

#include <cstddef>

#include <boost/asio/buffer.hpp>
#include <boost/asio/detail/reactive_socket_recv_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/version.hpp>

namespace floodgate::net {

/// One buffer for a socket read; a read that fills less of it than its size tells
/// the reactor the socket is drained (see above). Used by timed_stream for every
/// single-buffer read.
class drained_read_buffer : public boost::asio::mutable_buffer {
 public:
  explicit drained_read_buffer(const boost::asio::mutable_buffer& b) noexcept
      : boost::asio::mutable_buffer(b) {}
};

}  // namespace floodgate::net

namespace boost::asio::detail {

// Boost 1.81's reactive_socket_recv_op_base for one buffer, with the short-read rule.
// It mirrors that version's primary template (members, constructor, do_perform): a
// new Boost must be checked against it before this assertion is moved.
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
    auto* o = static_cast<reactive_socket_recv_op_base*>(base);
    const bool stream = (o->state_ & socket_ops::stream_oriented) != 0;
    if (!socket_ops::non_blocking_recv1(o->socket_, o->buffer_.data(), o->buffer_.size(), o->flags_,
                                        stream, o->ec_, o->bytes_transferred_))
      return not_done;  // EAGAIN: the reactor waits for the socket
    // Less than asked for (end of stream and errors included, as in Boost's own
    // rule for 0 bytes): the kernel's queue is empty now.
    if (stream && o->bytes_transferred_ < o->buffer_.size()) return done_and_exhausted;
    return done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  floodgate::net::drained_read_buffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
