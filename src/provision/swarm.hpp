#pragma once

// Legacy standalone Swarm containers started at the end of provisioning (certs-and-provisioning.md §7).

#include <string>
#include <vector>

#include "machine/driver.hpp"
#include "machine/host.hpp"

namespace machine::provision {

// One container to pull, create and start through the Docker remote API (v1.15).
struct SwarmContainer {
    std::string name;         // "swarm-agent-master" or "swarm-agent"
    std::string image;        // SwarmOptions.image, pulled first
    std::string create_body;  // POST /v1.15/containers/create?name=<name>
    std::string start_body;   // POST /v1.15/containers/<id>/start (the HostConfig)
};

// The engine port swarm uses: the driver URL split on ':' into three parts gives its third, else 2376.
// Throws Error("strconv.Atoi: ...") for a non-numeric port.
[[nodiscard]] int swarm_engine_port(const std::string& engine_url);

// The containers of `swarm` (master first, then agent), for a machine at `ip` whose daemon listens on
// `engine_port`. `auth` carries the remote certificate paths; `env` is the engine environment. Throws Error
// when SwarmOptions.host has no port.
[[nodiscard]] std::vector<SwarmContainer> swarm_containers(const SwarmOptions& swarm,
                                                           const std::vector<std::string>& env,
                                                           const AuthOptions& auth,
                                                           const std::string& docker_options_dir,
                                                           const std::string& ip, int engine_port);

// Prints "Configuring swarm..." and creates the containers on the machine's daemon over TLS (the local CA and
// client certificate of `auth`). Errors: "Unable to pull image: <err>", "Error while creating container:
// <err>", "Error while starting container: <err>".
void configure_swarm(Driver& driver, const SwarmOptions& swarm, const std::vector<std::string>& env,
                     const AuthOptions& auth, const std::string& docker_options_dir);

}  // namespace machine::provision
