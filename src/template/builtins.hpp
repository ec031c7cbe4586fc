#pragma once

// text/template's predefined functions (and, or, not, len, index, print, printf, println, eq, ne, lt, le, gt,
// ge, html, js, urlquery, call) plus docker-machine's `json` and `prettyjson`.

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "value_ref.hpp"

namespace machine::tmpl::detail {

// A function's error; the executor reports it as "error calling NAME: MESSAGE".
class FuncError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Builtin {
    int num_in;  // number of parameters, the last one variadic when `variadic`
    bool variadic;
    bool first_is_string;  // the first parameter has type string (printf's format), the others interface{}
    // Arguments are valid Refs (a missing value arrives as a nil interface). Throws FuncError.
    Ref (*call)(const std::vector<Ref>& args);
};

[[nodiscard]] const Builtin* find_builtin(std::string_view name, bool with_json_functions);
[[nodiscard]] std::set<std::string> builtin_names(bool with_json_functions);

// text/template's isTrue for a value that is not an interface: false for the zero value of its type (false,
// 0, "", empty array or map, nil); structs are always true.
[[nodiscard]] bool is_true(const Ref& value);

}  // namespace machine::tmpl::detail
