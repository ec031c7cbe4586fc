#pragma once

// A reference reader for one line of `docker-machine env` output, per shell, written from each shell's
// documented quoting rules rather than from the product's quoting code (src/shell/shell_env.cpp). It reads
// only the quoting forms a set line may use and refuses (std::nullopt) anything the shell would expand or
// reinterpret: parameter or command substitution, history substitution, globbing or word splitting outside
// quotes. Used by tests/unit/test_shell_env.cpp and by the fuzzer tests/fuzz/fuzz_shell_env.cpp; the unit
// test also checks it against the real shells.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace machine::shell_reference {

struct Assignment {
    std::string name;
    std::string value;
    bool operator==(const Assignment&) const = default;
};

namespace detail {

inline bool consume(std::string_view& text, std::string_view prefix) {
    if (text.substr(0, prefix.size()) != prefix) {
        return false;
    }
    text.remove_prefix(prefix.size());
    return true;
}

inline std::optional<std::string> name_until(std::string_view& text, std::string_view end) {
    auto at = text.find(end);
    if (at == std::string_view::npos || at == 0) {
        return std::nullopt;
    }
    std::string name(text.substr(0, at));
    for (char c : name) {
        if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return std::nullopt;
        }
    }
    text.remove_prefix(at + end.size());
    return name;
}

// POSIX sh (bash, dash, zsh): one word made of double-quoted, single-quoted and backslash-escaped parts,
// ended by the newline. Inside double quotes a backslash escapes only $ ` " \ and newline (the pair
// backslash-newline disappears); elsewhere it stays.
inline std::optional<std::string> posix_word(std::string_view& text) {
    std::string value;
    while (!text.empty() && text.front() != '\n') {
        char c = text.front();
        text.remove_prefix(1);
        if (c == '"') {
            while (true) {
                if (text.empty()) {
                    return std::nullopt;
                }
                char d = text.front();
                text.remove_prefix(1);
                if (d == '"') {
                    break;
                }
                if (d == '$' || d == '`') {
                    return std::nullopt;  // expansion
                }
                if (d == '\\' && !text.empty() &&
                    std::string_view("$`\"\\\n").find(text.front()) != std::string_view::npos) {
                    if (text.front() != '\n') {
                        value += text.front();
                    }
                    text.remove_prefix(1);
                    continue;
                }
                value += d;
            }
        } else if (c == '\'') {
            auto end = text.find('\'');
            if (end == std::string_view::npos) {
                return std::nullopt;
            }
            value += text.substr(0, end);
            text.remove_prefix(end + 1);
        } else if (c == '\\') {
            if (text.empty()) {
                return std::nullopt;
            }
            if (text.front() != '\n') {
                value += text.front();
            }
            text.remove_prefix(1);
        } else if (std::string_view("$`;&|<>()*?[#~ \t=").find(c) != std::string_view::npos) {
            return std::nullopt;  // would be expanded, split or end the command
        } else {
            value += c;
        }
    }
    return value;
}

// fish: double quotes, where a backslash escapes " $ \ and newline (line continuation), and stays otherwise.
inline std::optional<std::string> fish_double_quoted(std::string_view& text) {
    if (!consume(text, "\"")) {
        return std::nullopt;
    }
    std::string value;
    while (true) {
        if (text.empty()) {
            return std::nullopt;
        }
        char c = text.front();
        text.remove_prefix(1);
        if (c == '"') {
            return value;
        }
        if (c == '$') {
            return std::nullopt;  // variable or command substitution
        }
        if (c == '\\' && !text.empty() &&
            std::string_view("\"$\\\n").find(text.front()) != std::string_view::npos) {
            if (text.front() != '\n') {
                value += text.front();
            }
            text.remove_prefix(1);
            continue;
        }
        value += c;
    }
}

// tcsh: double quotes in which nothing can be escaped (a backslash is literal) and $ ` ! and newline are
// refused; single quotes, literal but for ! (refused) and backslash-newline (a newline); a backslash outside
// quotes takes the next character literally.
inline std::optional<std::string> tcsh_word(std::string_view& text) {
    std::string value;
    while (!text.empty() && text.front() != ';') {
        char c = text.front();
        text.remove_prefix(1);
        if (c == '"') {
            auto end = text.find('"');
            if (end == std::string_view::npos) {
                return std::nullopt;
            }
            std::string_view inside = text.substr(0, end);
            if (inside.find_first_of("$`!\n") != std::string_view::npos) {
                return std::nullopt;
            }
            value += inside;
            text.remove_prefix(end + 1);
        } else if (c == '\'') {
            while (true) {
                if (text.empty()) {
                    return std::nullopt;
                }
                char d = text.front();
                text.remove_prefix(1);
                if (d == '\'') {
                    break;
                }
                if (d == '!' || d == '\n') {
                    return std::nullopt;
                }
                if (d == '\\' && !text.empty() && text.front() == '\n') {
                    value += '\n';
                    text.remove_prefix(1);
                    continue;
                }
                value += d;
            }
        } else if (c == '\\') {
            if (text.empty() || text.front() == '\n') {
                return std::nullopt;
            }
            value += text.front();
            text.remove_prefix(1);
        } else if (std::string_view("$`!;&|<>()*?[{~ \t\n'\"").find(c) != std::string_view::npos) {
            return std::nullopt;
        } else {
            value += c;
        }
    }
    return value;
}

