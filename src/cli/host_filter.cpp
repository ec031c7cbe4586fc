#include "cli/host_filter.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "machine/error.hpp"

namespace machine::cli {
namespace {

// Go's regexp/syntax limits: repeat counts up to 1000, and a parse tree at most 1000 deep.
constexpr int k_max_repeat = 1000;
constexpr int k_max_nesting = 1000;

std::string lower(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

bool equal_fold(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

template <typename Predicate>
bool any_of(const std::vector<std::string>& values, Predicate predicate) {
    return values.empty() || std::any_of(values.begin(), values.end(), predicate);
}

// A Go repeat operator `{n}`, `{n,}` or `{n,m}` starting at `at` ('{'): its text, or nullopt when the braces
// are a literal (Go, like ECMAScript, takes `{` literally when no valid repeat follows).
std::optional<std::string> repeat_operator_at(const std::string& pattern, std::size_t at, int& low,
                                              int& high) {
    std::size_t i = at + 1;
    auto number = [&](int& value) {
        std::size_t start = i;
        long long parsed = 0;
        while (i < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[i]))) {
            parsed = std::min<long long>(parsed * 10 + (pattern[i] - '0'), 1'000'000);
            ++i;
        }
        value = static_cast<int>(parsed);
        return i > start;
    };
    if (!number(low)) {
        return std::nullopt;
    }
    high = low;
    if (i < pattern.size() && pattern[i] == ',') {
        ++i;
        if (!number(high)) {
            high = -1;
        }
    }
    if (i >= pattern.size() || pattern[i] != '}') {
        return std::nullopt;
    }
    return pattern.substr(at, i - at + 1);
}

// The errors for which Go's parser has limits that std::regex lacks (std::regex would recurse or allocate
// without bound): too deep a nesting, too large a repeat count.
void check_go_limits(const std::string& pattern) {
    int depth = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\') {
            ++i;
        } else if (c == '[') {
            // a character class: up to the first ']' that is not its first member
            std::size_t j = i + 1;
            if (j < pattern.size() && pattern[j] == '^') {
                ++j;
            }
            if (j < pattern.size() && pattern[j] == ']') {
                ++j;
            }
            while (j < pattern.size() && pattern[j] != ']') {
                j += pattern[j] == '\\' ? 2 : 1;
            }
            i = j;
        } else if (c == '(') {
            if (++depth > k_max_nesting) {
                throw Error("error parsing regexp: expression nests too deeply: `" + pattern + "`");
            }
        } else if (c == ')') {
            depth = std::max(depth - 1, 0);
        } else if (c == '{') {
            int low = 0;
            int high = 0;
            if (auto op = repeat_operator_at(pattern, i, low, high)) {
                if (low > k_max_repeat || high > k_max_repeat || (high >= 0 && low > high)) {
                    throw Error("error parsing regexp: invalid repeat count: `" + *op + "`");
                }
            }
        }
    }
}

}  // namespace

HostFilters parse_host_filters(const std::vector<std::string>& specs) {
    HostFilters filters;
    for (const auto& spec : specs) {
        auto equals = spec.find('=');
        if (equals == std::string::npos) {
            throw Error("Unsupported filter syntax");
        }
        std::string key = lower(spec.substr(0, equals));
        std::string value = spec.substr(equals + 1);
        if (key == "driver") {
            filters.driver.push_back(value);
        } else if (key == "state") {
            filters.state.push_back(value);
        } else if (key == "name") {
            filters.name.push_back(value);
        } else if (key == "swarm") {
            filters.swarm.push_back(value);
        } else if (key == "label") {
            filters.label.push_back(value);
        } else {
            throw Error("Unsupported filter key '" + key + "'");
        }
    }
    return filters;
}

// Go's regexp (RE2) for `--filter name=`: the common syntax is shared with ECMAScript; a leading (?i) is
// mapped to a case-insensitive match, and the usual syntax errors get Go's wording.
std::regex compile_name_filter(const std::string& pattern) {
    std::string body = pattern;
    auto flags = std::regex::ECMAScript;
    if (body.rfind("(?i)", 0) == 0) {
        body = body.substr(4);
        flags |= std::regex::icase;
    }
    if (!body.empty() && (body[0] == '*' || body[0] == '+' || body[0] == '?')) {
        throw Error("error parsing regexp: missing argument to repetition operator: `" + body.substr(0, 1) +
                    "`");
    }
    check_go_limits(pattern);
    try {
        return std::regex(body, flags);
    } catch (const std::regex_error& error) {
        std::string reason;
        std::string fragment = pattern;
        switch (error.code()) {
            case std::regex_constants::error_brack:
                reason = "missing closing ]";
                fragment = pattern.substr(pattern.rfind('[') == std::string::npos ? 0 : pattern.rfind('['));
                break;
            case std::regex_constants::error_paren:
                reason = std::count(pattern.begin(), pattern.end(), '(') >
                                 std::count(pattern.begin(), pattern.end(), ')')
                             ? "missing closing )"
                             : "unexpected )";
                break;
            case std::regex_constants::error_badrepeat: {
                reason = "missing argument to repetition operator";
                auto at = pattern.find_first_of("*+?");
                fragment = at == std::string::npos ? pattern : pattern.substr(at, 1);
                break;
            }
            case std::regex_constants::error_escape:
                reason = "invalid escape sequence";
                break;
            default:
                reason = "invalid or unsupported Perl syntax";
                break;
        }
        throw Error("error parsing regexp: " + reason + ": `" + fragment + "`");
    }
}

HostMatcher::HostMatcher(HostFilters filters) : m_filters(std::move(filters)) {
    for (const auto& pattern : m_filters.name) {
        m_name_patterns.push_back(compile_name_filter(pattern));
    }
}

bool HostMatcher::matches(const FilterSubject& subject) const {
    bool driver_ok =
        any_of(m_filters.driver, [&](const std::string& v) { return equal_fold(v, subject.driver_name); });
    bool swarm_ok = any_of(m_filters.swarm, [&](const std::string& v) {
        return !subject.swarm_master.empty() && equal_fold(v, subject.swarm_master);
    });
    bool name_ok = m_name_patterns.empty() ||
                   std::any_of(m_name_patterns.begin(), m_name_patterns.end(), [&](const std::regex& p) {
                       return std::regex_search(subject.machine_name, p);
                   });
    bool label_ok = any_of(m_filters.label, [&](const std::string& v) {
        auto equals = v.find('=');
        if (equals == std::string::npos) {
            return false;
        }
        return std::any_of(
            subject.engine_labels.begin(), subject.engine_labels.end(), [&](const std::string& l) {
                auto label_equals = l.find('=');
                return label_equals != std::string::npos &&
                       std::string_view(l).substr(0, label_equals) == std::string_view(v).substr(0, equals) &&
                       equal_fold(std::string_view(l).substr(label_equals + 1),
                                  std::string_view(v).substr(equals + 1));
            });
    });
    return driver_ok && swarm_ok && name_ok && label_ok;
}

bool HostMatcher::state_matches(std::string_view state_name) const {
    return any_of(m_filters.state, [&](const std::string& v) { return equal_fold(v, state_name); });
}

}  // namespace machine::cli
