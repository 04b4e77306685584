#include "gateway_fixture.hpp"

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace floodgate::e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

std::string reply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool reply::has(const std::string& lower_name) const {
  return headers.contains(lower_name);
}

struct client::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::string last_method;
};

client::client(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->stream.expires_after(10s);
  impl_->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

client::~client() {
  beast::error_code ec;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

void client::send(const std::string& method, const std::string& target, const field_list& fields) {
  http::request<http::empty_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "gateway.test");
  for (const auto& [n, v] : fields) req.insert(n, v);
  impl_->last_method = method;
  impl_->stream.expires_after(10s);
  http::write(impl_->stream, req);
}

reply client::receive() {
  http::response_parser<http::string_body> parser;
  parser.skip(impl_->last_method == "HEAD");
  parser.body_limit(64 * 1024 * 1024);
  impl_->stream.expires_after(10s);
  http::read(impl_->stream, impl_->buffer, parser);
  auto res = parser.release();
  reply r;
  r.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  r.body = std::move(res.body());
  return r;
}

reply client::request(const std::string& method, const std::string& target,
                      const field_list& fields) {
  send(method, target, fields);
  return receive();
}

reply get_once(std::uint16_t port, const std::string& target, const field_list& fields) {
  client c(port);
  return c.get(target, fields);
}

namespace {

net::awaitable<void> serve_backend(tcp::socket socket,
                                   std::shared_ptr<std::atomic<std::size_t>> count) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [ec, n] =
        co_await http::async_read(stream, buffer, req, net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    count->fetch_add(1);
    const std::string target(req.target());
    if (target.starts_with("/slow/")) {
      net::steady_timer t(stream.get_executor());
      t.expires_after(std::chrono::milliseconds(std::stoi(target.substr(6))));
      co_await t.async_wait(net::as_tuple(net::use_awaitable));
    }
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set("X-Backend", "e2e");
    res.set(http::field::content_type, "text/plain");
    res.body() = "backend:" + target;
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, net::as_tuple(net::use_awaitable));
    if (wec || !req.keep_alive()) co_return;
  }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor,
                                 std::shared_ptr<std::atomic<std::size_t>> count) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    net::co_spawn(acceptor.get_executor(), serve_backend(std::move(socket), count), net::detached);
  }
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

}  // namespace

backend::backend()
    : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
      count_(std::make_shared<std::atomic<std::size_t>>(0)) {
  port_ = acceptor_.local_endpoint().port();
  net::co_spawn(ioc_, accept_loop(acceptor_, count_), net::detached);
  thread_ = std::thread([this] { ioc_.run(); });
}

backend::~backend() {
  ioc_.stop();
  thread_.join();
}

std::size_t backend::requests() const noexcept {
  return count_->load();
}

std::string floodgate_binary() {
  return FLOODGATE_BINARY_DIR "/bin/floodgate";
}

gateway::gateway(const std::string& yaml, std::uint16_t backend_port)
    : config_path_(dir_.path() + "/routes.yaml"),
      log_path_(dir_.path() + "/floodgate.log"),
      port_(test::free_port()),
      backend_port_(backend_port) {
  write_config(yaml);
  process_ = test::child_process({floodgate_binary(), "--config", config_path_}, log_path_);
  if (!test::wait_for_port(port_, 10s)) {
    throw std::runtime_error("floodgate did not listen on " + std::to_string(port_) + ":\n" +
                             log());
  }
}

gateway::~gateway() {
  process_.stop(5s);
}

void gateway::write_config(const std::string& yaml) {
  auto text = replace_all(yaml, "@LISTEN@", "127.0.0.1:" + std::to_string(port_));
  text = replace_all(text, "@BACKEND@", "127.0.0.1:" + std::to_string(backend_port_));
  // Write then rename, so a SIGHUP never reads half a file.
  const auto tmp = config_path_ + ".tmp";
  std::ofstream(tmp) << text;
  std::rename(tmp.c_str(), config_path_.c_str());
}

std::string gateway::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool gateway::wait_for_log(const std::string& text, std::chrono::milliseconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

}  // namespace floodgate::e2e
