#include "http_client.hpp"

#include <cerrno>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace floodgate::test {

namespace http = boost::beast::http;

std::string http_response::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (boost::beast::iequals(n, name)) return v;
  return {};
}

bool http_response::has_header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (boost::beast::iequals(n, name)) return true;
  return false;
}

http_connection::http_connection(std::uint16_t port, std::chrono::milliseconds timeout)
    : port_(port), timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("http_connection: cannot connect to 127.0.0.1:" +
                             std::to_string(port));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

http_connection::~http_connection() {
  if (fd_ >= 0) ::close(fd_);
}

http_connection::http_connection(http_connection&& o) noexcept
    : fd_(o.fd_), port_(o.port_), timeout_(o.timeout_), buffer_(std::move(o.buffer_)) {
  o.fd_ = -1;
}

void http_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("http_connection: send failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void http_connection::shutdown_send() {
  ::shutdown(fd_, SHUT_WR);
}

bool http_connection::fill(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[64 * 1024];
  const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<http_response> http_connection::read_response(bool head) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(1024 * 1024);
  parser.eager(true);
  if (head) parser.skip(true);
  bool eof = false;
  for (;;) {
    boost::system::error_code ec;
    if (!buffer_.empty()) {
      const auto n = parser.put(boost::asio::buffer(buffer_), ec);
      buffer_.erase(0, n);
      if (parser.is_done()) break;
      if (ec && ec != http::error::need_more) return std::nullopt;
      if (!ec && n > 0) continue;
    }
    if (eof) {
      // A body delimited by the connection closing.
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return std::nullopt;
      break;
    }
    if (!fill(deadline)) {
      if (std::chrono::steady_clock::now() >= deadline || !parser.is_header_done())
        return std::nullopt;
      eof = true;
    }
  }
  http_response r;
  const auto& msg = parser.get();
  r.status = msg.result_int();
  for (const auto& f : msg) r.headers.emplace_back(f.name_string(), f.value());
  r.body = msg.body();
  r.chunked = parser.chunked();
  r.keep_alive = parser.keep_alive();
  return r;
}

std::optional<http_response> http_connection::request(std::string_view method,
                                                      std::string_view target,
                                                      const header_pairs& headers,
                                                      std::string_view body) {
  send(format_request(method, target, port_, headers, body));
  return read_response(method == "HEAD");
}

bool http_connection::wait_closed(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[4096];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return buffer_.empty();
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::string format_request(std::string_view method, std::string_view target, std::uint16_t port,
                           const header_pairs& headers, std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  bool has_host = false;
  bool has_length = false;
  for (const auto& [n, v] : headers) {
    has_host = has_host || boost::beast::iequals(n, "host");
    has_length = has_length || boost::beast::iequals(n, "content-length") ||
                 boost::beast::iequals(n, "transfer-encoding");
  }
  if (!has_host) out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto& [n, v] : headers) out += n + ": " + v + "\r\n";
  if (!body.empty() && !has_length)
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out.append(body);
  return out;
}

std::optional<http_response> http_get(std::uint16_t port, std::string_view target,
                                      const header_pairs& headers) {
  http_connection c(port);
  return c.request("GET", target, headers);
}

header_pairs echo_headers(std::string_view echo_body) {
  header_pairs out;
  std::size_t pos = 0;
  while (pos < echo_body.size()) {
    auto end = echo_body.find('\n', pos);
    if (end == std::string_view::npos) end = echo_body.size();
    const auto line = echo_body.substr(pos, end - pos);
    if (line.starts_with("header ")) {
      const auto rest = line.substr(7);
      const auto colon = rest.find(": ");
      if (colon != std::string_view::npos)
        out.emplace_back(std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 2)));
    }
    pos = end + 1;
  }
  return out;
}

std::string echo_item(std::string_view echo_body, std::string_view item) {
  std::size_t pos = 0;
  while (pos < echo_body.size()) {
    auto end = echo_body.find('\n', pos);
    if (end == std::string_view::npos) end = echo_body.size();
    const auto line = echo_body.substr(pos, end - pos);
    if (line.size() > item.size() && line.starts_with(item) && line[item.size()] == ' ')
      return std::string(line.substr(item.size() + 1));
    pos = end + 1;
  }
  return {};
}

}  // namespace floodgate::test
