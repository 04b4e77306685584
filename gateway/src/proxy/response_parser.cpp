#include "proxy/response_parser.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>

#include "proxy/header_block.hpp"
#include "proxy/hop_by_hop.hpp"

namespace floodgate::proxy {

namespace {

using beast_http::field;

std::string_view view(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

// Appends `value` to a comma-separated list.
void append_to_list(std::string& list, std::string_view value) {
  if (!list.empty()) list += ", ";
  list += value;
}

}  // namespace

upstream_response_parser::upstream_response_parser(std::string& head, bool websocket_request,
                                                   bool drop_rate_limit_fields)
    : head_(head),
      websocket_request_(websocket_request),
      drop_rate_limit_fields_(drop_rate_limit_fields) {
  head_.clear();
}

void upstream_response_parser::on_response_impl(int code, boost::beast::string_view reason,
                                                int /*version*/, boost::beast::error_code&) {
  status_ = static_cast<unsigned>(code);
  std::array<char, 8> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), code).ptr;
  if (reason.empty()) reason = beast_http::obsolete_reason(beast_http::int_to_status(status_));
  head_.append("HTTP/1.1 ").append(digits.data(), end).append(" ");
  head_.append(reason.data(), reason.size()).append("\r\n");
}

void upstream_response_parser::on_field_impl(field name, boost::beast::string_view name_string,
                                             boost::beast::string_view value,
                                             boost::beast::error_code&) {
  if (name == field::transfer_encoding) {
    append_to_list(transfer_encoding_, view(value));
    return;
  }
  if (name == field::connection) {
    append_to_list(connection_, view(value));
    return;
  }
  // Upgrade travels only on the 101 that completes a WebSocket handshake (the
  // writer adds Connection: Upgrade itself).
  const bool kept_upgrade = name == field::upgrade && websocket_request_ && status_ == 101;
  if (hop_by_hop(name) && !kept_upgrade) return;
  if (drop_rate_limit_fields_ && rate_limit_field(view(name_string))) return;
  lines_.push_back(
      {static_cast<std::uint32_t>(head_.size()), static_cast<std::uint32_t>(name_string.size())});
  append_header_line(head_, view(name_string), view(value));
}

void upstream_response_parser::on_header_impl(boost::beast::error_code&) {
  if (!connection_.empty()) remove_connection_named_fields();
}

void upstream_response_parser::remove_connection_named_fields() {
  boost::container::small_vector<std::string_view, 8> named;
  for (auto token : beast_http::token_list{connection_}) {
    if (connection_removes(view(token))) named.push_back(view(token));
  }
  if (named.empty()) return;
  // Compact head_ in place: each kept line moves down over the removed ones.
  std::size_t write = lines_.empty() ? head_.size() : lines_.front().offset;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    const auto begin = lines_[i].offset;
    const auto end = i + 1 < lines_.size() ? lines_[i + 1].offset : head_.size();
    const std::string_view name{head_.data() + begin, lines_[i].name_size};
    const bool removed = std::any_of(named.begin(), named.end(), [&](std::string_view n) {
      return boost::beast::iequals(n, name);
    });
    if (removed) continue;
    std::memmove(head_.data() + write, head_.data() + begin, end - begin);
    write += end - begin;
  }
  head_.resize(write);
  lines_.clear();  // offsets are stale now; nothing reads them after the header
}

std::size_t upstream_response_parser::on_body_impl(boost::beast::string_view body,
                                                   boost::beast::error_code& ec) {
  // buffer_body's contract: no buffer, or a full one, asks the caller for space.
  if (body_.data == nullptr) {
    ec = beast_http::error::need_buffer;
    return 0;
  }
  const auto n = std::min<std::size_t>(body.size(), body_.size);
  std::memcpy(body_.data, body.data(), n);
  body_.data = static_cast<char*>(body_.data) + n;
  body_.size -= n;
  if (n < body.size()) ec = beast_http::error::need_buffer;
  return n;
}

std::size_t upstream_response_parser::on_chunk_body_impl(std::uint64_t,
                                                         boost::beast::string_view body,
                                                         boost::beast::error_code& ec) {
  return on_body_impl(body, ec);
}

}  // namespace floodgate::proxy
