#include "cli/host_list.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "machine/connection.hpp"
#include "machine/docker_api.hpp"
#include "machine/error.hpp"
#include "machine/natural_sort.hpp"
#include "machine/net.hpp"

namespace machine::cli {
namespace {

constexpr auto k_docker_api_timeout = std::chrono::seconds(30);

std::string docker_host_env() {
    const char* value = std::getenv("DOCKER_HOST");
    return value == nullptr ? "" : value;
}

HostListItem query_one(Host& host) {
    HostListItem item;
    item.name = host.name;
    item.driver_name = host.driver->driver_name();
    item.swarm_options = std::make_shared<SwarmOptions>(host.options.swarm);
    item.engine_options = std::make_shared<EngineOptions>(host.options.engine);
    std::string url;
    std::string error;
    try {
        url = host.driver->url();
        item.state = url.empty() ? host.driver->state() : State::Running;
    } catch (const std::exception& url_error) {
        error = url_error.what();
        try {
            item.state = host.driver->state();
        } catch (const std::exception&) {
            item.state = State::Error;
        }
    }
    item.url = url;
    item.docker_version = "Unknown";
    if (error.empty() && !url.empty()) {
        try {
            item.docker_version =
                "v" + docker_api::server_version(url, tls_client_files(host), k_docker_api_timeout);
        } catch (const std::exception& version_error) {
            error = std::string("Unable to query docker version: ") + version_error.what();
        }
    }
    item.error = error == "Host is not running" ? "" : error;

    std::string docker_host = docker_host_env();
    item.active_host = item.state == State::Running && !docker_host.empty() && url == docker_host;
    // A swarm-mode manager has no separate swarm endpoint: pointing at its daemon shows the plain "*".
    item.active_swarm = host.options.swarm.master && !host.options.swarm.swarm_mode &&
                        item.state == State::Running && !url.empty() && !docker_host.empty() &&
                        swarm_url(host, url) == docker_host;
    item.active = item.active_swarm ? "* (swarm)" : item.active_host ? "*" : "-";
    return item;
}

// One query's shared state: the worker may outlive the wait (a hung driver is abandoned, as upstream does).
struct PendingQuery {
    std::mutex mutex;
    std::condition_variable done_signal;
    bool done = false;
    bool abandoned = false;
    HostListItem item;
};

// Hosts whose query was given up on. They are never destroyed: the command may be exiting by the time their
// worker returns, and a driver's destructor (an external plugin's, which closes the plugin) must not run
// then. Their plugin processes are killed at exit.
void keep_abandoned(std::shared_ptr<Host> host) {
    static std::mutex mutex;
    static auto* abandoned = new std::vector<std::shared_ptr<Host>>;  // reachable to the end, never freed
    std::lock_guard lock(mutex);
    abandoned->push_back(std::move(host));
}

}  // namespace

LoadedHosts load_all_hosts(const Store& store) {
    LoadedHosts loaded;
    for (const auto& name : store.list_names()) {
        try {
            loaded.hosts.push_back(store.load(name));
        } catch (const std::exception& error) {
            HostListItem item;
            item.name = name;
            item.driver_name = "not found";
            item.state = State::Error;
            item.error = error.what();
            item.error.erase(std::remove(item.error.begin(), item.error.end(), '\n'), item.error.end());
            loaded.in_error.push_back(std::move(item));
        }
    }
    return loaded;
}

std::vector<HostListItem> query_hosts(const std::vector<std::shared_ptr<Host>>& hosts,
                                      std::chrono::seconds timeout) {
    auto started = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<PendingQuery>> pending;
    for (const auto& host : hosts) {
        auto query = std::make_shared<PendingQuery>();
        pending.push_back(query);
        std::thread([query, host = std::shared_ptr<Host>(host)]() mutable {
            HostListItem item = query_one(*host);
            std::lock_guard lock(query->mutex);
            if (query->abandoned) {
                keep_abandoned(std::move(host));
            } else {
                host.reset();  // the caller's reference is the last one: the host ends in the caller's thread
            }
            query->item = std::move(item);
            query->done = true;
            query->done_signal.notify_all();
        }).detach();
    }
    std::vector<HostListItem> items;
    auto deadline = started + timeout;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        std::unique_lock lock(pending[i]->mutex);
        if (pending[i]->done_signal.wait_until(lock, deadline, [&] { return pending[i]->done; })) {
            HostListItem item = std::move(pending[i]->item);
            item.response_time = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started);
            items.push_back(std::move(item));
        } else {
            pending[i]->abandoned = true;
            HostListItem item;
            item.name = hosts[i]->name;
            item.driver_name = hosts[i]->driver->driver_name();
            item.state = State::Timeout;
            item.response_time = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
            items.push_back(std::move(item));
        }
    }
    return items;
}

void sort_items(std::vector<HostListItem>& items) {
    auto lower = [](const std::string& text) {
        std::string out = text;
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
        return out;
    };
    // Upstream sorts unique lower-cased names with Go's sort.Sort (natural_sort reproduces its order even
    // where the comparison is inconsistent); names that differ only by case stay together, in input order.
    std::vector<std::string> keys;
    for (const auto& item : items) {
        keys.push_back(lower(item.name));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    natural_sort(keys);
    std::vector<HostListItem> sorted;
    sorted.reserve(items.size());
    for (const auto& key : keys) {
        for (auto& item : items) {
            if (lower(item.name) == key) {
                sorted.push_back(std::move(item));
            }
        }
    }
    items = std::move(sorted);
}

std::string go_duration(std::chrono::milliseconds duration) {
    long long ms = duration.count();
    if (ms == 0) {
        return "0s";
    }
    std::string sign = ms < 0 ? "-" : "";
    ms = std::llabs(ms);
    if (ms < 1000) {
        return sign + std::to_string(ms) + "ms";
    }
    long long hours = ms / 3600000;
    long long minutes = (ms / 60000) % 60;
    long long seconds = (ms / 1000) % 60;
    long long millis = ms % 1000;
    std::string out = sign;
    if (hours > 0) {
        out += std::to_string(hours) + "h";
    }
    if (hours > 0 || minutes > 0) {
        out += std::to_string(minutes) + "m";
    }
    out += std::to_string(seconds);
    if (millis > 0) {
        char fraction[8];
        std::snprintf(fraction, sizeof fraction, ".%03lld", millis);
        std::string digits = fraction;
        while (digits.back() == '0') {
            digits.pop_back();
        }
        out += digits;
    }
    return out + "s";
}

}  // namespace machine::cli
