#pragma once

// JSON text exactly as Go's encoding/json writes it (store.md §4.6), so that config.json and `inspect` stay
// byte-compatible with docker-machine 0.16.2.

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace machine::go_json {

// json.MarshalIndent(v, "", "    "): 4-space indent, `": "`, [] and {} for empty containers, no trailing
// newline. Strings escape <, >, & and U+2028/U+2029 like Go.
[[nodiscard]] std::string marshal_indent(const nlohmann::ordered_json& value);
// json.Marshal: compact.
[[nodiscard]] std::string marshal(const nlohmann::ordered_json& value);
// A string literal as Go's encoder writes it (with the quotes).
[[nodiscard]] std::string quote(const std::string& text);

// Go's error text for a JSON document that does not parse (e.g. "unexpected end of JSON input",
// "invalid character 'x' looking for beginning of value").
[[nodiscard]] std::string parse_error_text(const std::string& text);

}  // namespace machine::go_json
