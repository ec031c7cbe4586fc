#pragma once

// The provisioning flows behind machine/provision.hpp, on a ProvisionEnv so that tests can run them against a
// fake SSH client and driver.

#include <functional>
#include <string>

#include "machine/host.hpp"
#include "provision/provision_env.hpp"

namespace machine::provision {

// Create steps 13-17 (cli.md §3.3.1); `check_connection` is step 16's TLS check. Throws Error
// "Error creating machine: Error waiting for machine to be running: ...", "... Error detecting OS: ...",
// "... Error running provisioning: ...", "... Error checking the host: ...".
void run_create_provisioning(const ProvisionEnv& env, const HostOptions& options,
                             const std::function<void()>& check_connection);

// Detect the provisioner and provision with the stored options (an empty swarm configuration unless
// `with_swarm`). Errors unwrapped.
void run_reprovision(const ProvisionEnv& env, const HostOptions& options, bool with_swarm);

// Detect the provisioner and rotate the certificates only (regenerate-certs --certs-only, issue 11).
void run_rotate_certificates(const ProvisionEnv& env, const HostOptions& options);

// Detect the provisioner, then wait for the daemon port 2376 (cli.md §1.10 "Wait for Docker").
void run_wait_for_docker(const ProvisionEnv& env);

// `upgrade` (§6). `query_docker_version` returns the daemon version or throws
// Error("Unable to query docker version: ...").
void run_upgrade(const ProvisionEnv& env, const HostOptions& options,
                 const std::function<std::string()>& query_docker_version);

}  // namespace machine::provision
