#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/container/small_vector.hpp>

namespace floodgate::proxy {

namespace beast_http = boost::beast::http;

/// Parses an upstream response (every head that parse_simple_response_head declines;
/// upstream_response picks) and writes the header that goes back downstream
/// while it parses: the status line (as HTTP/1.1, the upstream's reason kept) and
/// every field that travels, as text, into the caller's string. Beast's
/// response_parser would first build a field list (one allocated node per field)
/// that the proxy only reads once to write the same text; this was about a tenth
/// of the gateway's instructions per request.
///
/// Dropped: the hop-by-hop fields (Upgrade kept on a 101 answering a WebSocket
/// handshake) and every field named in Connection, wherever Connection comes
/// (fields before it are taken out again when the header ends). Transfer-Encoding
/// is collected instead of written: the proxy re-frames the body and writes it
/// itself (finish_downstream_response_head). A new parser per response,
/// interim 1xx responses included.
///
/// The body is delivered like Beast's buffer_body: into body().data, at most
/// body().size bytes per put(), need_buffer when that space is full.
class upstream_response_parser final : public beast_http::basic_parser<false> {
 public:
  /// `head` is cleared and receives the status line and fields; the upstream's
  /// rate-limit fields are left out when `drop_rate_limit_fields` (rate_limit_field()).
  upstream_response_parser(std::string& head, bool websocket_request,
                           bool drop_rate_limit_fields = false);

  /// The status code (valid once the header is done).
  [[nodiscard]] unsigned status() const noexcept { return status_; }

  /// Every Transfer-Encoding value of the response, in order, comma-separated.
  [[nodiscard]] std::string_view transfer_encoding() const noexcept { return transfer_encoding_; }

  /// Where the next body bytes go (the relay points it at its buffer).
  [[nodiscard]] beast_http::buffer_body::value_type& body() noexcept { return body_; }

 private:
  // One forwarded field line in head_: its offset and the length of its name.
  struct field_line {
    std::uint32_t offset;
    std::uint32_t name_size;
  };

  void on_request_impl(beast_http::verb, boost::beast::string_view, boost::beast::string_view, int,
                       boost::beast::error_code&) override {}
  void on_response_impl(int code, boost::beast::string_view reason, int version,
                        boost::beast::error_code& ec) override;
  void on_field_impl(beast_http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override;
  void on_header_impl(boost::beast::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&,
                         boost::beast::error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view,
                            boost::beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 boost::beast::error_code& ec) override;
  void on_finish_impl(boost::beast::error_code&) override {}

  // Takes out of head_ the field lines whose names Connection listed.
  void remove_connection_named_fields();

  std::string& head_;
  bool websocket_request_;
  bool drop_rate_limit_fields_;
  unsigned status_ = 0;
  std::string transfer_encoding_;
  std::string connection_;  // every Connection value, comma-separated
  boost::container::small_vector<field_line, 16> lines_;
  beast_http::buffer_body::value_type body_{};
};

}  // namespace floodgate::proxy
