#include "proxy/drained_read.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

#include <boost/asio/error.hpp>

namespace floodgate::net {

bool enable_drain_reports(int socket) noexcept {
  const int on = 1;
  return ::setsockopt(socket, IPPROTO_TCP, TCP_INQ, &on, sizeof on) == 0;
}

namespace {

// The TCP_CM_INQ control message of a read: the bytes still queued behind it, a
// pending FIN counted as one. -1 when there is none (TCP_INQ not set).
int bytes_left(msghdr& msg) noexcept {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_TCP && c->cmsg_type == TCP_CM_INQ) {
      int left = 0;
      std::memcpy(&left, CMSG_DATA(c), sizeof left);
      return left;
    }
  }
  return -1;
}

}  // namespace

read_outcome receive_reporting_drain(int socket, void* data, std::size_t size, int flags,
                                     boost::system::error_code& ec,
                                     std::size_t& bytes_transferred) noexcept {
  for (;;) {
    iovec iov{data, size};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const auto n = ::recvmsg(socket, &msg, flags);
    if (n > 0) {
      ec = {};
      bytes_transferred = static_cast<std::size_t>(n);
      return bytes_left(msg) == 0 ? read_outcome::done_and_drained : read_outcome::done;
    }
    bytes_transferred = 0;
    if (n == 0) {
      ec = boost::asio::error::eof;
      return read_outcome::done;
    }
    if (errno == EINTR) continue;
    ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
    if (errno == EAGAIN || errno == EWOULDBLOCK) return read_outcome::would_block;
    return read_outcome::done;
  }
}

}  // namespace floodgate::net
