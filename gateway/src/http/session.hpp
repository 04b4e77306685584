#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "http/request_handler.hpp"
#include "http/request_reader.hpp"
#include "proxy/async.hpp"

namespace floodgate::http {

class worker;

/// One downstream HTTP/1.1 connection: reads requests one after the other
/// (pipelined requests wait in the read buffer, so responses keep their order),
/// asks the request_handler for a plan, answers locally or forwards upstream.
/// Lives on its worker's io_context only (one thread): not thread safe.
class session : public std::enable_shared_from_this<session> {
 public:
  session(std::shared_ptr<worker> owner, net::tcp_socket socket, std::uint64_t id);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Starts the session coroutine on the worker's io_context.
  void start();

  /// Drain: finish the exchange in flight with `Connection: close`; an idle
  /// keep-alive connection closes now. Call on the session's io_context.
  void drain();

  /// Cancels whatever the session awaits (client or upstream) and closes the
  /// client connection. Call on the session's io_context.
  void close();

  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }

 private:
  net::awaitable<void> run();
  /// One request read into `parser`, answered; false when the connection must close.
  net::awaitable<bool> serve_one(request_parser& parser, bool first);
  net::awaitable<void> linger();
  net::awaitable<bool> answer_local(request_parser& p, plan& pl, bool keep_alive);
  net::awaitable<bool> answer_error(const net::error_code& ec,
                                    const beast_http::request_header<>& req, bool keep_alive);
  net::awaitable<bool> write_response(beast_http::response<beast_http::string_body>& res,
                                      bool head);
  [[nodiscard]] std::span<char> chunk();

  std::shared_ptr<worker> owner_;
  std::list<session*>::iterator registration_;
  net::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::vector<char> chunk_;   // relay buffer, allocated on first use
  std::string request_head_;  // forwarded headers as text; capacity kept across requests
  std::string response_head_;
  boost::asio::ip::address peer_;
  std::string peer_text_;
  boost::asio::cancellation_signal cancel_;
  std::chrono::milliseconds io_timeout_{60000};
  std::size_t max_framing_bytes_ = 64 * 1024;  // chunk lines and trailers (max_header_bytes)
  std::uint64_t id_;
  bool idle_ = false;      // waiting for the first byte of the next request
  bool draining_ = false;  // answer with Connection: close, then close
};

}  // namespace floodgate::http
