#pragma once

#include <string>

#include "machine/ssh.hpp"

namespace machine::ssh::detail {

// Upstream's debug lines around every remote command (certs-and-provisioning.md §5.1):
// "About to run SSH command:\n<cmd>" and "SSH cmd err, output: <err>: <output>".
void log_command_start(const std::string& command);
void log_command_end(const CommandResult& result);

}  // namespace machine::ssh::detail
