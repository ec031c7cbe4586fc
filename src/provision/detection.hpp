#pragma once

// Finding the provisioner of a machine over SSH (certs-and-provisioning.md §4).

#include <memory>

#include "provision/provisioner.hpp"

namespace machine::provision {

// "Waiting for SSH to be available...": `exit 0` until it succeeds (60 x 3 s). Throws
// Error("Too many retries waiting for SSH to be available.  Last error: Maximum number of retries (60)
// exceeded"); a refused host key (ssh::HostKeyMismatch) is thrown at once.
void wait_for_ssh(const ProvisionEnv& env);

// wait_for_ssh, "Detecting the provisioner...", `cat /etc/os-release`, then the table of §4. Throws
// Error("Error getting SSH command: <err>") or Error("OS type not recognized").
[[nodiscard]] std::unique_ptr<Provisioner> detect_provisioner(const ProvisionEnv& env);

}  // namespace machine::provision