// Emacs Lisp string: backslash escapes " and \, backslash-newline disappears; other escapes are refused.
inline std::optional<std::string> elisp_string(std::string_view& text) {
    if (!consume(text, "\"")) {
        return std::nullopt;
    }
    std::string value;
    while (true) {
        if (text.empty()) {
            return std::nullopt;
        }
        char c = text.front();
        text.remove_prefix(1);
        if (c == '"') {
            return value;
        }
        if (c == '\\') {
            if (text.empty()) {
                return std::nullopt;
            }
            char d = text.front();
            text.remove_prefix(1);
            if (d == '"' || d == '\\') {
                value += d;
            } else if (d != '\n') {
                return std::nullopt;
            }
            continue;
        }
        value += c;
    }
}

// PowerShell expandable string: ends at " or at U+201C/U+201D/U+201E (a doubled quote is one literal quote);
// the backtick escapes, with `0 `a `b `e `f `n `r `t `v naming control characters; $ is refused (expansion).
inline std::optional<std::string> powershell_string(std::string_view& text) {
    auto quote_length = [](std::string_view t) -> std::size_t {
        if (!t.empty() && t.front() == '"') {
            return 1;
        }
        if (t.size() >= 3 && static_cast<unsigned char>(t[0]) == 0xE2 &&
            static_cast<unsigned char>(t[1]) == 0x80 && static_cast<unsigned char>(t[2]) >= 0x9C &&
            static_cast<unsigned char>(t[2]) <= 0x9E) {
            return 3;
        }
        return 0;
    };
    if (!consume(text, "\"")) {
        return std::nullopt;
    }
    std::string value;
    while (true) {
        if (text.empty()) {
            return std::nullopt;
        }
        if (std::size_t q = quote_length(text)) {
            text.remove_prefix(q);
            if (std::size_t again = quote_length(text)) {
                value += text.substr(0, again);
                text.remove_prefix(again);
                continue;
            }
            return value;
        }
        char c = text.front();
        text.remove_prefix(1);
        if (c == '$') {
            return std::nullopt;
        }
        if (c == '`') {
            if (text.empty()) {
                return std::nullopt;
            }
            char d = text.front();
            text.remove_prefix(1);
            static constexpr std::pair<char, char> k_escapes[] = {{'0', '\0'},   {'a', '\a'}, {'b', '\b'},
                                                                  {'e', '\x1b'}, {'f', '\f'}, {'n', '\n'},
                                                                  {'r', '\r'},   {'t', '\t'}, {'v', '\v'}};
            bool named = false;
            for (auto [letter, control] : k_escapes) {
                if (d == letter) {
                    value += control;
                    named = true;
                }
            }
            if (d == 'u') {
                return std::nullopt;  // `u{...}: not produced
            }
            if (!named) {
                value += d;
            }
            continue;
        }
        value += c;
    }
}

}  // namespace detail

// Reads one set line of `env --shell <shell>` (POSIX for anything but fish, tcsh, emacs and powershell).
inline std::optional<Assignment> read_set_line(const std::string& shell, std::string_view text) {
    using namespace detail;
    std::optional<std::string> name;
    std::optional<std::string> value;
    if (shell == "fish") {
        if (!consume(text, "set -gx ") || !(name = name_until(text, " ")) ||
            !(value = fish_double_quoted(text)) || !consume(text, ";\n")) {
            return std::nullopt;
        }
    } else if (shell == "tcsh") {
        if (!consume(text, "setenv ") || !(name = name_until(text, " ")) || !(value = tcsh_word(text)) ||
            !consume(text, ";\n")) {
            return std::nullopt;
        }
    } else if (shell == "emacs") {
        if (!consume(text, "(setenv ")) {
            return std::nullopt;
        }
        name = elisp_string(text);
        if (!name || !consume(text, " ") || !(value = elisp_string(text)) || !consume(text, ")\n")) {
            return std::nullopt;
        }
    } else if (shell == "powershell") {
        if (!consume(text, "$Env:") || !(name = name_until(text, " = ")) ||
            !(value = powershell_string(text)) || !consume(text, "\n")) {
            return std::nullopt;
        }
    } else {
        if (!consume(text, "export ") || !(name = name_until(text, "=")) || !(value = posix_word(text)) ||
            !consume(text, "\n")) {
            return std::nullopt;
        }
    }
    if (!text.empty()) {
        return std::nullopt;
    }
    return Assignment{*name, *value};
}

}  // namespace machine::shell_reference
