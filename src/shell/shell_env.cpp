#include "machine/shell_env.hpp"

#include <cstdlib>
#include <string_view>

#include "machine/go_path.hpp"

namespace machine::shell {

LineFormat set_format(const std::string& shell) {
    if (shell == "fish") {
        return {"set -gx ", " \"", "\";\n"};
    }
    if (shell == "powershell") {
        return {"$Env:", " = \"", "\"\n"};
    }
    if (shell == "cmd") {
        return {"SET ", "=", "\n"};
    }
    if (shell == "tcsh") {
        return {"setenv ", " \"", "\";\n"};
    }
    if (shell == "emacs") {
        return {"(setenv \"", "\" \"", "\")\n"};
    }
    return {"export ", "=\"", "\"\n"};
}

LineFormat unset_format(const std::string& shell) {
    if (shell == "fish") {
        return {"set -e ", "", ";\n"};
    }
    if (shell == "powershell") {
        return {"Remove-Item Env:\\\\", "", "\n"};
    }
    if (shell == "cmd") {
        return {"SET ", "=", "\n"};
    }
    if (shell == "tcsh") {
        return {"unsetenv ", "", ";\n"};
    }
    if (shell == "emacs") {
        return {"(setenv \"", "\" nil", ")\n"};
    }
    return {"unset ", "", "\n"};
}

std::string quote_value(const std::string& shell, const std::string& value) {
    std::string quoted;
    quoted.reserve(value.size());
    if (shell == "cmd") {
        return value;
    }
    if (shell == "tcsh") {
        // Inside tcsh's double quotes a backslash is literal and nothing can be escaped: $ ` " ! and newline
        // close the double quotes and come back single-quoted (or, for !, backslash-escaped).
        for (char c : value) {
            switch (c) {
                case '$':
                case '`':
                case '"':
                    quoted += std::string("\"'") + c + "'\"";
                    break;
                case '!':
                    quoted += "\"\\!\"";
                    break;
                case '\n':
                    quoted += "\"'\\\n'\"";
                    break;
                default:
                    quoted += c;
            }
        }
        return quoted;
    }
    if (shell == "powershell") {
        // The backtick escapes; PowerShell also ends a double-quoted string at the typographic double quotes
        // U+201C, U+201D and U+201E (UTF-8 E2 80 9C..9E).
        for (std::size_t i = 0; i < value.size(); ++i) {
            char c = value[i];
            if (c == '`' || c == '"' || c == '$') {
                quoted += '`';
            } else if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < value.size() &&
                       static_cast<unsigned char>(value[i + 1]) == 0x80 &&
                       static_cast<unsigned char>(value[i + 2]) >= 0x9C &&
                       static_cast<unsigned char>(value[i + 2]) <= 0x9E) {
                quoted += '`';
            }
            quoted += c;
        }
        return quoted;
    }
    std::string_view special = "\\\"$`";  // POSIX shells
    if (shell == "fish") {
        special = "\\\"$";
    } else if (shell == "emacs") {
        special = "\\\"";
    }
    for (char c : value) {
        if (special.find(c) != std::string_view::npos) {
            quoted += '\\';
        }
        quoted += c;
    }
    return quoted;
}

std::string set_line(const std::string& shell, const std::string& name, const std::string& value) {
    LineFormat format = set_format(shell);
    return format.prefix + name + format.delimiter + quote_value(shell, value) + format.suffix;
}

std::string usage_hint(const std::string& shell, const std::vector<std::string>& argv) {
    std::string command_line;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string word = argv[i];
        if (i == 0 && word.find_first_of(" \\") != std::string::npos) {
            word = "\"" + word + "\"";
        }
        command_line += (i == 0 ? "" : " ") + word;
    }
    if (shell == "fish") {
        return "# Run this command to configure your shell: \n# eval (" + command_line + ")\n";
    }
    if (shell == "powershell") {
        return "# Run this command to configure your shell: \n# & " + command_line + " | Invoke-Expression\n";
    }
    if (shell == "cmd") {
        return "REM Run this command to configure your shell: \nREM \t@FOR /f \"tokens=*\" %i IN ('" +
               command_line + "') DO @%i\n";
    }
    if (shell == "emacs") {
        return ";; Run this command to configure your shell: \n;; (with-temp-buffer (shell-command \"" +
               command_line + "\" (current-buffer)) (eval-buffer))\n";
    }
    if (shell == "tcsh") {
        return ": Run this command to configure your shell: \n: eval `" + command_line + "`\n";
    }
    return "# Run this command to configure your shell: \n# eval $(" + command_line + ")\n";
}

std::string detect_from_environment() {
    const char* shell = std::getenv("SHELL");
    if (shell == nullptr || *shell == '\0') {
        return "";
    }
    return go_path::base(shell);
}

}  // namespace machine::shell
