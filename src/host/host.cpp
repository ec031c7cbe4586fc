#include "machine/host.hpp"

namespace machine {

bool is_valid_machine_name(std::string_view name) {
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (name.empty() || !alnum(name.front())) {
        return false;
    }
    for (char c : name.substr(1)) {
        if (!alnum(c) && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

}  // namespace machine
