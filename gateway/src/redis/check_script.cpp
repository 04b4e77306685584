#include "redis/check_script.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "redis/lua_scripts.hpp"

namespace floodgate::redis {

namespace {

// Fixed order: helpers first, then every algorithm, then the driver using them.
constexpr std::array script_files{
    "prelude.lua",        "token_bucket.lua",           "leaky_bucket.lua", "fixed_window.lua",
    "sliding_window.lua", "sliding_window_counter.lua", "gcra.lua",         "check.lua",
};

std::string build_script() {
  std::string out;
  for (const char* name : script_files) {
    auto text = lua::embedded(name);
    if (text.empty()) throw std::logic_error(std::string("embedded Lua file missing: ") + name);
    out.append(text);
    out += '\n';
  }
  return out;
}

void append_number(std::string& out, std::uint64_t n) {
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  out.append(buf.data(), end);
}

// `$<size>\r\n`: what precedes a bulk string of `size` bytes.
void append_bulk_head(std::string& out, std::size_t size) {
  out += '$';
  append_number(out, size);
  out += "\r\n";
}

void append_bulk(std::string& out, std::string_view s) {
  append_bulk_head(out, s.size());
  out.append(s);
  out += "\r\n";
}

void append_bulk(std::string& out, std::uint64_t n) {
  std::array<char, 24> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), n);
  append_bulk(out, std::string_view(buf.data(), static_cast<std::size_t>(end - buf.data())));
}

bool needs_escape(char c) {
  return c == '{' || c == '}' || c == '%';
}

std::size_t escaped_size(std::string_view key) {
  return key.size() +
         2 * static_cast<std::size_t>(std::count_if(key.begin(), key.end(), needs_escape));
}

void append_escaped(std::string& out, std::string_view key) {
  // Runs without a special character are appended whole: client keys rarely
  // contain one, and a character-by-character copy cost ~0.5k instructions per key.
  while (!key.empty()) {
    const auto at = key.find_first_of("{}%");
    out.append(key.substr(0, at));
    if (at == std::string_view::npos) return;
    out += key[at] == '{' ? "%7B" : key[at] == '}' ? "%7D" : "%25";
    key.remove_prefix(at + 1);
  }
}

std::int64_t integer_at(const redisReply& r, std::size_t i) {
  const redisReply* e = r.element[i];
  return e->type == REDIS_REPLY_INTEGER ? e->integer : -1;
}

std::chrono::milliseconds ceil_ms(std::int64_t us) {
  return std::chrono::milliseconds((us + 999) / 1000);
}

}  // namespace

std::string_view check_script() {
  static const std::string script = build_script();
  return script;
}

namespace {

// The state's format, last in every key. v1 kept a hash per limit, v2 a packed
// string per limit, v3 one packed string for all the limits of a route named by
// their algorithms only; v4 names each limit's count and window too. A gateway of
// one version never reads a string key of another (GET on a hash is a WRONGTYPE
// error, which would open the circuit; a string of another layout would be
// misread): an upgrade starts every limit afresh instead.
constexpr std::string_view packed_format_suffix = ":v4";
constexpr std::string_view sliding_window_suffix = ":sliding_window:v3";

void append_tagged(std::string& out, std::string_view prefix, std::string_view key) {
  out.append(prefix);
  out += '{';
  append_escaped(out, key);
  out += '}';
}

bool is_sliding_window(const limit::limit_spec& l) {
  return l.algo == limit::algorithm::sliding_window;
}

// `<first>-<limit>-<window_ms>`: a limit's identity in a key name. With the count
// and window in the name, a reload that changes them starts the limit afresh (as
// the memory store does) instead of reading a state kept under other numbers: a
// fixed window lowered from 5 to 2 would report remaining -3, a token bucket whose
// window grew from 1 s to 1 h would refill at the new rate from the old level.
void append_limit_identity(std::string& out, std::uint64_t first, const limit::limit_spec& l) {
  append_number(out, first);
  out += '-';
  append_number(out, l.limit);
  out += '-';
  append_number(out, static_cast<std::uint64_t>(l.window.count()));
}

}  // namespace

state_key_layout::state_key_layout(std::span<const limit::limit_spec> limits) {
  assign(limits);
}

void state_key_layout::assign(std::span<const limit::limit_spec> limits) {
  // Cleared, not replaced: the strings keep their capacity, so a connection alternating
  // between routes does not allocate per check.
  packed_suffix.assign(1, ':');
  const auto sliding =
      static_cast<std::size_t>(std::count_if(limits.begin(), limits.end(), is_sliding_window));
  sliding_window_suffixes.resize(sliding);
  std::size_t next_sliding = 0;
  bool first = true;
  for (std::size_t i = 0; i < limits.size(); ++i) {
    if (is_sliding_window(limits[i])) {
      std::string& suffix = sliding_window_suffixes[next_sliding++];
      suffix.assign(1, ':');
      append_limit_identity(suffix, i, limits[i]);
      suffix.append(sliding_window_suffix);
      continue;
    }
    if (!first) packed_suffix += ',';
    first = false;
    append_limit_identity(packed_suffix, static_cast<std::uint64_t>(limits[i].algo), limits[i]);
  }
  packed_suffix.append(packed_format_suffix);
}

