#pragma once

#include <string>
#include <string_view>

namespace machine {

// Go's %q / strconv.Quote: double-quoted, with \" \\ \n \t ... escapes and \x.. for invalid bytes or control
// characters; printable Unicode (e.g. "∞") stays as is.
[[nodiscard]] std::string go_quote(std::string_view text);

}  // namespace machine
