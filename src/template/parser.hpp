#pragma once

// Go 1.12 text/template/parse parser: builds the trees of a template text (the main one, named "", and those
// of {{define}} / {{block}}) with Go's error texts.

#include <map>
#include <memory>
#include <set>
#include <string>

#include "node.hpp"

namespace machine::tmpl::detail {

struct ParsedTemplates {
    std::string text;                                        // the source, for error locations
    std::map<std::string, std::unique_ptr<ListNode>> trees;  // template name -> root; "" is the main template
};

// Throws ParseError ("template: :LINE: message").
[[nodiscard]] ParsedTemplates parse_templates(const std::string& text,
                                              const std::set<std::string>& functions);

// strconv.Unquote for "..." and `...` literals (and '...' character literals); false on bad syntax.
[[nodiscard]] bool go_unquote(std::string_view quoted, std::string& out);

}  // namespace machine::tmpl::detail
