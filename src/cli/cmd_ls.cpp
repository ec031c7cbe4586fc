#include <algorithm>
#include <iostream>
#include <map>
#include <regex>
#include <thread>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/host_list.hpp"
#include "cli/machine_json.hpp"
#include "machine/error.hpp"
#include "machine/health.hpp"
#include "machine/log.hpp"
#include "machine/template.hpp"

namespace machine::cli {
namespace {

constexpr const char* k_default_format =
    "table {{ .Name }}\t{{ .Active }}\t{{ .DriverName}}\t{{ .State }}\t{{ .URL }}\t{{ .Swarm }}\t{{ "
    ".DockerVersion }}\t{{ .Error}}";

struct Filters {
    std::vector<std::string> driver;
    std::vector<std::string> state;
    std::vector<std::string> name;
    std::vector<std::string> swarm;
    std::vector<std::string> label;
};

std::string lower(std::string text) {
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

bool equal_fold(const std::string& a, const std::string& b) {
    return lower(a) == lower(b);
}

Filters parse_filters(const std::vector<std::string>& specs) {
    Filters filters;
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

// Discovery -> name of the swarm master using it (the last master wins, as upstream).
std::map<std::string, std::string> swarm_masters(const std::vector<std::shared_ptr<Host>>& hosts) {
    std::map<std::string, std::string> masters;
    for (const auto& host : hosts) {
        if (host->options.swarm.master) {
            masters[host->options.swarm.discovery] = host->name;
        }
    }
    return masters;
}

template <typename Predicate>
bool any_of(const std::vector<std::string>& values, Predicate predicate) {
    if (values.empty()) {
        return true;
    }
    for (const auto& value : values) {
        if (predicate(value)) {
            return true;
        }
    }
    return false;
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
            case std::regex_constants::error_badrepeat:
                reason = "missing argument to repetition operator";
                fragment = pattern.substr(pattern.find_first_of("*+?"), 1);
                break;
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

std::vector<std::shared_ptr<Host>> filter_hosts(const std::vector<std::shared_ptr<Host>>& hosts,
                                                const Filters& filters) {
    std::vector<std::regex> name_patterns;
    for (const auto& pattern : filters.name) {
        name_patterns.push_back(compile_name_filter(pattern));
    }
    auto masters = swarm_masters(hosts);
    std::vector<std::shared_ptr<Host>> kept;
    for (const auto& host : hosts) {
        bool driver_ok =
            any_of(filters.driver, [&](const std::string& v) { return equal_fold(v, host->driver_name); });
        bool swarm_ok = any_of(filters.swarm, [&](const std::string& v) {
            auto master = masters.find(host->options.swarm.discovery);
            return !host->options.swarm.discovery.empty() && master != masters.end() &&
                   equal_fold(v, master->second);
        });
        bool name_ok = filters.name.empty();
        for (const auto& pattern : name_patterns) {
            name_ok = name_ok || std::regex_search(host->driver->base().machine_name, pattern);
        }
        bool label_ok = any_of(filters.label, [&](const std::string& v) {
            auto equals = v.find('=');
            if (equals == std::string::npos) {
                return false;
            }
            for (const auto& label : host->options.engine.labels) {
                auto label_equals = label.find('=');
                if (label_equals != std::string::npos &&
                    label.substr(0, label_equals) == v.substr(0, equals) &&
                    equal_fold(label.substr(label_equals + 1), v.substr(equals + 1))) {
                    return true;
                }
            }
            return false;
        });
        if (driver_ok && swarm_ok && name_ok && label_ok) {
            kept.push_back(host);
        }
    }
    if (filters.state.empty()) {
        return kept;
    }
    // The state filter asks every driver; the slow ones (an SSH port probe of an unreachable host takes 15 s)
    // are asked at the same time rather than one after the other.
    std::vector<State> states(kept.size(), State::Error);
    std::vector<std::string> errors(kept.size());
    {
        std::vector<std::thread> workers;
        for (std::size_t i = 0; i < kept.size(); ++i) {
            workers.emplace_back([&, i] {
                try {
                    states[i] = kept[i]->driver->state();
                } catch (const std::exception& error) {
                    errors[i] = error.what();
                }
            });
        }
        for (auto& worker : workers) {
            worker.join();
        }
    }
    std::vector<std::shared_ptr<Host>> in_state;
    for (std::size_t i = 0; i < kept.size(); ++i) {
        if (!errors[i].empty()) {
            log::warn(errors[i]);
        }
        if (any_of(filters.state,
                   [&](const std::string& v) { return equal_fold(v, std::string(state_name(states[i]))); })) {
            in_state.push_back(kept[i]);
        }
    }
    return in_state;
}

tmpl::Value go_strings(const std::vector<std::string>& values) {
    tmpl::Value::Array array;
    for (const auto& value : values) {
        array.emplace_back(value);
    }
    return array;
}

tmpl::Value swarm_options_value(const SwarmOptions& s) {
    tmpl::Value::Struct value{"*swarm.Options", {}};
    auto add = [&](const char* name, tmpl::Value field) {
        value.fields.push_back({name, std::make_shared<const tmpl::Value>(std::move(field))});
    };
    add("IsSwarm", s.is_swarm);
    add("Address", s.address);
    add("Discovery", s.discovery);
    add("Agent", s.agent);
    add("Master", s.master);
    add("Host", s.host);
    add("Image", s.image);
    add("Strategy", s.strategy);
    add("Heartbeat", s.heartbeat);
    add("Overcommit", s.overcommit);
    add("ArbitraryFlags", go_strings(s.arbitrary_flags));
    add("ArbitraryJoinFlags", go_strings(s.arbitrary_join_flags));
    add("Env", go_strings({}));
    add("IsExperimental", s.is_experimental);
    return value;
}

tmpl::Value engine_options_value(const EngineOptions& e) {
    tmpl::Value::Struct value{"*engine.Options", {}};
    auto add = [&](const char* name, tmpl::Value field) {
        value.fields.push_back({name, std::make_shared<const tmpl::Value>(std::move(field))});
    };
    add("ArbitraryFlags", go_strings(e.arbitrary_flags));
    add("Dns", go_strings({}));
    add("GraphDir", "");
    add("Env", go_strings(e.env));
    add("Ipv6", false);
    add("InsecureRegistry", go_strings(e.insecure_registry));
    add("Labels", go_strings(e.labels));
    add("LogLevel", "");
    add("StorageDriver", e.storage_driver);
    add("SelinuxEnabled", false);
    add("TlsVerify", e.tls_verify);
    add("RegistryMirror", go_strings(e.registry_mirror));
    add("InstallURL", e.install_url);
    return value;
}

tmpl::Value item_value(const HostListItem& item) {
    tmpl::Value::Struct value{"commands.HostListItem", {}};
    auto add = [&](const char* name, tmpl::Value field) {
        value.fields.push_back({name, std::make_shared<const tmpl::Value>(std::move(field))});
    };
    add("Name", item.name);
    add("Active", item.active);
    add("ActiveHost", item.active_host);
    add("ActiveSwarm", item.active_swarm);
    add("DriverName", item.driver_name);
    add("State", std::string(state_name(item.state)));
    add("URL", item.url);
    add("SwarmOptions", item.swarm_options ? swarm_options_value(*item.swarm_options)
                                           : tmpl::Value(tmpl::Value::NilPointer{"*swarm.Options"}));
    add("Swarm", item.swarm);
    add("EngineOptions", item.engine_options ? engine_options_value(*item.engine_options)
                                             : tmpl::Value(tmpl::Value::NilPointer{"*engine.Options"}));
    add("Error", item.error);
    add("DockerVersion", item.docker_version);
    add("ResponseTime", go_duration(item.response_time));
    return value;
}

tmpl::Value header_value() {
    tmpl::Value::Map headers;
    for (auto [field, header] : std::initializer_list<std::pair<const char*, const char*>>{
             {"Name", "NAME"},
             {"Active", "ACTIVE"},
             {"ActiveHost", "ACTIVE_HOST"},
             {"ActiveSwarm", "ACTIVE_SWARM"},
             {"DriverName", "DRIVER"},
             {"State", "STATE"},
             {"URL", "URL"},
             {"SwarmOptions", "SWARM_OPTIONS"},
             {"Swarm", "SWARM"},
             {"EngineOptions", "ENGINE_OPTIONS"},
             {"Error", "ERRORS"},
             {"DockerVersion", "DOCKER"},
             {"ResponseTime", "RESPONSE"},
         }) {
        headers.emplace(field, header);
    }
    return headers;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// On stderr, so that what scripts read from stdout is unchanged.
void warn_about_store_and_certificates(const Store& store, const std::vector<std::shared_ptr<Host>>& hosts) {
    std::vector<const Host*> checked;
    for (const auto& host : hosts) {
        checked.push_back(host.get());
    }
    for (const auto& warning : health::store_permission_warnings(store)) {
        log::error(warning);
    }
    for (const auto& warning :
         health::certificate_expiry_warnings(checked, std::chrono::system_clock::now())) {
        log::error(warning);
    }
}

class LsCommand final : public Command {
public:
    std::string name() const override { return "ls"; }
    std::string usage() const override { return "List machines"; }
    std::vector<FlagDef> flags() const override {
        return {
            bool_flag({"quiet", "q"}, "Enable quiet mode"),
            slice_flag({"filter"}, "Filter output based on conditions provided"),
            int_flag({"timeout", "t"}, "Timeout in seconds, default to 10s", 10),
            string_flag({"format", "f"}, "Pretty-print machines using a Go template"),
        };
    }

    // `--format json` (issue 11): one JSON object per machine and line, fields in docs/commands/ls.md.
    static int print_json_lines(LoadedHosts& loaded, const std::vector<std::shared_ptr<Host>>& hosts,
                                std::chrono::seconds timeout) {
        std::vector<HostListItem> items = query_hosts(hosts, timeout);
        for (auto& item : loaded.in_error) {
            items.push_back(std::move(item));
        }
        sort_items(items);
        fill_swarm_column(items, hosts);
        for (const auto& item : items) {
            std::cout << ls_item_json(item) << "\n";
        }
        std::cout << std::flush;
        return 0;
    }

    int run(Context& context, const ParseResult& parsed) override {
        Filters filters = parse_filters(parsed.flags.strings("filter"));
        LoadedHosts loaded = load_all_hosts(*context.store);
        auto hosts = filter_hosts(loaded.hosts, filters);
        warn_about_store_and_certificates(*context.store, hosts);

        if (parsed.flags.boolean("quiet")) {
            for (const auto& host : hosts) {
                std::cout << host->name << "\n";
            }
            return 0;
        }

        std::string format = parsed.flags.string("format");
        auto timeout = std::chrono::seconds(std::max<long long>(parsed.flags.integer("timeout"), 0));
        if (format == "json") {
            return print_json_lines(loaded, hosts, timeout);
        }
        if (format.empty()) {
            format = k_default_format;
        }
        bool table = format.rfind("table", 0) == 0;
        if (table) {
            format = format.substr(5);
        }
        auto first = format.find_first_not_of(' ');
        auto last = format.find_last_not_of(' ');
        format = first == std::string::npos ? "" : format.substr(first, last - first + 1);
        format = replace_all(replace_all(format, "\\t", "\t"), "\\n", "\n") + "\n";
        tmpl::Template compiled = [&] {
            try {
                return tmpl::Template::parse(format, /*with_json_functions=*/false);
            } catch (const tmpl::ParseError& error) {
                throw Error(std::string("Template parsing error: ") + error.what() + "\n");
            }
        }();

        std::vector<HostListItem> items = query_hosts(hosts, timeout);
        for (auto& item : loaded.in_error) {
            items.push_back(std::move(item));
        }
        sort_items(items);
        fill_swarm_column(items, hosts);

        std::string output;
        try {
            if (table) {
                output += compiled.execute(header_value());
            }
            for (const auto& item : items) {
                output += compiled.execute(item_value(item));
            }
        } catch (const tmpl::ExecError& error) {
            std::cout << (table ? tabwrite_table(output) : output) << std::flush;
            throw Error(error.what());
        }
        std::cout << (table ? tabwrite_table(output) : output) << std::flush;
        return 0;
    }

private:
    static void fill_swarm_column(std::vector<HostListItem>& items,
                                  const std::vector<std::shared_ptr<Host>>& hosts) {
        auto masters = swarm_masters(hosts);
        std::map<std::string, const Host*> by_name;
        for (const auto& host : hosts) {
            by_name[host->name] = host.get();
        }
        for (auto& item : items) {
            auto host = by_name.find(item.name);
            if (host == by_name.end() || host->second->options.swarm.discovery.empty()) {
                continue;
            }
            auto master = masters.find(host->second->options.swarm.discovery);
            item.swarm = master == masters.end() ? "" : master->second;
            if (host->second->options.swarm.master) {
                item.swarm += " (master)";
            }
        }
    }
};

class ActiveCommand final : public Command {
public:
    std::string name() const override { return "active"; }
    std::string usage() const override { return "Print which machine is active"; }
    std::vector<FlagDef> flags() const override {
        return {int_flag({"timeout", "t"}, "Timeout in seconds, default to 10s", 10)};
    }
    int run(Context& context, const ParseResult& parsed) override {
        if (!parsed.args.empty()) {
            throw Error("Error: Too many arguments given");
        }
        LoadedHosts loaded;
        try {
            loaded = load_all_hosts(*context.store);
        } catch (const Error& error) {
            throw Error(std::string("Error getting active host: ") + error.what());
        }
        auto timeout = std::chrono::seconds(std::max<long long>(parsed.flags.integer("timeout"), 0));
        std::vector<HostListItem> items = query_hosts(loaded.hosts, timeout);
        sort_items(items);
        bool timed_out = false;
        for (const auto& item : items) {
            if (item.active_host || item.active_swarm) {
                std::cout << item.name << "\n";
                return 0;
            }
            timed_out = timed_out || item.state == State::Timeout;
        }
        throw Error(timed_out ? "Error getting active host: timeout" : "No active host found");
    }
};

}  // namespace

std::unique_ptr<Command> make_ls_command() {
    return std::make_unique<LsCommand>();
}
std::unique_ptr<Command> make_active_command() {
    return std::make_unique<ActiveCommand>();
}

}  // namespace machine::cli
