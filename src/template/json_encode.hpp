#pragma once

// Go's encoding/json Marshal and MarshalIndent over template Values (the `json` and `prettyjson` functions).

#include <string>

#include "machine/template.hpp"

namespace machine::tmpl::detail {

// json.Marshal(value) (indent false) or json.MarshalIndent(value, "", "    ") (indent true): map keys sorted,
// struct fields in order, float64 as Go writes them (1000000, 0.5, 1e+21, 1e-7), strings with <, >, &,
// U+2028 and U+2029 escaped. nil and nil pointers are null. Throws std::domain_error for NaN and infinities
// (Go's UnsupportedValueError).
[[nodiscard]] std::string json_marshal(const Value& value, bool indent);

}  // namespace machine::tmpl::detail
