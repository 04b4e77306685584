#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floodgate::test {

using header_pairs = std::vector<std::pair<std::string, std::string>>;

/// One parsed HTTP response.
struct http_response {
  unsigned status = 0;
  header_pairs headers;  // in order, names as sent
  std::string body;      // de-chunked
  bool chunked = false;  // the response used Transfer-Encoding: chunked
  bool keep_alive = true;

  /// The first header named `name` (case-insensitive); empty when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
  [[nodiscard]] bool has_header(std::string_view name) const;
};

/// A blocking client connection to 127.0.0.1:port for tests: raw bytes out,
/// whole responses in (parsed with Beast), keep-alive reuse, pipelining (send
/// several requests, then read the responses in order). Every read is bounded
/// by `timeout`. Not thread safe.
class http_connection {
 public:
  explicit http_connection(std::uint16_t port,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~http_connection();
  http_connection(http_connection&& o) noexcept;
  http_connection& operator=(http_connection&&) = delete;
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  /// Sends raw bytes (a request, part of one, several pipelined ones...).
  void send(std::string_view bytes);

  /// Reads one response. `head`: the request was HEAD (no body follows).
  /// nullopt when the peer closed or the timeout passed before a whole response.
  std::optional<http_response> read_response(bool head = false);

  /// Formats, sends and reads one request (adds Host and, with a body, Content-Length).
  std::optional<http_response> request(std::string_view method, std::string_view target,
                                       const header_pairs& headers = {},
                                       std::string_view body = {});

  /// True if the peer closes the connection (EOF or reset) within `wait`, with
  /// no response bytes first. Any bytes received are kept in `unread()`.
  bool wait_closed(std::chrono::milliseconds wait);

  /// Bytes received but not consumed by a response (e.g. after wait_closed).
  [[nodiscard]] const std::string& unread() const noexcept { return buffer_; }

  /// Half-closes the sending side (the peer reads EOF).
  void shutdown_send();

  [[nodiscard]] int native_handle() const noexcept { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

/// Formats a request: "METHOD target HTTP/1.1", Host: 127.0.0.1:<port> unless
/// given, the headers, Content-Length when `body` is not empty, the body.
[[nodiscard]] std::string format_request(std::string_view method, std::string_view target,
                                         std::uint16_t port, const header_pairs& headers = {},
                                         std::string_view body = {});

/// One GET on a fresh connection; nullopt when no whole response came back.
[[nodiscard]] std::optional<http_response> http_get(std::uint16_t port, std::string_view target,
                                                    const header_pairs& headers = {});

/// Lines "header <name>: <value>" of a backend_server /echo body, as (name, value).
[[nodiscard]] header_pairs echo_headers(std::string_view echo_body);

/// The value of an "<item> <value>" line of an /echo body ("method", "body_length"...).
[[nodiscard]] std::string echo_item(std::string_view echo_body, std::string_view item);

}  // namespace floodgate::test
