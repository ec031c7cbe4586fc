#include "provision/shell_safety.hpp"

#include "machine/ssh.hpp"

namespace machine::provision {

std::string double_quoted_literal(std::string_view text) {
    std::string result;
    bool quoted = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (c == '\\' && i + 1 < text.size()) {
            char next = text[i + 1];
            if (!quoted) {
                result.push_back(next);
                ++i;
            } else if (next == '$' || next == '`' || next == '"' || next == '\\') {
                result.push_back(next);
                ++i;
            } else if (next == '\n') {
                ++i;
            } else {
                result.push_back(c);
            }
        } else {
            result.push_back(c);
        }
    }
    return result;
}

std::string shell_word(std::string_view text) {
    auto safe = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("%+,-./:=@_~").find(c) != std::string_view::npos;
    };
    bool all_safe = !text.empty();
    for (char c : text) {
        all_safe = all_safe && safe(c);
    }
    return all_safe ? std::string(text) : ssh::shell_quote(text);
}

}  // namespace machine::provision
