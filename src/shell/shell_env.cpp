#include "machine/shell_env.hpp"

#include <cstdlib>

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
