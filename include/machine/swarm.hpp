#pragma once

// Swarm mode for the `--swarm*` create flags: `--swarm-master` runs `docker swarm init` on the new machine,
// `--swarm` joins the swarm whose manager `--swarm-discovery` names (machine://NAME or tcp://HOST:PORT), and
// `rm` makes a node leave first. Everything goes through the Docker Engine API over mutual TLS (libcurl).
// Upstream's standalone Swarm containers (src/provision/swarm.cpp) remain behind --swarm-standalone.

#include <string>
#include <vector>

#include "machine/cert.hpp"
#include "machine/host.hpp"

namespace machine {
class Store;
}

namespace machine::swarm {

// The swarm listen port (docker's default; swarm init/join use it on every node).
inline constexpr int k_swarm_port = 2377;

// True for a machine whose swarm options ask for swarm mode (not upstream's standalone containers).
[[nodiscard]] bool uses_swarm_mode(const SwarmOptions& swarm);

// NAME of a "machine://NAME" discovery, else "".
[[nodiscard]] std::string discovery_machine(const std::string& discovery);

// True when a discovery value can name a swarm-mode manager: machine://NAME or tcp://HOST:PORT.
[[nodiscard]] bool is_manager_discovery(const std::string& discovery);

// True when machine `machine_name` with these options starts a new swarm rather than joining one: a master
// whose discovery is empty or names the machine itself.
[[nodiscard]] bool initialises_swarm(const SwarmOptions& swarm, const std::string& machine_name);

// A swarm manager that a node joins or reports its leaving to.
struct Manager {
    std::string label;       // "\"m1\"" for machine://m1, the URL for tcp://...
    std::string engine_url;  // tcp://host:port of its Docker Engine API
    cert::TlsClientFiles tls;
    std::string swarm_address;  // host:2377 where its swarm listens
    std::string worker_token;
    std::string manager_token;
};

// Finds the manager that `discovery` names and fetches its join tokens: a machine of `store` (its own TLS
// material), or a tcp:// Docker endpoint reached with `tls`. Throws Error saying what is wrong: no such
// machine, not reachable, not part of a swarm, not a manager.
[[nodiscard]] Manager find_manager(const Store& store, const std::string& discovery,
                                   const cert::TlsClientFiles& tls);

// The swarm step of provisioning for a swarm-mode machine: init or join. A node that is already part of a
// swarm (re-provisioning) is left as it is. Throws Error with the Engine's message.
void configure(Host& host);

// Before `rm`: the node leaves its swarm and its manager (when another machine) deletes the node. Problems
// are returned as warnings: a machine being removed must not be kept alive by its swarm.
[[nodiscard]] std::vector<std::string> leave(Host& host);

}  // namespace machine::swarm
