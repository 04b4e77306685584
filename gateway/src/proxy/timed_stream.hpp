#pragma once

// net::tcp_stream: a TCP socket whose operations time out, with one lazily re-armed
// timer per connection instead of a timer operation per I/O operation.
//
// beast::basic_stream starts a timer wait with every read and write and cancels it
// when the operation completes: two extra completions through the scheduler, a
// timer-queue insert and removal, and often a timerfd_settime, for each of the four
// or so socket operations of a proxied request (about a tenth of its instructions,
// docs/performance.md). Here, as in NGINX's per-connection timers, setting a
// deadline is a store; the one timer wakes up when the earliest deadline it knows
// of passes, and only then either times the operation out or sleeps again until
// the deadline now in force. A deadline that moves earlier re-arms the timer.

#include <chrono>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "proxy/async.hpp"
#include "proxy/drained_read.hpp"

namespace floodgate::net {

/// A TCP socket with beast::basic_stream's timeout contract: after
/// `expires_at(t)`, an operation still pending at `t` is cancelled and
/// completes with beast::error::timeout. It is an AsyncReadStream and
/// AsyncWriteStream (Beast's HTTP algorithms run on it). The stream must
/// outlive its operations. Not thread safe (one io_context thread).
class timed_stream {
 public:
  using executor_type = executor;
  using socket_type = tcp_socket;

  explicit timed_stream(const executor_type& ex);
  explicit timed_stream(socket_type socket);
  ~timed_stream();
  timed_stream(const timed_stream&) = delete;
  timed_stream& operator=(const timed_stream&) = delete;

  [[nodiscard]] executor_type get_executor() noexcept { return socket_.get_executor(); }
  [[nodiscard]] socket_type& socket() noexcept { return socket_; }

  /// Operations pending at `t` time out.
  void expires_at(clock::time_point t);
  void expires_after(clock::duration d) { expires_at(clock::now() + d); }
  /// No time limit (idle pooled connections, tunnels).
  void expires_never() { expires_at(clock::time_point::max()); }
  /// Cancels the pending operations (they complete with operation_aborted).
  void cancel();

  /// A read into one buffer goes through drained_read_buffer: once the kernel says
  /// the socket is drained, the next read waits for epoll instead of trying recv(2)
  /// first (drained_read.hpp; needs enable_drain_reports() on the socket).
  template <typename MutableBufferSequence, typename Token = token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& t = {}) {
    return start<void(error_code, std::size_t)>(t, [this, buffers](auto h) {
      if constexpr (std::is_convertible_v<const MutableBufferSequence&,
                                          boost::asio::mutable_buffer>) {
        socket_.async_read_some(drained_read_buffer{buffers}, std::move(h));
      } else {
        socket_.async_read_some(buffers, std::move(h));
      }
    });
  }

  template <typename ConstBufferSequence, typename Token = token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& t = {}) {
    return start<void(error_code, std::size_t)>(
        t, [this, buffers](auto h) { socket_.async_write_some(buffers, std::move(h)); });
  }

  /// Writes what the socket takes of `buffers` now, without waiting: one
  /// sendmsg(MSG_DONTWAIT) of at most max_write_now_buffers buffers. Returns the bytes
  /// written (0 when the socket is full, which is not an error). For write_all().
  std::size_t write_now(std::span<const boost::asio::const_buffer> buffers,
                        error_code& ec) noexcept;
  static constexpr std::size_t max_write_now_buffers = 8;

  /// Connects to the first endpoint of `endpoints` that accepts (asio::async_connect).
  template <typename EndpointSequence, typename Token = token>
  auto async_connect(const EndpointSequence& endpoints, Token&& t = {}) {
    return start<void(error_code, tcp::endpoint)>(t, [this, endpoints](auto h) {
      // An explicit condition: the handler alone would be taken for one.
      boost::asio::async_connect(
          socket_, endpoints, [](const error_code&, const tcp::endpoint&) { return true; },
          std::move(h));
    });
  }

  /// The deadline and the timer that enforces it, shared with the timer's wait
  /// (which may complete after the stream is gone).
  struct watch;

  /// Completes an operation: operation_aborted caused by the deadline becomes
  /// beast::error::timeout. Keeps every association of the wrapped handler.
  template <typename Handler>
  struct timeout_mapping {
    Handler handler;
    std::shared_ptr<watch> w;

    template <typename... Args>
    void operator()(error_code ec, Args&&... args) {
      if (ec == boost::asio::error::operation_aborted && expired(*w))
        ec = boost::beast::error::timeout;
      w.reset();
      std::move(handler)(ec, std::forward<Args>(args)...);
    }
  };

 private:
  [[nodiscard]] static bool expired(const watch& w) noexcept;

  // Runs `operation(handler)` on the socket, the caller's handler wrapped so that
  // the deadline's cancellation reads as a timeout.
  template <typename Signature, typename Token, typename Operation>
  auto start(Token& t, Operation operation) {
    return boost::asio::async_initiate<Token, Signature>(
        [this, operation](auto handler) mutable {
          guard_operation();
          operation(timeout_mapping<decltype(handler)>{std::move(handler), watch_});
        },
        t);
  }

  // A deadline that passed while no operation was pending left the timer idle:
  // wake it for this operation (at once if the deadline is already past).
  void guard_operation();

  std::shared_ptr<watch> watch_;
  socket_type socket_;
};

using tcp_stream = timed_stream;

}  // namespace floodgate::net

template <template <typename, typename> class Associator, typename Handler,
          typename DefaultCandidate>
struct boost::asio::associator<Associator, floodgate::net::timed_stream::timeout_mapping<Handler>,
                               DefaultCandidate> : Associator<Handler, DefaultCandidate> {
  static typename Associator<Handler, DefaultCandidate>::type get(
      const floodgate::net::timed_stream::timeout_mapping<Handler>& h) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler);
  }
  static auto get(const floodgate::net::timed_stream::timeout_mapping<Handler>& h,
                  const DefaultCandidate& c) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
    return Associator<Handler, DefaultCandidate>::get(h.handler, c);
  }
};
