#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>

#include "proxy/response_parser.hpp"
#include "proxy/simple_response_head.hpp"

namespace floodgate::proxy {

/// The upstream's response as forward() and the relay read it. A head of the common
/// form (parse_simple_response_head) is parsed here and its Content-Length body
/// counted off; every other head, and whatever parse_simple() declines, goes to
/// upstream_response_parser (Beast) with all of Beast's checks. The queries and the
/// body interface (put, body() with buffer_body's contract) are the same either way.
class upstream_response {
 public:
  /// `head` receives the downstream status line and fields (see
  /// upstream_response_parser). `head_request`: the response has no body.
  /// `drop_rate_limit_fields`: the gateway sends its own (rate_limit_field()).
  upstream_response(std::string& head, bool websocket_request, bool head_request,
                    std::uint32_t header_limit, bool drop_rate_limit_fields = false);

  /// Parses the head at the start of `buffered` when it is complete and of the
  /// common form; returns the bytes it used, 0 when the head is left to parser().
  std::size_t parse_simple(std::string_view buffered);

  /// Beast's parser for this response, made on first use (the head written by a
  /// declined parse_simple() is cleared).
  upstream_response_parser& parser();

  [[nodiscard]] unsigned status() const noexcept;
  [[nodiscard]] bool is_done() const noexcept;
  [[nodiscard]] bool chunked() const noexcept;
  [[nodiscard]] bool has_content_length() const noexcept;
  [[nodiscard]] bool keep_alive() const noexcept;
  [[nodiscard]] bool need_eof() const noexcept;
  /// Every Transfer-Encoding value (none on the simple path).
  [[nodiscard]] std::string_view transfer_encoding() const noexcept;

  /// Body bytes from `buffer` into body() (buffer_body's contract); returns the bytes used.
  std::size_t put(boost::asio::const_buffer buffer, boost::beast::error_code& ec);
  void put_eof(boost::beast::error_code& ec);
  [[nodiscard]] beast_http::buffer_body::value_type& body() noexcept;

 private:
  std::string& head_;
  bool websocket_request_;
  bool head_request_;
  std::uint32_t header_limit_;
  bool drop_rate_limit_fields_;
  std::optional<upstream_response_parser> parser_;
  simple_response_head simple_;
  std::uint64_t remaining_ = 0;  // body bytes still to come on the simple path
  beast_http::buffer_body::value_type body_{};
};

}  // namespace floodgate::proxy
