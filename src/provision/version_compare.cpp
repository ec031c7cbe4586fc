#include "provision/version_compare.hpp"

#include <algorithm>
#include <climits>
#include <string>
#include <vector>

namespace machine::provision {
namespace {

constexpr std::string_view k_rc = "-rc";
constexpr std::string_view k_ce = "-ce";

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
    std::string result;
    std::size_t start = 0;
    while (true) {
        std::size_t found = text.find(from, start);
        if (found == std::string_view::npos) {
            result.append(text.substr(start));
            return result;
        }
        result.append(text.substr(start, found - start));
        result.append(to);
        start = found + from.size();
    }
}

// Go's strconv.Atoi as versioncmp uses it: a syntax error gives 0, out of range clamps.
long long atoi_or_zero(std::string_view text) {
    std::size_t index = 0;
    bool negative = false;
    if (index < text.size() && (text[index] == '+' || text[index] == '-')) {
        negative = text[index] == '-';
        ++index;
    }
    if (index == text.size()) {
        return 0;
    }
    long long value = 0;
    bool overflow = false;
    for (; index < text.size(); ++index) {
        char c = text[index];
        if (c < '0' || c > '9') {
            return 0;
        }
        if (value > (LLONG_MAX - (c - '0')) / 10) {
            overflow = true;
        } else {
            value = value * 10 + (c - '0');
        }
    }
    if (overflow) {
        return negative ? LLONG_MIN : LLONG_MAX;
    }
    return negative ? -value : value;
}

std::vector<std::string_view> split_dots(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t found = text.find('.', start);
        if (found == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, found - start));
        start = found + 1;
    }
}

int compare_numeric(std::string_view v1, std::string_view v2) {
    if (std::size_t dash = v1.find('-'); dash != std::string_view::npos) {
        v1 = v1.substr(0, dash);
    }
    if (std::size_t dash = v2.find('-'); dash != std::string_view::npos) {
        v2 = v2.substr(0, dash);
    }
    std::vector<std::string_view> left = split_dots(v1);
    std::vector<std::string_view> right = split_dots(v2);
    std::size_t count = std::max(left.size(), right.size());
    for (std::size_t i = 0; i < count; ++i) {
        long long a = i < left.size() ? atoi_or_zero(left[i]) : 0;
        long long b = i < right.size() ? atoi_or_zero(right[i]) : 0;
        if (a > b) {
            return 1;
        }
        if (b > a) {
            return -1;
        }
    }
    return 0;
}

}  // namespace

int compare_versions(std::string_view v1_in, std::string_view v2_in) {
    std::string v1 = replace_all(v1_in, k_rc, ".");
    std::string v2 = replace_all(v2_in, k_rc, ".");
    bool ce1 = v1.find(k_ce) != std::string::npos;
    bool ce2 = v2.find(k_ce) != std::string::npos;
    if (ce1 && !ce2) {
        return 1;
    }
    if (!ce1 && ce2) {
        return -1;
    }
    if (!ce1 && !ce2) {
        return compare_numeric(v1, v2);
    }
    return compare_numeric(replace_all(v1, k_ce, ""), replace_all(v2, k_ce, ""));
}

}  // namespace machine::provision
