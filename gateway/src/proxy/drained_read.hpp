#pragma once

// A socket read that can tell the reactor "nothing more is due on this socket".
//
// Asio starts every socket read with a speculative recv(2) and waits for epoll only
// if that finds nothing. The read of an upstream response starts right after the
// request went out, when the response cannot be there yet: one recv(2) answering
// EAGAIN per proxied request (docs/performance.md, "Reads that find nothing").
//
// Asio has the mechanism to skip it: a read that reports `done_and_exhausted` makes
// the reactor queue the next read on that socket without trying it
// (epoll_reactor::start_op) until epoll reports the socket readable again
// (descriptor_state::perform_io). Boost 1.81 reports it only for a read of 0 bytes.
//
// NGINX reports it for every read shorter than its buffer, but it may: it registers
// EPOLLRDHUP and so learns of a FIN that arrived together with the last bytes. Asio
// registers no EPOLLRDHUP, so after such a read a close-delimited body, a truncated
// one, or a half-closed client's next request would wait for an edge that never
// comes (tried in 627e184, reverted; pinned by the tests
// timed_stream.close_right_after_the_last_bytes_is_seen_at_once and
// forwarding.half_closed_client_gets_its_response_and_the_close).
//
// So here the reader says when a short read may count as drained: `finished` sees
// the bytes that arrived and answers whether they are the whole of what the peer
// owes before it is sent something new. For an upstream connection that is a whole
// response of known length: the next read on that socket follows the next request,
// and a FIN that came with the response only ends a connection the pool will either
// probe (MSG_PEEK, unaffected by this) or find reset when it writes to it (an edge;
// the request is replayed as on any stale connection). Data that arrives later
// always raises a new edge: the reactor registers each socket edge-triggered once.

#include <cstddef>
#include <string_view>

#include <boost/asio/buffer.hpp>
// socket_base first: the detail headers use it without including it.
#include <boost/asio/socket_base.hpp>

#include <boost/asio/detail/reactive_socket_recv_op.hpp>
#include <boost/asio/detail/socket_ops.hpp>
#include <boost/version.hpp>

namespace floodgate::net {

/// One buffer for a socket read. When the read returns fewer bytes than the buffer
/// holds and `finished(context, bytes)` is true, the socket counts as drained: the
/// next read on it waits for epoll instead of trying recv(2) first. `finished` runs
/// inside the reactor, on the io_context's thread, before the read's handler.
class drained_read_buffer : public boost::asio::mutable_buffer {
 public:
  using finished_fn = bool (*)(void* context, std::string_view arrived);

  drained_read_buffer(const boost::asio::mutable_buffer& b, finished_fn check,
                      void* context) noexcept
      : boost::asio::mutable_buffer(b), finished_(check), context_(context) {}

  [[nodiscard]] bool finished(std::size_t arrived) const {
    return finished_(context_, std::string_view(static_cast<const char*>(data()), arrived));
  }

 private:
  finished_fn finished_;
  void* context_;
};

}  // namespace floodgate::net

namespace boost::asio::detail {

// Boost 1.81's reactive_socket_recv_op_base for one buffer, with the reader's rule.
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
    if (!stream) return done;
    // Boost's own rule: end of stream (and errors, which read 0 bytes).
    if (o->bytes_transferred_ == 0) return done_and_exhausted;
    if (o->bytes_transferred_ < o->buffer_.size() && o->buffer_.finished(o->bytes_transferred_))
      return done_and_exhausted;
    return done;
  }

 private:
  socket_type socket_;
  socket_ops::state_type state_;
  floodgate::net::drained_read_buffer buffer_;
  socket_base::message_flags flags_;
};

}  // namespace boost::asio::detail
