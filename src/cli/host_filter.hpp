#pragma once

// `ls --filter key=value` (cli.md §3.8): parsing the specs and matching machines against them. Separate from
// the command so that the unit tests and the fuzzer (tests/fuzz/fuzz_ls_filter.cpp) reach it without a store.

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace machine::cli {

// The values given per key, in command-line order. Keys are case-insensitive; values are kept as given.
struct HostFilters {
    std::vector<std::string> driver;
    std::vector<std::string> state;
    std::vector<std::string> name;
    std::vector<std::string> swarm;
    std::vector<std::string> label;
};

// Throws machine::Error("Unsupported filter syntax") for a spec without '=' and
// machine::Error("Unsupported filter key '<key>'") for an unknown key.
[[nodiscard]] HostFilters parse_host_filters(const std::vector<std::string>& specs);

// What the filters other than state look at, taken from one machine.
struct FilterSubject {
    std::string machine_name;
    std::string driver_name;
    std::string swarm_master;  // name of the master of the machine's swarm discovery; "" when it has none
    std::vector<std::string> engine_labels;  // "key=value"
};

// `name=` values are Go regular expressions (RE2 syntax), searched in the machine name. Throws machine::Error
// with Go's wording ("error parsing regexp: ...") for the syntax errors Go reports, including Go's limits: a
// repeat count above 1000 and a nesting deeper than 1000.
[[nodiscard]] std::regex compile_name_filter(const std::string& pattern);

// The filters with their patterns compiled once. Within a key any value may match; all keys must match.
class HostMatcher {
public:
    explicit HostMatcher(HostFilters filters);  // throws machine::Error for a bad name pattern

    // Every filter but state (which needs the driver).
    [[nodiscard]] bool matches(const FilterSubject& subject) const;
    [[nodiscard]] bool filters_state() const { return !m_filters.state.empty(); }
    // `state=` values compared case-insensitively with the state name ("Running", "Stopped", ...).
    [[nodiscard]] bool state_matches(std::string_view state_name) const;

private:
    HostFilters m_filters;
    std::vector<std::regex> m_name_patterns;
};

}  // namespace machine::cli
