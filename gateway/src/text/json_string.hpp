#pragma once

#include <string>
#include <string_view>

namespace floodgate::text {

/// Appends `s` to `out` as a JSON string literal, quotes included.
///
/// Route names, paths and client keys are user controlled, so beyond what JSON
/// requires this also escapes `<`, `>`, `&`, `'`, U+2028 and U+2029 (the text stays
/// safe if someone pastes it into HTML or a script), and replaces bytes that are not
/// valid UTF-8 with U+FFFD so the document always parses. Used by the gateway's own
/// JSON bodies and by the dashboard's API: one escaping rule for both.
void append_json_string(std::string& out, std::string_view s);

/// `s` as a JSON string literal, quotes included (see append_json_string).
[[nodiscard]] std::string json_string(std::string_view s);

}  // namespace floodgate::text
