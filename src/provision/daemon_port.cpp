#include "provision/daemon_port.hpp"

#include <string>

namespace machine::provision {
namespace {

// Go's regexp \s: [\t\n\f\r ].
bool is_go_space(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

// The regular expression `:<port>\s+.*:.*` (searched, as regexp.MatchString does) without a regex engine:
// some ":<port>" followed by at least one whitespace character and, somewhere after that, a ':'.
bool line_matches(std::string_view line, const std::string& needle) {
    for (std::size_t at = line.find(needle); at != std::string_view::npos; at = line.find(needle, at + 1)) {
        std::size_t after = at + needle.size();
        if (after < line.size() && is_go_space(line[after]) &&
            line.find(':', after + 1) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool shows_daemon_listening(std::string_view output, int port) {
    const std::string needle = ":" + std::to_string(port);
    std::size_t start = 0;
    while (start <= output.size()) {
        std::size_t end = output.find('\n', start);
        std::string_view line =
            output.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!line.empty() && line_matches(line, needle)) {
            return true;
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return false;
}

}  // namespace machine::provision
