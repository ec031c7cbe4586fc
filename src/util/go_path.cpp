#include "machine/go_path.hpp"

#include <vector>

namespace machine::go_path {

std::string clean(std::string_view path) {
    if (path.empty()) {
        return ".";
    }
    bool rooted = path.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        std::string_view part = path.substr(start, end - start);
        if (part.empty() || part == ".") {
            // skip
        } else if (part == "..") {
            if (!parts.empty() && parts.back() != "..") {
                parts.pop_back();
            } else if (!rooted) {
                parts.push_back(part);
            }
        } else {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out = rooted ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out.push_back('/');
        }
        out.append(parts[i]);
    }
    if (out.empty()) {
        return ".";
    }
    return out;
}

std::string join(std::initializer_list<std::string_view> parts) {
    std::string joined;
    bool any = false;
    for (auto part : parts) {
        if (part.empty()) {
            continue;
        }
        if (any) {
            joined.push_back('/');
        }
        joined.append(part);
        any = true;
    }
    return any ? clean(joined) : "";
}

std::string dir(std::string_view path) {
    auto slash = path.find_last_of('/');
    std::string_view head = slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash + 1);
    return clean(head);
}

std::string base(std::string_view path) {
    if (path.empty()) {
        return ".";
    }
    while (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    if (path == "/") {
        return "/";
    }
    auto slash = path.find_last_of('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace machine::go_path
