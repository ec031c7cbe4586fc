#pragma once

// Go 1.12 text/template execution: walks the parse tree against a Value.

#include <string>

#include "machine/template.hpp"
#include "parser.hpp"

namespace machine::tmpl::detail {

// Executes template "" of `templates` with `data` as dot, appending to `out` (which holds the partial output
// when an ExecError is thrown).
void execute_templates(const ParsedTemplates& templates, bool with_json_functions, const Value& data,
                       std::string& out);

}  // namespace machine::tmpl::detail
