#pragma once

// Provisioning of a created host over SSH (certs-and-provisioning.md §4-§6).

#include <string>

#include "machine/host.hpp"

namespace machine {

// Drivers whose hosts are not provisioned by create (none, and upstream's ci-test plugin).
[[nodiscard]] bool needs_provisioning(const std::string& driver_name);

// Steps 13-17 of create: wait for Running, detect the OS, provision, check the connection.
// Throws Error with upstream's "Error creating machine: ..." texts.
void provision_new_host(Host& host, bool native_ssh);

// Re-provisioning (`provision`, `regenerate-certs`): detect the OS and run the full provisioning with the stored
// options; `with_swarm` false uses an empty swarm configuration (regenerate-certs).
void reprovision_host(Host& host, bool native_ssh, bool with_swarm);

// "Wait for Docker" after start and restart: detect the provisioner, then poll the daemon port over SSH.
void wait_for_docker(Host& host, bool native_ssh);

// `upgrade` of one machine.
void upgrade_host(Host& host, bool native_ssh);

}  // namespace machine
