#include <algorithm>
#include <iostream>
#include <map>
#include <thread>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/host_filter.hpp"
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

std::vector<std::shared_ptr<Host>> filter_hosts(const std::vector<std::shared_ptr<Host>>& hosts,
                                                const HostMatcher& matcher) {
    auto masters = swarm_masters(hosts);
    std::vector<std::shared_ptr<Host>> kept;
    for (const auto& host : hosts) {
        FilterSubject subject{host->driver->base().machine_name, host->driver_name, "",
                              host->options.engine.labels};
        if (!host->options.swarm.discovery.empty()) {
            auto master = masters.find(host->options.swarm.discovery);
            subject.swarm_master = master == masters.end() ? "" : master->second;
        }
        if (matcher.matches(subject)) {
            kept.push_back(host);
        }
    }
    if (!matcher.filters_state()) {
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
        if (matcher.state_matches(state_name(states[i]))) {
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
        HostMatcher matcher(parse_host_filters(parsed.flags.strings("filter")));
        LoadedHosts loaded = load_all_hosts(*context.store);
        auto hosts = filter_hosts(loaded.hosts, matcher);
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
