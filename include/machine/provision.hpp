#pragma once

// Provisioning of a created host over SSH (certs-and-provisioning.md §4-§7). Every remote command of one call
// goes through the machine's one cached SSH connection (machine_ssh.hpp); `native_ssh` is the CLI's
// --native-ssh choice and is passed on to set_native_ssh(). The implementation lives in src/provision/.

#include <string>

#include "machine/host.hpp"

namespace machine {

// Drivers whose hosts are not provisioned by create (none, and upstream's ci-test plugin).
[[nodiscard]] bool needs_provisioning(const std::string& driver_name);

// Steps 13-17 of create: wait for Running, detect the OS, provision, check the connection.
// Throws Error with upstream's "Error creating machine: ..." texts.
void provision_new_host(Host& host, bool native_ssh);

// Re-provisioning (`provision`, `regenerate-certs`): detect the OS and run the full provisioning with the
// stored options; `with_swarm` false uses an empty swarm configuration (regenerate-certs).
void reprovision_host(Host& host, bool native_ssh, bool with_swarm);

// Polls the machine's state until it is `target` (60 x 3 s; an error from the driver counts as "not yet", as
// upstream's MachineInState). Throws Error("Maximum number of retries (60) exceeded").
void wait_for_machine_state(Host& host, State target);

// `regenerate-certs --certs-only` (issue 11): a new server certificate on the host and one daemon restart;
// packages, hostname and engine configuration are left as they are.
void rotate_host_certificates(Host& host, bool native_ssh);

// "Wait for Docker" after start and restart: detect the provisioner, then poll the daemon port over SSH.
void wait_for_docker(Host& host, bool native_ssh);

// `upgrade` of one machine (§6): starts it if needed, detects the provisioner, queries the daemon version
// ("Unable to query docker version: ..."), then either purges docker-engine and re-provisions (<= 1.13.1) or
// upgrades the docker package and restarts the service.
void upgrade_host(Host& host, bool native_ssh);

}  // namespace machine
