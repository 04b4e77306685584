#pragma once

#include <span>
#include <string_view>

// Generated at build time from gateway/src/lua/*.lua by floodgate_embed_files.
namespace floodgate::redis::lua {

struct embedded_file {
  std::string_view name;
  std::string_view data;
};

[[nodiscard]] std::span<const embedded_file> embedded_files();
/// The content of `name` (e.g. "gcra.lua"); empty when absent.
[[nodiscard]] std::string_view embedded(std::string_view name);

}  // namespace floodgate::redis::lua
