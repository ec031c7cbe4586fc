#pragma once

// JSON text -> template Value, the way Go's encoding/json decodes into interface{} (inspect --format decodes
// the machine's JSON this way before executing the template). Kept apart from template.hpp so that only one
// translation unit pays for nlohmann/json.

#include <string>

#include "machine/template.hpp"

namespace machine::tmpl {

// Objects become Value::Map (map[string]interface{}; a repeated key keeps the last value), arrays
// Value::Array, every number a double (float64), strings, bools, null -> nil. Throws std::invalid_argument if
// `json` is not a valid JSON document.
[[nodiscard]] Value from_json_text(const std::string& json);

}  // namespace machine::tmpl
