#pragma once

// The Docker daemon option files docker-machine writes (certs-and-provisioning.md §5.4). Each renderer
// returns the text as it goes into the transport command `printf %s "<text>" | sudo tee <file>`: the remote
// shell then processes it inside double quotes (so `\"` and `\$` of the DOCKER_OPTS / CoreOS variants become
// `"` and `$`).

#include <string>

#include "machine/host.hpp"

namespace machine::provision {

struct EngineConfigContext {
    int docker_port = 2376;
    std::string ca_cert_remote_path;
    std::string server_cert_remote_path;
    std::string server_key_remote_path;
    // Labels already end with "provider=<driver name>"; storage_driver is the decided one.
    EngineOptions engine;
};

// Upstream's daemon command for a systemd drop-in: "/usr/bin/docker daemon" if the client version is below
// 1.12.0, else "/usr/bin/dockerd".
[[nodiscard]] std::string default_daemon_command(const std::string& client_version);

// (a)/(b) systemd drop-in: "[Service]\nExecStart=\nExecStart=<daemon_command> -H tcp://0.0.0.0:<port> ...".
[[nodiscard]] std::string render_systemd_drop_in(const EngineConfigContext& context,
                                                 const std::string& daemon_command);

// (c) CoreOS drop-in; `daemon_argument` is "daemon" for clients below 1.12.0, else "".
[[nodiscard]] std::string render_coreos_drop_in(const EngineConfigContext& context,
                                                const std::string& daemon_argument);

// (d) DOCKER_OPTS file of ubuntu(upstart) and RancherOS.
[[nodiscard]] std::string render_docker_opts_file(const EngineConfigContext& context);

// (e) boot2docker profile.
[[nodiscard]] std::string render_boot2docker_profile(const EngineConfigContext& context);

}  // namespace machine::provision
