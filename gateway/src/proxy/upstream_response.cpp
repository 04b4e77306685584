#include "proxy/upstream_response.hpp"

#include <algorithm>
#include <cstring>

#include <boost/beast/http/error.hpp>

namespace floodgate::proxy {

upstream_response::upstream_response(std::string& head, bool websocket_request, bool head_request,
                                     std::uint32_t header_limit, bool drop_rate_limit_fields)
    : head_(head),
      websocket_request_(websocket_request),
      head_request_(head_request),
      header_limit_(header_limit),
      drop_rate_limit_fields_(drop_rate_limit_fields) {}

std::size_t upstream_response::parse_simple(std::string_view buffered) {
  auto r = parse_simple_response_head(buffered, head_, drop_rate_limit_fields_);
  if (!r) return 0;
  simple_ = *r;
  remaining_ = head_request_ ? 0 : r->content_length;
  return r->size;
}

upstream_response_parser& upstream_response::parser() {
  if (!parser_) {
    parser_.emplace(head_, websocket_request_, drop_rate_limit_fields_);  // clears head_
    parser_->body_limit(boost::none);  // the upstream is trusted with its own sizes
    parser_->header_limit(header_limit_);
    if (head_request_) parser_->skip(true);
  }
  return *parser_;
}

unsigned upstream_response::status() const noexcept {
  return parser_ ? parser_->status() : simple_.status;
}

bool upstream_response::is_done() const noexcept {
  return parser_ ? parser_->is_done() : remaining_ == 0;
}

bool upstream_response::chunked() const noexcept {
  return parser_ && parser_->chunked();
}

bool upstream_response::has_content_length() const noexcept {
  return parser_ ? parser_->content_length().has_value() : true;
}

bool upstream_response::keep_alive() const noexcept {
  return parser_ ? parser_->keep_alive() : simple_.keep_alive;
}

bool upstream_response::need_eof() const noexcept {
  return parser_ && parser_->need_eof();
}

std::string_view upstream_response::transfer_encoding() const noexcept {
  return parser_ ? parser_->transfer_encoding() : std::string_view{};
}

std::size_t upstream_response::put(boost::asio::const_buffer buffer, boost::beast::error_code& ec) {
  if (parser_) return parser_->put(buffer, ec);
  ec = {};
  const auto n =
      static_cast<std::size_t>(std::min<std::uint64_t>({buffer.size(), remaining_, body_.size}));
  if (n == 0) return 0;
  std::memcpy(body_.data, buffer.data(), n);
  body_.data = static_cast<char*>(body_.data) + n;
  body_.size -= n;
  remaining_ -= n;
  return n;
}

void upstream_response::put_eof(boost::beast::error_code& ec) {
  if (parser_) return parser_->put_eof(ec);
  // A Content-Length body is never ended by the connection closing.
  ec = remaining_ == 0 ? boost::beast::error_code{}
                       : boost::beast::error_code{beast_http::error::partial_message};
}

beast_http::buffer_body::value_type& upstream_response::body() noexcept {
  return parser_ ? parser_->body() : body_;
}

}  // namespace floodgate::proxy