namespace {

// The keys as RESP bulk strings, written in place (append_bulk_head, then the key):
// their lengths are known in advance, so no temporary string per key and per decision.
void append_check_keys(std::string& out, std::string_view prefix, std::string_view key,
                       const state_key_layout& layout) {
  const std::size_t tagged = prefix.size() + 2 + escaped_size(key);  // prefix{key}
  for (std::size_t i = 0; i <= layout.sliding_window_suffixes.size(); ++i) {
    const std::string& suffix =
        i == 0 ? layout.packed_suffix : layout.sliding_window_suffixes[i - 1];
    append_bulk_head(out, tagged + suffix.size());
    append_tagged(out, prefix, key);
    out.append(suffix);
    out += "\r\n";
  }
}

}  // namespace

std::string packed_state_key(std::string_view prefix, std::string_view key,
                             std::span<const limit::limit_spec> limits) {
  std::string out;
  append_tagged(out, prefix, key);
  out.append(state_key_layout(limits).packed_suffix);
  return out;
}

std::string sliding_window_key(std::string_view prefix, std::string_view key,
                               std::span<const limit::limit_spec> limits, std::size_t index) {
  std::string out;
  append_tagged(out, prefix, key);
  out += ':';
  append_limit_identity(out, index, limits[index]);
  out.append(sliding_window_suffix);
  return out;
}

void append_command(std::string& out, std::span<const std::string_view> argv) {
  out += '*';
  append_number(out, argv.size());
  out += "\r\n";
  for (auto a : argv) append_bulk(out, a);
}

namespace {

// `EVALSHA sha k`, with the argument count of the whole command.
void append_check_head(std::string& out, std::string_view sha,
                       std::span<const limit::limit_spec> limits, const state_key_layout& layout) {
  const std::size_t keys = 1 + layout.sliding_window_suffixes.size();
  out += '*';
  append_number(out, 3 + keys + 1 + 3 * limits.size());
  out += "\r\n";
  append_bulk(out, std::string_view("EVALSHA"));
  append_bulk(out, sha);
  append_bulk(out, keys);
}

// ARGV: now_us, then (algorithm id, limit, window_ms) per limit.
void append_check_tail(std::string& out, std::span<const limit::limit_spec> limits,
                       std::string_view now_us) {
  append_bulk(out, now_us);
  for (const auto& l : limits) {
    append_bulk(out, static_cast<std::uint64_t>(l.algo));
    append_bulk(out, l.limit);
    append_bulk(out, static_cast<std::uint64_t>(l.window.count()));
  }
}

}  // namespace

void append_check_command(std::string& out, std::string_view sha, std::string_view prefix,
                          std::string_view key, std::span<const limit::limit_spec> limits,
                          std::string_view now_us) {
  const state_key_layout layout(limits);
  append_check_head(out, sha, limits, layout);
  append_check_keys(out, prefix, key, layout);
  append_check_tail(out, limits, now_us);
}

void check_command_formatter::append(std::string& out, std::string_view sha,
                                     std::string_view prefix, std::string_view key,
                                     std::span<const limit::limit_spec> limits) {
  if (sha != sha_ || !std::equal(limits.begin(), limits.end(), limits_.begin(), limits_.end())) {
    sha_.assign(sha);
    limits_.assign(limits.begin(), limits.end());
    layout_.assign(limits);
    head_.clear();
    append_check_head(head_, sha, limits, layout_);
    tail_.clear();
    append_check_tail(tail_, limits, {});
  }
  out.append(head_);
  append_check_keys(out, prefix, key, layout_);
  out.append(tail_);
}

boost::system::result<check_result> parse_check_reply(const redisReply& reply,
                                                      std::span<const limit::limit_spec> limits) {
  constexpr std::size_t fields = 4;  // allowed, remaining, reset_after_us, retry_after_us
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 + fields * limits.size())
    return limit::errc::script_error;
  for (std::size_t i = 0; i < reply.elements; ++i)
    if (integer_at(reply, i) < 0) return limit::errc::script_error;

  check_result out;
  auto& v = out.verdict;
  const auto now_us = integer_at(reply, 0) * 1'000'000 + integer_at(reply, 1);
  v.decided_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(now_us)));
  v.limits.reserve(limits.size());
  for (std::size_t i = 0; i < limits.size(); ++i) {
    const std::size_t at = 2 + fields * i;
    limit::limit_status s;
    s.limit = limits[i].limit;
    s.allowed = integer_at(reply, at) == 1;
    s.remaining = static_cast<std::uint64_t>(integer_at(reply, at + 1));
    s.reset_after = ceil_ms(integer_at(reply, at + 2));
    const auto retry_us = integer_at(reply, at + 3);
    s.retry_after = ceil_ms(retry_us);
    if (!s.allowed) out.retry_after_us = std::max(out.retry_after_us, retry_us);
    v.limits.push_back(s);
  }
  limit::finalize(v);
  return out;
}

}  // namespace floodgate::redis
