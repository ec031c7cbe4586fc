#pragma once

// Shell-specific output of `env` (cli.md §3.4).

#include <string>
#include <vector>

namespace machine::shell {

// How one variable line is built: <prefix><NAME><delimiter><value><suffix>.
struct LineFormat {
    std::string prefix;
    std::string delimiter;
    std::string suffix;
};

// Recognised shells are fish, powershell, cmd, tcsh and emacs; anything else is POSIX.
[[nodiscard]] LineFormat set_format(const std::string& shell);
[[nodiscard]] LineFormat unset_format(const std::string& shell);

// The two trailing comment lines that tell the user how to eval the output.
[[nodiscard]] std::string usage_hint(const std::string& shell, const std::vector<std::string>& argv);

// Base name of $SHELL, or "" when SHELL is empty.
[[nodiscard]] std::string detect_from_environment();

}  // namespace machine::shell
