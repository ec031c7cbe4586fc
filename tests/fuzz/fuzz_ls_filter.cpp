// libFuzzer target for `ls --filter`: the input's lines up to the first empty line are filter specs (one
// `--filter` value each), the lines after it machines as "name<TAB>driver<TAB>swarm master<TAB>label,label".
// Parsing may fail with machine::Error only; matching must not crash, and must agree with what each filter
// means on its own (a machine passes a set of filters only if it passes each key's filters alone).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/host_filter.hpp"
#include "machine/error.hpp"

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) {
            return parts;
        }
        start = end + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace machine::cli;
    std::vector<std::string> lines = split(std::string(reinterpret_cast<const char*>(data), size), '\n');
    std::vector<std::string> specs;
    std::size_t i = 0;
    for (; i < lines.size() && !lines[i].empty(); ++i) {
        specs.push_back(lines[i]);
    }
    std::vector<FilterSubject> subjects;
    for (++i; i < lines.size(); ++i) {
        std::vector<std::string> fields = split(lines[i], '\t');
        fields.resize(4);
        // A machine name is a directory name under machines/: at most NAME_MAX (255) bytes.
        FilterSubject subject{fields[0].substr(0, 255), fields[1], fields[2], {}};
        if (!fields[3].empty()) {
            subject.engine_labels = split(fields[3], ',');
        }
        subjects.push_back(std::move(subject));
    }

    HostFilters filters;
    try {
        filters = parse_host_filters(specs);
    } catch (const machine::Error&) {
        return 0;
    }
    std::vector<HostFilters> singles(5);
    singles[0].driver = filters.driver;
    singles[1].name = filters.name;
    singles[2].swarm = filters.swarm;
    singles[3].label = filters.label;
    try {
        HostMatcher matcher(filters);
        std::vector<HostMatcher> single_matchers;
        for (auto& single : singles) {
            single_matchers.emplace_back(single);
        }
        for (const auto& subject : subjects) {
            bool all = true;
            for (const auto& single : single_matchers) {
                all = all && single.matches(subject);
            }
            if (matcher.matches(subject) != all) {
                __builtin_trap();  // the keys are not independent
            }
        }
        (void)matcher.state_matches("Running");
    } catch (const machine::Error&) {
        return 0;  // a name pattern Go rejects too
    }
    return 0;
}
