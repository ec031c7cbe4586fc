#pragma once

// The per-machine status behind `ls` and `active` (cli.md §3.8): queried concurrently, each with a timeout.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "machine/host.hpp"
#include "machine/store.hpp"

namespace machine::cli {

struct HostListItem {
    std::string name;
    bool active_host = false;
    bool active_swarm = false;
    std::string active;  // "-", "*", "* (swarm)", or "" for timeout and error items
    std::string driver_name;
    State state = State::None;
    std::string url;
    std::shared_ptr<const SwarmOptions> swarm_options;    // null for timeout and error items
    std::shared_ptr<const EngineOptions> engine_options;  // likewise
    std::string swarm;                                    // the SWARM column
    std::string error;
    std::string docker_version;  // "v19.03.5", "Unknown" or ""
    std::chrono::milliseconds response_time{0};
};

struct LoadedHosts {
    std::vector<std::shared_ptr<Host>> hosts;  // directory order
    std::vector<HostListItem> in_error;        // machines whose config could not be loaded
};
[[nodiscard]] LoadedHosts load_all_hosts(const Store& store);

// Queries every host concurrently; a host that does not answer within `timeout` becomes a Timeout item.
[[nodiscard]] std::vector<HostListItem> query_hosts(const std::vector<std::shared_ptr<Host>>& hosts,
                                                    std::chrono::seconds timeout);

// Natural order of lower-cased names (cli.md §3.8).
void sort_items(std::vector<HostListItem>& items);

// Go's time.Duration String() at millisecond resolution ("27ms", "1.234s", "10s").
[[nodiscard]] std::string go_duration(std::chrono::milliseconds duration);

}  // namespace machine::cli
