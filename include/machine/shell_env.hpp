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

// `value` as it goes between the set format's delimiter and suffix, escaped so that the shell's parser gives
// back exactly `value`: POSIX shells (double quotes: \ " $ ` escaped), fish (\ " $ escaped), tcsh (whose
// double quotes can't escape $ ` " ! or a newline: those leave the quotes), emacs (elisp string) and
// PowerShell (backtick escapes). Values without those characters are unchanged, so ordinary output is
// upstream's byte for byte. cmd has no quoting at all: the value is verbatim.
[[nodiscard]] std::string quote_value(const std::string& shell, const std::string& value);

// One whole line: prefix, name, delimiter, quote_value(value), suffix.
[[nodiscard]] std::string set_line(const std::string& shell, const std::string& name,
                                   const std::string& value);

// The two trailing comment lines that tell the user how to eval the output.
[[nodiscard]] std::string usage_hint(const std::string& shell, const std::vector<std::string>& argv);

// Base name of $SHELL, or "" when SHELL is empty.
[[nodiscard]] std::string detect_from_environment();

}  // namespace machine::shell
