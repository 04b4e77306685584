// The repair of a status line that ends at its code (proxy/status_line.hpp).

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "proxy/status_line.hpp"

namespace floodgate::proxy {
namespace {

std::string repaired(std::string_view bytes) {
  boost::beast::flat_buffer b;
  b.commit(boost::asio::buffer_copy(b.prepare(bytes.size()), boost::asio::buffer(bytes)));
  add_missing_reason_separator(b);
  return boost::beast::buffers_to_string(b.data());
}

TEST(status_line, a_line_ending_at_its_code_gets_an_empty_reason) {
  EXPECT_EQ(repaired("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"),
            "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(repaired("HTTP/1.0 404\r\n"), "HTTP/1.0 404 \r\n");
}

TEST(status_line, every_other_line_is_left_alone) {
  for (std::string_view s :
       {"HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 \r\n", "HTTP/1.1 200\n", "HTTP/1.1 20\r\n\r\n",
        "HTTP/1.1 2000\r\n", "HTTP/11 200\r\n\r\n", "http/1.1 200\r\n", "HTTP/1.1  200\r\n",
        "HTTP/1.1 200", "", "garbage that is long enough"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(repaired(s), s);
  }
}

TEST(status_line, needs_the_prefix_to_tell) {
  EXPECT_FALSE(status_line_lacks_reason("HTTP/1.1 200"));
  EXPECT_TRUE(status_line_lacks_reason("HTTP/1.1 200\r"));
  EXPECT_EQ(std::string_view("HTTP/1.1 200\r").size(), status_line_prefix_bytes);
}

}  // namespace
}  // namespace floodgate::proxy
