#pragma once

// Go's fmt package (Sprint, Sprintln, Sprintf and %v) over template Values, as Go 1.12 prints the dynamic
// value of an interface{} argument.

#include <string>
#include <string_view>
#include <vector>

#include "machine/template.hpp"

namespace machine::tmpl::detail {

// An argument to fmt: nullptr or a monostate Value is Go's untyped nil.
using FmtArgs = std::vector<const Value*>;

// reflect.Type.String() of the value's dynamic type: "string", "float64", "int", "bool",
// "[]interface {}", "map[string]interface {}", a struct's or nil pointer's type_name; "<nil>" for nil.
[[nodiscard]] std::string go_type_name(const Value& value);

[[nodiscard]] std::string sprint(const FmtArgs& args);
[[nodiscard]] std::string sprintln(const FmtArgs& args);
[[nodiscard]] std::string sprintf(std::string_view format, const FmtArgs& args);

// %v of one value; pointer-to-struct values print without the leading '&' (as template actions print them,
// after text/template's printableValue dereferenced the pointer).
void append_value(std::string& out, const Value& value);

}  // namespace machine::tmpl::detail
